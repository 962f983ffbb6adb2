"""Legacy V1 events: the string sentimentScore in every real form, and tolerant slots."""

from __future__ import annotations

import pytest

from lexsentiment.lex.events import parse_event
from lexsentiment.lex.turn import InvocationSource, LexVersion
from lexsentiment.lex.v1 import parse_v1_score_text
from lexsentiment.policy.sentiment import SentimentLabel
from tests.support import load_event


def test_the_blog_event_reads_as_a_negative_v1_turn() -> None:
    turn = parse_event(load_event("lexv1/check-delivery-status-blog.json"))

    assert turn.lex_version is LexVersion.V1
    assert turn.intent_name == "CheckDeliveryStatus"
    assert turn.invocation_source is InvocationSource.DIALOG_CODE_HOOK
    assert turn.slot("trackingNumber") is None
    assert turn.sentiment is not None
    assert turn.sentiment.label is SentimentLabel.NEGATIVE
    assert turn.sentiment.negative == pytest.approx(0.6347739)
    assert turn.sentiment.mixed == pytest.approx(2.6722797e-5)
    assert turn.conversation_id == "DeliveryBot:blog-user-1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The AWS blog: comma-space separators and a Java-style exponent.
        (
            "{Positive: 0.005262882, Negative: 0.6347739, Neutral: 0.35993648, Mixed: 2.6722797E-5}",
            (0.005262882, 0.6347739, 0.35993648, 2.6722797e-5),
        ),
        # A real Lambda fixture: no space after the commas.
        (
            "{Positive: 0.39050132,Negative: 0.011171613,Neutral: 0.17653176,Mixed: 0.42179528}",
            (0.39050132, 0.011171613, 0.17653176, 0.42179528),
        ),
        # The runtime API's order, other key case, line breaks.
        ("{MIXED: 3.1e-5,\n positive: 0.01,\n NEUTRAL :0.25,\n negative:0.74}", (0.01, 0.74, 0.25, 3.1e-5)),
    ],
)
def test_every_real_form_of_the_score_string_is_read(text: str, expected: tuple[float, ...]) -> None:
    scores = parse_v1_score_text("NEGATIVE", text)

    assert scores is not None
    assert (scores.positive, scores.negative, scores.neutral, scores.mixed) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "{Positive: n/a}",
        "",
        "{Positive: 0.1, Negative: 0.2, Neutral: 0.3}",  # a missing pair is missing, not zero
        "{Positive: 0.1, Negative: 1.7, Neutral: 0.3, Mixed: 0.1}",  # outside 0..1 is not trusted
        "{Positive: 0.1, Negative: -0.2, Neutral: 0.3, Mixed: 0.1}",
        "{Positive: 0.1.2, Negative: 0.2, Neutral: 0.3, Mixed: 0.1}",
        "Positive: 0.1, " * 200,
    ],
)
def test_a_garbled_score_string_means_no_sentiment(text: str) -> None:
    assert parse_v1_score_text("NEGATIVE", text) is None


def test_a_title_case_label_is_upper_cased_and_capitalised_keys_are_accepted() -> None:
    turn = parse_event(load_event("lexv1/check-delivery-status-runtime-api-keys.json"))

    assert turn.sentiment is not None
    assert turn.sentiment.label is SentimentLabel.NEGATIVE
    assert turn.sentiment.negative == pytest.approx(0.74)


def test_garbled_sentiment_is_flagged_but_the_turn_is_kept() -> None:
    turn = parse_event(load_event("lexv1/check-delivery-status-garbled-sentiment.json"))

    assert turn.sentiment is None
    assert turn.sentiment_unreadable
    assert turn.intent_name == "CheckDeliveryStatus"


def test_missing_sentiment_is_unknown_not_neutral() -> None:
    turn = parse_event(load_event("lexv1/check-delivery-status-no-sentiment.json"))

    assert turn.sentiment is None
    assert not turn.sentiment_unreadable
    assert turn.utterance_key == ""


def test_slot_details_in_the_blogs_bare_string_shape_are_tolerated() -> None:
    event = load_event("lexv1/check-delivery-status-fulfilment.json")
    event["currentIntent"]["slotDetails"] = {"trackingNumber": "21132"}

    turn = parse_event(event)

    assert turn.slot("trackingNumber") == "21132"


def test_null_session_and_request_attributes_read_as_empty() -> None:
    event = load_event("lexv1/check-delivery-status-blog.json")
    event["sessionAttributes"] = None
    event["requestAttributes"] = None

    assert parse_event(event).session_attributes == {}


def test_the_same_scores_give_the_same_utterance_key_and_other_scores_another() -> None:
    first = parse_event(load_event("lexv1/check-delivery-status-blog.json"))
    again = parse_event(load_event("lexv1/check-delivery-status-blog.json"))
    other_event = load_event("lexv1/check-delivery-status-blog.json")
    other_event["sentimentResponse"]["sentimentScore"] = "{Positive: 0.1, Negative: 0.6, Neutral: 0.3, Mixed: 0.0}"

    assert first.utterance_key == again.utterance_key != parse_event(other_event).utterance_key
    assert not first.utterance_key_from_lex
