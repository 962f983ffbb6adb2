"""Contact Lens-style conversation scores: mean, start and end portions, shift and trend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lexsentiment.memory import ConversationMemory
from lexsentiment.policy.conversation_score import (
    Shift,
    classify_shift,
    portion_size,
    start_and_end,
    start_and_end_of,
    trend_slope,
    trend_slope_of,
)
from lexsentiment.policy.scale import mean_score, shown

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_the_contact_lens_worked_example_scores_3_1() -> None:
    quarters = [-2.5, 5.0, 5.0, 5.0]

    overall = mean_score(sum(quarters), len(quarters))

    assert overall == pytest.approx(3.125)
    assert shown(overall) == "3.1"


def test_an_empty_conversation_has_no_score() -> None:
    assert mean_score(0.0, 0) is None
    assert start_and_end_of([]) is None
    assert trend_slope_of([]) == 0.0


def test_a_one_turn_conversation_starts_and_ends_on_that_turn() -> None:
    portions = start_and_end_of([-3.0])

    assert portions is not None
    assert (portions.start, portions.end, portions.shift) == (-3.0, -3.0, Shift.STABLE)
    assert trend_slope_of([-3.0]) == 0.0


@pytest.mark.parametrize(("turns", "size"), [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 3), (40, 3)])
def test_portions_grow_to_three_turns_and_never_overlap(turns: int, size: int) -> None:
    assert portion_size(turns) == size
    assert turns == 1 or 2 * portion_size(turns) <= turns


def test_start_and_end_are_the_means_of_the_first_and_last_portions() -> None:
    scores = [4.0, 3.0, 2.0, 0.0, -2.0, -4.0, -5.0]

    portions = start_and_end_of(scores)

    assert portions is not None
    assert portions.start == pytest.approx(3.0)  # mean of 4, 3, 2
    assert portions.end == pytest.approx(-11 / 3)  # mean of -2, -4, -5
    assert portions.shift is Shift.POSITIVE_TO_NEGATIVE


@pytest.mark.parametrize(
    ("start", "end", "shift"),
    [
        (1.0, -1.0, Shift.POSITIVE_TO_NEGATIVE),
        (-1.0, 1.0, Shift.NEGATIVE_TO_POSITIVE),
        (0.9, -4.0, Shift.STABLE),
        (4.0, -0.9, Shift.STABLE),
        (-3.0, -3.0, Shift.STABLE),
    ],
)
def test_shift_classes_follow_the_contact_lens_search_example(start: float, end: float, shift: Shift) -> None:
    assert classify_shift(start, end) is shift


def test_the_trend_is_the_least_squares_slope_per_turn() -> None:
    assert trend_slope_of([-4.0, -2.0, 0.0, 2.0]) == pytest.approx(2.0)
    assert trend_slope_of([1.0, 1.0, 1.0]) == pytest.approx(0.0)
    scores = [-3.1, 0.2, 2.5, 1.0, 4.2]
    running = trend_slope(len(scores), sum(scores), sum(index * score for index, score in enumerate(scores)))
    assert running == pytest.approx(trend_slope_of(scores))


def test_session_memory_keeps_enough_turns_for_the_portions() -> None:
    scores = [4.0, 3.0, 2.0, 0.0, -2.0, -4.0, -5.0]
    memory = ConversationMemory()
    for score in scores:
        memory = ConversationMemory.from_attributes(
            memory.after_turn(score, NOW, negative_turns=0, agent_declined=False).to_attributes()
        )

    assert memory.first_scores == (4.0, 3.0, 2.0)
    assert memory.recent_scores == (-2.0, -4.0, -5.0)
    assert memory.started_at == NOW
    assert start_and_end(memory.first_scores, memory.recent_scores, memory.scored_turns) == start_and_end_of(scores)


def test_turns_without_sentiment_are_skipped_not_counted_as_neutral() -> None:
    # Only scored turns enter the memory: a silent turn leaves the score and the portions as they were.
    memory = ConversationMemory().after_turn(-4.0, NOW, negative_turns=0, agent_declined=False)

    unchanged = ConversationMemory.from_attributes(memory.to_attributes())

    assert unchanged.scored_turns == 1
    assert mean_score(unchanged.score_sum, unchanged.scored_turns) == pytest.approx(-4.0)
