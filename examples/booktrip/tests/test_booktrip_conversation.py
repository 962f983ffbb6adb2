"""Whole conversations: each reply's session attributes go into the next event, as Lex carries them."""

from __future__ import annotations

import copy
from typing import Any

from booktrip_support import (
    AGENT_OFFER,
    action,
    assert_valid_v2_response,
    attributes,
    intent_name,
    invoke,
    load_event,
    messages,
    with_negative,
    with_slot,
)

CONVERSATION = "booktrip-conversation-0001"


class Conversation:
    """One Lex session: the same session id, a new request id per utterance, the attributes carried over."""

    def __init__(self) -> None:
        self.attributes = {"customerTier": "gold"}
        self.turns = 0

    def say(self, event: dict[str, Any]) -> dict[str, Any]:
        self.turns += 1
        event = copy.deepcopy(event)
        event["sessionId"] = CONVERSATION
        event["sessionState"]["originatingRequestId"] = f"{CONVERSATION}-utterance-{self.turns}"
        event["sessionState"]["sessionAttributes"] = dict(self.attributes)
        reply = invoke(event)
        assert_valid_v2_response(reply)
        self.attributes = attributes(reply)
        return reply


def test_an_offer_declined_resumes_the_booking_and_a_new_outburst_is_offered_an_agent_again() -> None:
    chat = Conversation()

    # Given a furious customer asking for 45 nights: the bot offers an agent
    offer = chat.say(load_event("book-hotel-very-upset"))
    assert action(offer) == "ConfirmIntent"
    assert messages(offer) == [AGENT_OFFER]

    # When they say no: the booking resumes where it was, the handler asking for the nights again
    resumed = chat.say(load_event("speak-to-agent-declined"))
    assert action(resumed) == "ElicitSlot"
    assert intent_name(resumed) == "BookHotel"
    assert messages(resumed) == ["No problem. You can book between 1 and 30 nights. How many nights will you stay?"]

    # Then a calm answer goes through as the handler wrote it, and the declined offer is forgotten
    calm = with_slot(with_slot(load_event("book-hotel-calm"), "CheckInDate", "2030-05-01"), "Nights", "3")
    answered = chat.say(calm)
    assert action(answered) == "Delegate"
    assert not messages(answered)
    assert "agentOfferDeclined" not in chat.attributes

    # And a new outburst is offered an agent again, interrupting the booking as it now stands
    furious = with_slot(load_event("book-hotel-very-upset"), "Nights", "3")
    offered_again = chat.say(furious)
    assert action(offered_again) == "ConfirmIntent"
    assert intent_name(offered_again) == "SpeakToAgent"
    assert messages(offered_again) == [AGENT_OFFER]
    assert '"Nights": "3"' in chat.attributes["interruptedSlots"]
    assert chat.attributes["scoredTurns"] == "4"
    assert chat.attributes["customerTier"] == "gold"


def test_three_upset_turns_in_a_row_earn_an_agent_offer_though_none_was_very_upset() -> None:
    chat = Conversation()
    upset = with_negative(load_event("book-hotel-calm"), 0.6)

    first, second = chat.say(upset), chat.say(upset)
    third = chat.say(upset)

    # NEGATIVE_TURNS_BEFORE_HANDOVER=3: the handler's first two delegations go out (Lex asks its own
    # prompt, so there is no message to put an apology in front of), the third becomes the offer
    assert [action(reply) for reply in (first, second)] == ["Delegate", "Delegate"]
    assert action(third) == "ConfirmIntent"
    assert messages(third) == [AGENT_OFFER]
    assert chat.attributes["agentOfferReason"] == "repeated_negative"


def test_yes_after_the_offer_hands_over_the_interrupted_booking() -> None:
    chat = Conversation()
    chat.say(load_event("book-hotel-very-upset"))

    handed_over = chat.say(load_event("speak-to-agent-confirmed"))

    assert action(handed_over) == "Close"
    assert chat.attributes["handover"] == "true"
    assert chat.attributes["handoverReason"] == "negative_sentiment"
    assert chat.attributes["handoverIntent"] == "BookHotel"
