"""The sentiment policy at, just below and above each threshold, and the escalation counter."""

from __future__ import annotations

import pytest

from lexsentiment.policy.assess import Decision, HandoverReason, Thresholds, assess, reassess
from lexsentiment.policy.sentiment import SentimentLabel, SentimentScores

THRESHOLDS = Thresholds(response=0.5, handover=0.8, negative_turns_before_handover=3)


def scores(negative: float, positive: float = 0.0) -> SentimentScores:
    return SentimentScores(SentimentLabel.NEGATIVE, positive, negative, max(0.0, 1 - negative - positive), 0.0)


@pytest.mark.parametrize(
    ("negative", "decision"),
    [
        (0.0, Decision.NONE),
        (0.4999, Decision.NONE),
        (0.5, Decision.APOLOGISE),  # equal to the response threshold crosses it
        (0.6347739, Decision.APOLOGISE),  # the blog's utterance
        (0.7999, Decision.APOLOGISE),
        (0.8, Decision.OFFER_AGENT),  # equal to the handover threshold crosses it
        (1.0, Decision.OFFER_AGENT),
    ],
)
def test_the_negative_score_decides(negative: float, decision: Decision) -> None:
    assert assess(scores(negative), 0, THRESHOLDS).decision is decision


def test_unknown_sentiment_neither_extends_nor_breaks_the_streak() -> None:
    assessment = assess(None, 2, THRESHOLDS)

    assert assessment.decision is Decision.NONE
    assert assessment.negative_streak == 2


def test_a_calm_turn_resets_the_streak() -> None:
    assert assess(scores(0.1), 2, THRESHOLDS).negative_streak == 0


def test_repeated_upset_turns_escalate_to_an_agent_offer() -> None:
    first = assess(scores(0.6), 0, THRESHOLDS)
    second = assess(scores(0.6), first.negative_streak, THRESHOLDS)
    third = assess(scores(0.6), second.negative_streak, THRESHOLDS)

    assert [first.decision, second.decision, third.decision] == [
        Decision.APOLOGISE,
        Decision.APOLOGISE,
        Decision.OFFER_AGENT,
    ]
    assert third.reason is HandoverReason.REPEATED_NEGATIVE
    assert third.negative_streak == 3


def test_a_very_negative_turn_gives_the_negative_sentiment_reason() -> None:
    assessment = assess(scores(0.93), 0, THRESHOLDS)

    assert assessment.reason is HandoverReason.NEGATIVE_SENTIMENT


def test_after_a_declined_offer_one_very_negative_turn_only_apologises() -> None:
    assert assess(scores(0.93), 0, THRESHOLDS, agent_declined=True).decision is Decision.APOLOGISE
    # ...but a renewed run of upset turns still escalates.
    assert assess(scores(0.93), 2, THRESHOLDS, agent_declined=True).decision is Decision.OFFER_AGENT


@pytest.mark.parametrize("negative", [0.1, 0.6, 0.9])
@pytest.mark.parametrize("streak_before", [0, 1, 2])
def test_reassessing_a_counted_utterance_repeats_the_first_decision(negative: float, streak_before: int) -> None:
    first = assess(scores(negative), streak_before, THRESHOLDS)

    again = reassess(scores(negative), first.negative_streak, THRESHOLDS)

    assert again == first
