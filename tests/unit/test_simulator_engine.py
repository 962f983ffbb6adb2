"""The simulator plays Lex as the template defines the bot: prompts, delegation, fulfilment, intent switches."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lexsentiment.lex.events import parse_event
from local.hook_runner import HookResult
from local.simulator.bot_definition import load_bot
from local.simulator.engine import Simulator
from local.simulator.nlu import classify, read_date, yes_or_no
from local.simulator.sentiment import ScriptedSentiment, VaderSentiment

TODAY = date(2026, 11, 23)
BOT = load_bot()


class DelegatingHook:
    """A code hook that always lets Lex decide, recording every event it gets."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> HookResult:
        self.events.append(event)
        if event["invocationSource"] == "FulfillmentCodeHook":
            state = {
                "dialogAction": {"type": "Close"},
                "intent": {"name": event["sessionState"]["intent"]["name"], "state": "Fulfilled"},
                "sessionAttributes": {},
            }
            return HookResult({"sessionState": state, "messages": [{"contentType": "PlainText", "content": "done"}]})
        return HookResult(
            {
                "sessionState": {
                    "dialogAction": {"type": "Delegate"},
                    "intent": event["sessionState"]["intent"],
                    "sessionAttributes": {"seen": "yes"},
                }
            }
        )


def simulator(hook: DelegatingHook) -> Simulator:
    return Simulator(bot=BOT, hook=hook, sentiment=ScriptedSentiment(), session_id="sim-test", today=TODAY)


def test_the_bot_is_read_from_the_template() -> None:
    assert [intent.name for intent in BOT.intents] == [
        "CheckDeliveryStatus",
        "ChangeDeliveryDate",
        "AgentHandover",
        "FallbackIntent",
    ]
    check = BOT.intent("CheckDeliveryStatus")
    assert check is not None and check.slots[0].prompt == "What is your tracking number?"
    assert BOT.nlu_confidence_threshold == 0.4


def test_delegate_elicits_with_the_bots_prompt_then_fulfils_the_same_utterance() -> None:
    hook = DelegatingHook()
    bot = simulator(hook)

    asked = bot.say("Where is my package", {"positive": 0.1, "negative": 0.6, "neutral": 0.3, "mixed": 0.0})
    answered = bot.say("21132", {"positive": 0.1, "negative": 0.1, "neutral": 0.8, "mixed": 0.0})

    assert (asked.dialog_action, asked.slot_to_elicit, asked.text) == (
        "ElicitSlot",
        "trackingNumber",
        "What is your tracking number?",
    )
    assert (answered.dialog_action, answered.text) == ("Close", "done")
    dialog, fulfilment = hook.events[1], hook.events[2]
    assert fulfilment["invocationSource"] == "FulfillmentCodeHook"
    assert fulfilment["sessionState"]["originatingRequestId"] == dialog["sessionState"]["originatingRequestId"]
    assert fulfilment["sessionState"]["sessionAttributes"] == {"seen": "yes"}  # carried over from the response


def test_events_are_lex_v2_shaped_with_sentiment_and_the_proposed_next_state() -> None:
    hook = DelegatingHook()
    simulator(hook).say("When is my package arriving", {"positive": 0.0, "negative": 0.7, "neutral": 0.3, "mixed": 0})

    (event,) = hook.events
    turn = parse_event(event)
    assert turn.intent_name == "CheckDeliveryStatus"
    assert turn.sentiment is not None and turn.sentiment.negative == 0.7
    assert turn.utterance_key_from_lex
    assert event["proposedNextState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "trackingNumber"}
    assert event["interpretations"][0]["nluConfidence"] >= BOT.nlu_confidence_threshold
    assert event["interpretations"][-1]["intent"]["name"] == "FallbackIntent"
    assert "nluConfidence" not in event["interpretations"][-1]


def test_unrecognised_utterances_go_to_the_fallback_intent_without_confidence() -> None:
    hook = DelegatingHook()
    simulator(hook).say("Can I order a pizza?")

    (event,) = hook.events
    assert event["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert "nluConfidence" not in event["interpretations"][0]
    assert "sentimentResponse" not in event["interpretations"][0]  # scripted provider, no scores given


def test_intents_and_slots_are_recognised_from_the_sample_utterances() -> None:
    (best, *_) = classify(BOT, "Can you deliver 21132 next Monday instead?", TODAY)

    assert best.intent.name == "ChangeDeliveryDate"
    assert best.slots == {"trackingNumber": "21132", "newDeliveryDate": "2026-11-30"}


def test_dates_and_yes_no_are_read_deterministically() -> None:
    assert read_date("tomorrow", TODAY) == date(2026, 11, 24)
    assert read_date("on the 30th of November", TODAY) == date(2026, 11, 30)
    assert read_date("friday", TODAY) == date(2026, 11, 27)
    assert read_date("2026-12-01", TODAY) == date(2026, 12, 1)
    assert read_date("soon", TODAY) is None
    assert (yes_or_no("yes please"), yes_or_no("no thanks"), yes_or_no("maybe")) == (True, False, None)


@pytest.mark.parametrize(
    ("said", "resolved"),
    [
        # The two: on Tuesday, December 1, Lex's AMAZON.Date gives the coming Monday.
        ("next Monday", date(2026, 12, 7)),
        ("the sixth of december please", date(2026, 12, 6)),
        ("Monday", date(2026, 12, 7)),
        ("on the 12th", date(2026, 12, 12)),
        ("the twenty-first of December", date(2026, 12, 21)),
        ("a week from today", date(2026, 12, 8)),
        ("the day after tomorrow", date(2026, 12, 3)),
        ("December", None),  # a month, not a day
    ],
)
def test_dates_are_read_as_amazon_date_resolves_them(said: str, resolved: date | None) -> None:
    assert read_date(said, date(2026, 12, 1)) == resolved


def test_vader_maps_to_lex_scores_with_the_delivery_lexicon() -> None:
    vader = VaderSentiment()

    upset = vader.analyse("When is my package arriving? It's so late.")
    furious = vader.analyse("This is ridiculous, where is my parcel?! It is so late and I am furious!")
    answer = vader.analyse("no")

    assert upset is not None and upset["sentiment"] == "NEGATIVE"
    assert 0.5 <= upset["sentimentScore"]["negative"] < 0.8  # an apology, as in the blog
    assert furious is not None and furious["sentimentScore"]["negative"] >= 0.8
    assert answer is not None and answer["sentiment"] == "NEUTRAL"
    assert sum(upset["sentimentScore"].values()) == 1.0 or abs(sum(upset["sentimentScore"].values()) - 1) < 1e-5
