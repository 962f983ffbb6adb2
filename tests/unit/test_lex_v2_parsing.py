"""Lex V2 events: sentiment per interpretation, and everything real events omit or null."""

from __future__ import annotations

import pytest

from lexsentiment.lex.events import MalformedEvent, detect_version, parse_event
from lexsentiment.lex.turn import ConfirmationState, InvocationSource, LexVersion
from lexsentiment.policy.sentiment import SentimentLabel
from tests.support import load_event


def test_the_seed_case_reads_as_an_upset_check_delivery_status_turn() -> None:
    turn = parse_event(load_event("lexv2/check-delivery-status-upset.json"))

    assert turn.lex_version is LexVersion.V2
    assert turn.intent_name == "CheckDeliveryStatus"
    assert turn.invocation_source is InvocationSource.DIALOG_CODE_HOOK
    assert turn.slot("trackingNumber") is None
    assert turn.sentiment is not None
    assert turn.sentiment.label is SentimentLabel.NEGATIVE
    assert turn.sentiment.negative == pytest.approx(0.6347739)
    assert turn.conversation_id == "demo-session-0001"
    assert turn.utterance_key_from_lex


def test_absent_session_attributes_and_sentiment_are_tolerated() -> None:
    turn = parse_event(load_event("lexv2/check-delivery-status-no-sentiment.json"))

    assert turn.session_attributes == {}
    assert turn.sentiment is None


def test_sentiment_falls_back_to_the_active_intents_interpretation() -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    top = event["interpretations"][0]
    sentiment = top.pop("sentimentResponse")
    event["interpretations"] = [{"intent": {"name": "FallbackIntent", "slots": {}}}, top]
    top["sentimentResponse"] = sentiment

    turn = parse_event(event)

    assert turn.sentiment is not None
    assert turn.sentiment.negative == pytest.approx(0.6347739)


@pytest.mark.parametrize("bad_score", [1.7, -0.1, "high", None, True, float("nan")])
def test_scores_outside_zero_to_one_or_not_numbers_are_not_trusted(bad_score: object) -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    event["interpretations"][0]["sentimentResponse"]["sentimentScore"]["negative"] = bad_score

    turn = parse_event(event)

    assert turn.sentiment is None
    assert turn.sentiment_unreadable


def test_a_sentiment_response_of_the_wrong_type_means_no_sentiment() -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    event["interpretations"][0]["sentimentResponse"] = "NEGATIVE"

    assert parse_event(event).sentiment is None


def test_null_slots_null_confirmation_and_wrapped_nlu_confidence_are_tolerated() -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    event["sessionState"]["intent"]["slots"] = None
    event["sessionState"]["intent"]["confirmationState"] = None
    event["interpretations"][0]["nluConfidence"] = {"score": 0.93}
    event["requestAttributes"] = None

    turn = parse_event(event)

    assert turn.slots == {}
    assert turn.confirmation_state is ConfirmationState.NONE


def test_the_fallback_interpretation_without_nlu_confidence_parses() -> None:
    turn = parse_event(load_event("lexv2/fallback.json"))

    assert turn.intent_name == "FallbackIntent"


def test_a_slot_without_interpreted_value_uses_the_original_value() -> None:
    event = load_event("lexv2/check-delivery-status-fulfilment.json")
    event["sessionState"]["intent"]["slots"]["trackingNumber"]["value"].pop("interpretedValue")

    assert parse_event(event).slot("trackingNumber") == "21132"


def test_the_session_is_the_user_whatever_userid_attribute_a_client_sends() -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    assert parse_event(event).user_id == "demo-session-0001"

    event["sessionState"]["sessionAttributes"] = {"userId": "customer-77"}
    assert parse_event(event).user_id == "demo-session-0001"  # only a signed one counts (the layer checks it)


def test_ids_too_long_or_unusual_for_lex_are_kept_as_a_digest() -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    event["sessionId"] = "someone@example.com#" + "x" * 600
    event["sessionState"]["originatingRequestId"] = "r" * 600

    turn = parse_event(event)

    assert turn.conversation_id.startswith("sha256-") and len(turn.conversation_id) <= 64
    assert "example.com" not in turn.conversation_id
    assert turn.user_id == turn.conversation_id
    assert len(turn.utterance_key) <= 64
    assert parse_event(event).conversation_id == turn.conversation_id  # one conversation stays one


@pytest.mark.parametrize(
    ("event", "version"),
    [
        ({"currentIntent": {"name": "X"}}, LexVersion.V1),
        ({"sessionState": {}, "interpretations": []}, LexVersion.V2),
        ({}, LexVersion.V2),
        ([], LexVersion.V2),
        ("not an event", LexVersion.V2),
    ],
)
def test_the_format_is_detected_by_shape(event: object, version: LexVersion) -> None:
    assert detect_version(event) is version


def test_a_malformed_event_keeps_its_string_session_attributes() -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")
    event["sessionState"]["sessionAttributes"] = {"customer": "gold", "count": 3}
    del event["sessionId"]

    with pytest.raises(MalformedEvent) as raised:
        parse_event(event)

    assert raised.value.lex_version is LexVersion.V2
    assert raised.value.session_attributes == {"customer": "gold"}
    assert "sessionId" in raised.value.problem
