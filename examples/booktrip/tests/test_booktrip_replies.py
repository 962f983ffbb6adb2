"""What a BookTrip customer notices once the team's handler carries @sentiment_aware."""

from __future__ import annotations

from typing import Any

import pytest
from booktrip import app
from booktrip_support import (
    AGENT_OFFER,
    APOLOGY,
    action,
    attributes,
    intent_name,
    invoke,
    load_event,
    messages,
    team_reply,
    with_negative,
    with_slot,
)

LAYER_MEMORY = {"negativeTurns", "scoredTurns", "sentimentScoreSum", "firstTurnScores", "recentTurnScores"}


def without_attributes(response: dict[str, Any]) -> dict[str, Any]:
    state = {key: value for key, value in response["sessionState"].items() if key != "sessionAttributes"}
    return {**response, "sessionState": state}


@pytest.mark.parametrize(
    "name", ["book-hotel-calm", "book-car-fulfilment-calm", "book-car-underage-driver", "fallback"]
)
def test_a_calm_turn_goes_out_as_the_handler_wrote_it_plus_the_layers_memory(name: str) -> None:
    # Given a calm customer
    event = load_event(name)

    # When BookTrip answers
    reply = invoke(event)

    # Then everything but the session attributes is the team's own reply...
    ours = team_reply(event)
    assert without_attributes(reply) == without_attributes(ours)
    # ...and the attributes are the caller's and the handler's, with the layer's memory merged in
    assert attributes(ours).items() <= attributes(reply).items()
    assert LAYER_MEMORY <= set(attributes(reply))
    assert not any(APOLOGY in text for text in messages(reply))


def test_the_callers_attribute_and_the_handlers_own_are_both_kept() -> None:
    reply = invoke(load_event("book-hotel-calm"))
    assert attributes(reply)["customerTier"] == "gold"

    booked = invoke(load_event("book-car-fulfilment-calm"))
    assert attributes(booked)["lastBooking"] == "BookCar"
    assert messages(booked) == ["Thanks, I have booked a midsize car in Seattle from 2030-06-10 to 2030-06-14."]


def test_the_handlers_own_validation_still_asks_again() -> None:
    reply = invoke(load_event("book-car-underage-driver"))

    assert action(reply) == "ElicitSlot"
    assert reply["sessionState"]["dialogAction"]["slotToElicit"] == "DriverAge"
    assert messages(reply) == ["Drivers must be at least 18 years old. How old is the driver?"]


def test_an_upset_customer_hears_an_apology_before_the_handlers_question_once() -> None:
    # Given an upset customer (negative 0.6) asking for 45 nights
    event = load_event("book-hotel-upset-invalid-nights")

    # When BookTrip answers
    reply = invoke(event)

    # Then the handler's ElicitSlot goes out with the apology in front of its first message
    (question,) = messages(team_reply(event))
    assert action(reply) == "ElicitSlot"
    assert reply["sessionState"]["dialogAction"]["slotToElicit"] == "Nights"
    assert messages(reply) == [f"{APOLOGY} {question}"]
    assert " ".join(messages(reply)).count(APOLOGY) == 1
    assert attributes(reply)["negativeTurns"] == "1"


def test_a_handler_that_already_apologises_is_not_apologised_for_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a team whose validation message already says sorry
    def nights_problem(intent: dict[str, Any]) -> tuple[str, str] | None:
        return "Nights", f"{APOLOGY} We can only book 1 to 30 nights. How many nights?"

    monkeypatch.setitem(app.BOOKINGS, "BookHotel", (nights_problem, app.hotel_confirmation))

    # When an upset customer gets that question
    reply = invoke(load_event("book-hotel-upset-invalid-nights"))

    # Then they hear the apology once
    assert messages(reply) == [f"{APOLOGY} We can only book 1 to 30 nights. How many nights?"]


@pytest.mark.parametrize(
    ("nights", "handler_action"),
    [("45", "ElicitSlot"), ("3", "Delegate")],
)
def test_a_very_upset_customer_is_offered_an_agent_instead_of_the_handlers_next_step(
    nights: str, handler_action: str
) -> None:
    # Given a very upset customer (negative 0.9) mid-booking
    event = with_slot(load_event("book-hotel-very-upset"), "Nights", nights)
    assert action(team_reply(event)) == handler_action

    # When BookTrip answers
    reply = invoke(event)

    # Then the handler's question (or delegation) is replaced by the offer of an agent
    assert action(reply) == "ConfirmIntent"
    assert intent_name(reply) == "SpeakToAgent"
    assert messages(reply) == [AGENT_OFFER]
    assert attributes(reply)["agentOfferReason"] == "negative_sentiment"
    assert attributes(reply)["interruptedIntent"] == "BookHotel"
    assert attributes(reply)["customerTier"] == "gold"


