"""What the customer hears, in both formats, with fake repositories (no AWS)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from lexsentiment.lex.events import detect_version
from lexsentiment.memory import OWN_ATTRIBUTES
from lexsentiment.observability import metrics
from lexsentiment.policy.assess import Decision
from tests.support import (
    TODAY,
    FakeDeliveries,
    FakeRecorder,
    assert_valid_response,
    dialog_action,
    fake_delivery_bot,
    load_event,
    reply_text,
    respond,
    session_attributes,
    with_sentiment_v2,
)

APOLOGY_ASK = "Apologies for the inconvenience. What is your tracking number?"
OFFER = "Apologies for the inconvenience. Would you like to speak to an agent?"
BLOG_ANSWER = "Your package 21132 will arrive on Friday, November 27 at your home address."


def run(
    event: dict[str, Any], deliveries: FakeDeliveries | None = None, recorder: FakeRecorder | None = None
) -> dict[str, Any]:
    response = respond(event, deliveries, recorder)
    assert_valid_response(response, "V1" if "currentIntent" in event else "V2")
    return response


@pytest.mark.parametrize(
    ("event_file", "action", "text"),
    [
        ("lexv2/check-delivery-status-upset.json", "ElicitSlot", APOLOGY_ASK),
        ("lexv1/check-delivery-status-blog.json", "ElicitSlot", APOLOGY_ASK),
        ("lexv2/check-delivery-status-calm.json", "ElicitSlot", "What is your tracking number?"),
        ("lexv1/check-delivery-status-calm.json", "ElicitSlot", "What is your tracking number?"),
        ("lexv2/check-delivery-status-no-sentiment.json", "ElicitSlot", "What is your tracking number?"),
        ("lexv1/check-delivery-status-garbled-sentiment.json", "ElicitSlot", "What is your tracking number?"),
        ("lexv2/check-delivery-status-very-upset.json", "ConfirmIntent", OFFER),
        ("lexv1/check-delivery-status-very-upset.json", "ConfirmIntent", OFFER),
        ("lexv2/check-delivery-status-fulfilment.json", "Close", BLOG_ANSWER),
        ("lexv1/check-delivery-status-fulfilment.json", "Close", BLOG_ANSWER),
    ],
)
def test_check_delivery_status_answers_alike_in_both_formats(event_file: str, action: str, text: str) -> None:
    response = run(load_event(event_file))

    assert dialog_action(response) == action
    assert reply_text(response) == text


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (date(2026, 11, 27), BLOG_ANSWER),  # due today: still on its way
        (
            date(2026, 11, 28),
            "Your package 21132 was due on Friday, November 27 at your home address. "
            "If it hasn't reached you, ask for an agent.",
        ),
    ],
)
def test_a_delivery_date_that_has_passed_is_told_as_past_never_promised(today: date, text: str) -> None:
    now = datetime.combine(today, time(10), tzinfo=UTC)

    response = respond(load_event("lexv2/check-delivery-status-fulfilment.json"), now=now)

    assert reply_text(response) == text


def test_the_apology_keeps_asking_for_the_tracking_number_in_v2_shape() -> None:
    response = run(load_event("lexv2/check-delivery-status-upset.json"))

    assert response["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "trackingNumber"}
    assert response["sessionState"]["intent"]["name"] == "CheckDeliveryStatus"


def test_the_v1_offer_is_a_confirm_intent_on_agent_handover() -> None:
    response = run(load_event("lexv1/check-delivery-status-very-upset.json"))

    assert response["dialogAction"]["intentName"] == "AgentHandover"
    attributes = session_attributes(response)
    assert attributes["agentOfferReason"] == "negative_sentiment"
    assert attributes["interruptedIntent"] == "CheckDeliveryStatus"


def test_an_upset_customer_with_a_known_number_gets_the_date_with_an_apology() -> None:
    event = with_sentiment_v2(load_event("lexv2/check-delivery-status-fulfilment.json"), negative=0.9)

    response = run(event)

    assert dialog_action(response) == "Close"
    assert reply_text(response) == f"Apologies for the inconvenience. {BLOG_ANSWER}"


def test_a_valid_number_in_the_dialog_hook_is_delegated_to_fulfilment() -> None:
    event = load_event("lexv2/check-delivery-status-fulfilment.json")
    event["invocationSource"] = "DialogCodeHook"

    response = run(event)

    assert dialog_action(response) == "Delegate"
    assert response["sessionState"]["intent"]["state"] == "ReadyForFulfillment"
    assert session_attributes(response)["delegatedTurnKey"] == event["sessionState"]["originatingRequestId"]


def test_a_malformed_tracking_number_is_asked_again_clearly() -> None:
    response = run(load_event("lexv2/check-delivery-status-malformed-tracking-number.json"))

    assert dialog_action(response) == "ElicitSlot"
    assert reply_text(response).startswith("That doesn't look like a tracking number.")
    assert response["sessionState"]["intent"]["slots"]["trackingNumber"] is None


def test_an_unknown_number_is_asked_again_and_a_second_miss_offers_an_agent() -> None:
    first = run(load_event("lexv2/check-delivery-status-unknown-tracking-number.json"))
    assert dialog_action(first) == "ElicitSlot"
    assert "couldn't find a delivery with tracking number 99999" in reply_text(first)

    second_event = load_event("lexv2/check-delivery-status-unknown-tracking-number.json")
    second_event["sessionState"]["sessionAttributes"] = session_attributes(first)
    second_event["sessionState"]["originatingRequestId"] = "second-utterance"
    second = run(second_event)

    assert dialog_action(second) == "ConfirmIntent"
    assert reply_text(second).endswith("Would you like to speak to an agent?")
    assert session_attributes(second)["agentOfferReason"] == "lookup_failed"


def test_when_the_store_is_down_the_bot_says_so_and_offers_an_agent_never_a_date() -> None:
    deliveries = FakeDeliveries.with_demo()
    deliveries.unavailable = True

    response = run(load_event("lexv1/check-delivery-status-fulfilment.json"), deliveries)

    assert dialog_action(response) == "ConfirmIntent"
    assert reply_text(response) == "I can't look up deliveries right now. Would you like to speak to an agent?"
    assert "November" not in reply_text(response)


def test_accepting_the_offer_hands_over_with_the_context_connect_needs() -> None:
    response = run(load_event("lexv2/agent-handover-accepted.json"))

    assert dialog_action(response) == "Close"
    assert response["sessionState"]["intent"] == {"name": "AgentHandover", "slots": {}, "state": "Fulfilled"}
    assert reply_text(response) == "I'm transferring you to an agent now."
    attributes = session_attributes(response)
    assert attributes["handover"] == "true"
    assert attributes["handoverReason"] == "negative_sentiment"
    assert attributes["handoverIntent"] == "CheckDeliveryStatus"
    # This turn: 5 x (0.2 - 0.1) = 0.5; conversation: (-4.6 + 0.5) / 2 = -2.05.
    assert attributes["handoverSentimentScore"] == "0.5"
    assert attributes["conversationSentimentScore"] in {"-2.0", "-2.1"}


def test_asking_for_an_agent_directly_is_a_customer_request() -> None:
    response = run(load_event("lexv2/agent-handover-request.json"))

    attributes = session_attributes(response)
    assert attributes["handoverReason"] == "customer_request"
    assert attributes["handoverIntent"] == "AgentHandover"


@pytest.mark.parametrize("event_file", ["lexv2/agent-handover-declined.json", "lexv1/agent-handover-declined.json"])
def test_declining_the_offer_resumes_the_interrupted_intent(event_file: str) -> None:
    response = run(load_event(event_file))

    assert dialog_action(response) == "ElicitSlot"
    assert reply_text(response) == "No problem. What is your tracking number?"
    attributes = session_attributes(response)
    assert attributes["agentOfferDeclined"] == "true"
    assert "agentOfferReason" not in attributes
    assert "handover" not in attributes


def test_declining_with_slots_already_given_resumes_with_them() -> None:
    event = load_event("lexv2/agent-handover-declined.json")
    event["sessionState"]["sessionAttributes"]["interruptedSlots"] = '{"trackingNumber": "21132"}'

    response = run(event)

    assert dialog_action(response) == "Delegate"
    assert response["sessionState"]["intent"]["name"] == "CheckDeliveryStatus"
    slot = response["sessionState"]["intent"]["slots"]["trackingNumber"]
    assert slot["value"]["interpretedValue"] == "21132"


@pytest.mark.parametrize("event_file", ["lexv2/fallback.json", "lexv1/fallback.json", "lexv2/unknown-intent.json"])
def test_fallback_and_unknown_intents_say_what_the_bot_can_do(event_file: str) -> None:
    response = run(load_event(event_file))

    assert dialog_action(response) == "ElicitIntent"
    assert reply_text(response).startswith("I can tell you when your package will arrive")


def test_an_upset_fallback_offers_an_agent() -> None:
    response = run(load_event("lexv2/fallback-upset.json"))

    assert reply_text(response) == OFFER
    assert "interruptedIntent" not in session_attributes(response)


class TestChangeDeliveryDate:
    def event(self, new_date: str, source: str = "DialogCodeHook") -> dict[str, Any]:
        event = load_event("lexv2/change-delivery-date.json")
        event["invocationSource"] = source
        event["sessionState"]["intent"]["slots"]["newDeliveryDate"]["value"]["interpretedValue"] = new_date
        return event

    @pytest.mark.parametrize("days_ahead", [0, 1, 30])
    def test_a_date_within_30_days_is_confirmed_first(self, days_ahead: int) -> None:
        response = run(self.event((TODAY + timedelta(days=days_ahead)).isoformat()))

        assert dialog_action(response) == "ConfirmIntent"
        assert reply_text(response).startswith("Shall I move the delivery of package 21132 to ")

    @pytest.mark.parametrize("days_ahead", [-1, 31])
    def test_past_dates_and_dates_beyond_30_days_are_asked_again(self, days_ahead: int) -> None:
        response = run(self.event((TODAY + timedelta(days=days_ahead)).isoformat()))

        assert dialog_action(response) == "ElicitSlot"
        assert response["sessionState"]["dialogAction"]["slotToElicit"] == "newDeliveryDate"
        assert reply_text(response).startswith("I can move a delivery to any day from Monday, November 23 to")

    def test_an_unreadable_date_is_asked_again(self) -> None:
        response = run(self.event("next blue moon"))

        assert reply_text(response) == "I didn't catch a date there. Which date would you like the delivery on?"

    def test_confirmed_fulfilment_moves_the_delivery(self) -> None:
        deliveries = FakeDeliveries.with_demo()

        response = run(load_event("lexv2/change-delivery-date-confirmed.json"), deliveries)

        assert dialog_action(response) == "Close"
        assert reply_text(response) == (
            "Done. Your package 21132 will now arrive on Monday, November 30 at your home address."
        )
        assert deliveries.deliveries["21132"].delivery_date.isoformat() == "2026-11-30"

    def test_a_denied_confirmation_asks_for_another_date(self) -> None:
        event = self.event("2026-11-30")
        event["sessionState"]["intent"]["confirmationState"] = "Denied"

        response = run(event)

        assert reply_text(response) == "No problem. Which date would you like the delivery on?"


def test_the_callers_session_attributes_are_always_sent_back() -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    event["sessionState"]["sessionAttributes"] = {"customerTier": "gold", "handover": "true"}

    attributes = session_attributes(run(event))

    assert attributes["customerTier"] == "gold"
    assert "handover" not in attributes  # a stale hand-over flag must not transfer the next call


def test_a_failed_recording_does_not_change_the_reply() -> None:
    healthy = run(load_event("lexv2/check-delivery-status-upset.json"))
    failing = run(load_event("lexv2/check-delivery-status-upset.json"), recorder=FakeRecorder(failing=True))

    assert failing == healthy


def test_the_fulfilment_hook_after_a_delegate_is_not_counted_twice() -> None:
    recorder = FakeRecorder()
    bot = fake_delivery_bot(recorder=recorder)
    dialog_event = with_sentiment_v2(load_event("lexv2/check-delivery-status-fulfilment.json"), negative=0.6)
    dialog_event["invocationSource"] = "DialogCodeHook"
    dialog_event["sessionState"]["sessionAttributes"] = {}
    delegated = bot(dialog_event, None)

    fulfilment_event = with_sentiment_v2(load_event("lexv2/check-delivery-status-fulfilment.json"), negative=0.6)
    fulfilment_event["sessionState"]["sessionAttributes"] = session_attributes(delegated)
    fulfilled = bot(fulfilment_event, None)

    assert len(recorder.records) == 1
    assert recorder.records[0].decision is Decision.APOLOGISE
    assert session_attributes(fulfilled)["scoredTurns"] == "1"
    assert session_attributes(fulfilled)["negativeTurns"] == "1"
    assert reply_text(fulfilled) == f"Apologies for the inconvenience. {BLOG_ANSWER}"


@pytest.mark.parametrize("event", [{}, [], "junk", {"currentIntent": None}, {"sessionState": "x"}, None])
def test_unreadable_events_get_a_valid_reply(event: Any) -> None:
    response = respond(event)

    assert_valid_response(response, detect_version(event).value)
    assert dialog_action(response) == "ElicitIntent"
    assert reply_text(response).startswith("Sorry, something went wrong on my side.")


def test_an_unexpected_error_still_gets_a_valid_reply_and_keeps_the_session(caplog: pytest.LogCaptureFixture) -> None:
    class BrokenDeliveries(FakeDeliveries):
        def find(self, tracking_number: str) -> None:
            raise RuntimeError("bug")

    event = load_event("lexv1/check-delivery-status-fulfilment.json")

    response = run(event, BrokenDeliveries())

    assert dialog_action(response) == "ElicitIntent"
    assert reply_text(response).startswith("Sorry, something went wrong on my side.")
    callers_own = {key: value for key, value in event["sessionAttributes"].items() if key not in OWN_ATTRIBUTES}
    assert session_attributes(response).items() >= callers_own.items()
    assert session_attributes(response)["scoredTurns"] == str(int(event["sessionAttributes"]["scoredTurns"]) + 1)


def conversation(
    turns: list[tuple[str, float, dict[str, Any]]], utterances: list[int] | None = None
) -> list[dict[str, Any]]:
    """Play (event file, negative score, changes to the intent) turns, carrying the session as Lex does.

    `utterances` numbers the utterance each turn belongs to (default: one each); Lex calls the
    fulfilment hook with the same utterance after a dialog hook delegated.
    """
    bot = fake_delivery_bot()
    replies: list[dict[str, Any]] = []
    for index, (event_file, negative, intent_changes) in enumerate(turns):
        event = with_sentiment_v2(load_event(event_file), negative)
        event["sessionId"] = "one-conversation"
        event["sessionState"]["originatingRequestId"] = f"utterance-{utterances[index] if utterances else index}"
        event["sessionState"]["sessionAttributes"] = session_attributes(replies[-1]) if replies else {}
        event["sessionState"]["intent"].update(intent_changes)
        replies.append(bot(event, None))
        metrics.clear_metrics()  # nothing flushes them outside Lambda's wrapper
    return replies


def number(value: str) -> dict[str, Any]:
    slot = {"shape": "Scalar", "value": {"originalValue": value, "interpretedValue": value, "resolvedValues": [value]}}
    return {"slots": {"trackingNumber": slot}}


NO = {"name": "AgentHandover", "slots": {}, "confirmationState": "Denied"}


def test_after_a_no_to_an_offer_for_unknown_numbers_the_bot_asks_for_another_number_instead_of_looping() -> None:
    # make chat: "where is package 99999", "99998", "no" (each a fulfilment, as Lex runs it after a Delegate).
    fulfilment = "lexv2/check-delivery-status-fulfilment.json"
    replies = conversation([(fulfilment, 0.1, number("99999")), (fulfilment, 0.1, number("99998"))])
    assert dialog_action(replies[-1]) == "ConfirmIntent"

    event = with_sentiment_v2(load_event("lexv2/agent-handover-declined.json"), 0.1)
    event["sessionState"]["sessionAttributes"] = session_attributes(replies[-1])
    after_no = fake_delivery_bot()(event, None)

    assert dialog_action(after_no) == "ElicitSlot"
    assert reply_text(after_no) == "No problem. What is your tracking number?"
    assert after_no["sessionState"]["intent"]["slots"]["trackingNumber"] is None
    assert "agentOfferReason" not in session_attributes(after_no)


def test_a_furious_turn_after_two_calm_ones_is_offered_an_agent_again_after_a_no() -> None:
    ask = "lexv2/check-delivery-status-calm.json"
    replies = conversation(
        [
            (ask, 0.95, {}),  # furious: offered
            ("lexv2/agent-handover-declined.json", 0.1, NO),  # "no"
            (ask, 0.95, {}),  # right after the no: only an apology
            (ask, 0.1, {}),  # calm
            (ask, 0.1, {}),  # calm
            (ask, 0.95, {}),  # furious again: a new cause, offered again
        ]
    )

    assert [dialog_action(reply) for reply in replies] == [
        "ConfirmIntent",
        "ElicitSlot",
        "ElicitSlot",
        "ElicitSlot",
        "ElicitSlot",
        "ConfirmIntent",
    ]
    assert reply_text(replies[2]) == APOLOGY_ASK
    assert reply_text(replies[5]) == OFFER


DIALOG = "lexv2/check-delivery-status-calm.json"
FULFILMENT = "lexv2/check-delivery-status-fulfilment.json"
DECLINED = "lexv2/agent-handover-declined.json"


def test_a_no_to_an_offer_made_for_a_furious_unknown_number_asks_for_the_number_not_for_an_agent() -> None:
    # "where is 99999" (not found), "99998!!" (furious: offered before the look-up), "no": the resumed
    # intent delegates, and the fulfilment call for the "no" finds nothing either.
    replies = conversation(
        [
            (DIALOG, 0.1, number("99999")),
            (FULFILMENT, 0.1, number("99999")),
            (DIALOG, 0.9, number("99998")),
            (DECLINED, 0.1, NO),
            (FULFILMENT, 0.1, number("99998")),
            (DIALOG, 0.95, {}),
        ],
        utterances=[0, 0, 1, 2, 2, 3],
    )

    assert [dialog_action(reply) for reply in replies] == [
        "Delegate",
        "ElicitSlot",
        "ConfirmIntent",
        "Delegate",
        "ElicitSlot",
        "ElicitSlot",
    ]
    assert reply_text(replies[4]) == (
        "No problem. I couldn't find a delivery with tracking number 99998. Please check the number and tell me again."
    )
    assert reply_text(replies[5]) == APOLOGY_ASK  # the decline holds: a furious turn right after only apologises


def test_a_no_to_an_offer_for_a_known_number_answers_it_after_no_problem_and_the_decline_holds() -> None:
    replies = conversation(
        [(DIALOG, 0.9, number("21132")), (DECLINED, 0.1, NO), (FULFILMENT, 0.1, number("21132")), (DIALOG, 0.95, {})],
        utterances=[0, 1, 1, 2],
    )

    assert [dialog_action(reply) for reply in replies] == ["ConfirmIntent", "Delegate", "Close", "ElicitSlot"]
    assert reply_text(replies[2]) == f"No problem. {BLOG_ANSWER}"
    assert reply_text(replies[3]) == APOLOGY_ASK