def test_a_very_upset_customer_at_fulfilment_gets_the_confirmation_with_an_apology() -> None:
    # Given a very upset customer (negative 0.85) whose booking is ready
    event = load_event("book-hotel-fulfilment-upset")

    # When BookTrip answers
    reply = invoke(event)

    # Then the booking is confirmed (an answer beats an offer), with the apology in front
    assert action(reply) == "Close"
    assert reply["sessionState"]["intent"] == {**team_reply(event)["sessionState"]["intent"], "state": "Fulfilled"}
    assert messages(reply) == [f"{APOLOGY} Thanks, I have booked a king room in Chicago for 3 nights from 2030-05-01."]
    assert "agentOfferReason" not in attributes(reply)


def test_an_upset_customer_at_fulfilment_also_gets_the_confirmation_with_an_apology() -> None:
    reply = invoke(with_negative(load_event("book-hotel-fulfilment-upset"), 0.6))

    assert action(reply) == "Close"
    assert messages(reply) == [f"{APOLOGY} Thanks, I have booked a king room in Chicago for 3 nights from 2030-05-01."]


def test_saying_yes_to_the_agent_hands_over_with_what_the_connect_flow_reads() -> None:
    # Given the customer was offered an agent while booking a hotel
    event = load_event("speak-to-agent-confirmed")

    # When they say yes
    reply = invoke(event)

    # Then the bot closes with the hand-over attributes the Amazon Connect flow branches on
    assert action(reply) == "Close"
    assert reply["sessionState"]["intent"]["name"] == "SpeakToAgent"
    assert reply["sessionState"]["intent"]["state"] == "Fulfilled"
    assert messages(reply) == ["I'm transferring you to an agent now."]
    handover = attributes(reply)
    assert handover["handover"] == "true"
    assert handover["handoverReason"] == "negative_sentiment"
    assert handover["handoverIntent"] == "BookHotel"
    assert handover["handoverSentimentScore"] == "-3.4"  # 5 x (positive 0.02 - negative 0.7)
    assert float(handover["conversationSentimentScore"]) < 0
    assert handover["customerTier"] == "gold"
    assert "agentOfferReason" not in handover


def test_saying_no_resumes_the_booking_where_it_was() -> None:
    # Given the customer was offered an agent while asking for 45 nights in Chicago
    event = load_event("speak-to-agent-declined")

    # When they say no
    reply = invoke(event)

    # Then the handler answers the interrupted BookHotel again, after "No problem."
    assert action(reply) == "ElicitSlot"
    assert intent_name(reply) == "BookHotel"
    slots = reply["sessionState"]["intent"]["slots"]
    assert slots["Location"]["value"]["interpretedValue"] == "Chicago"
    (question,) = messages(team_reply(load_event("book-hotel-very-upset")))
    assert messages(reply) == [f"No problem. {question}"]
    assert attributes(reply)["agentOfferDeclined"] == "true"
    assert "handover" not in attributes(reply)


def test_when_the_handler_raises_the_customer_gets_a_fresh_question_and_keeps_the_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the team's validation breaks
    def broken(intent: dict[str, Any]) -> tuple[str, str] | None:
        raise ConnectionError("hotel inventory unreachable")

    monkeypatch.setitem(app.BOOKINGS, "BookHotel", (broken, app.hotel_confirmation))
    event = load_event("book-hotel-calm")

    # When BookTrip answers
    reply = invoke(event)

    # Then Lex gets a valid ElicitIntent with the sorry message, and the session attributes survive
    assert action(reply) == "ElicitIntent"
    assert messages(reply) == ["Sorry, something went wrong on my side. What would you like to do?"]
    assert attributes(reply)["customerTier"] == "gold"
    assert attributes(reply)["scoredTurns"] == "1"


def test_the_fallback_intent_asks_what_the_customer_wants() -> None:
    reply = invoke(load_event("fallback"))

    assert action(reply) == "ElicitIntent"
    assert messages(reply) == [
        "Sorry, I didn't get that. I can book a hotel or a rental car. What would you like to do?"
    ]


def test_asking_for_an_agent_outright_hands_over_at_once() -> None:
    # Given no offer was made: the customer asks for an agent themselves
    event = load_event("speak-to-agent-confirmed")
    event["sessionState"]["sessionAttributes"] = {"customerTier": "gold"}

    reply = invoke(event)

    assert action(reply) == "Close"
    assert attributes(reply)["handover"] == "true"
    assert attributes(reply)["handoverReason"] == "customer_request"
    assert attributes(reply)["customerTier"] == "gold"


def test_a_return_date_before_the_pick_up_is_asked_for_again() -> None:
    event = with_slot(with_slot(load_event("book-car-underage-driver"), "DriverAge", "34"), "ReturnDate", "2030-06-09")

    reply = invoke(event)

    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "ReturnDate"}
    assert messages(reply) == ["The return date must be after the pick-up date. When will you return the car?"]
