"""Contact Lens-style conversation scores from per-turn scores (pure arithmetic).

Definitions (no source publishes them for bots, so they are ours):
- turn score: 5 x (positive - negative), on -5..+5 (domain.scale);
- conversation score: the mean of its turn scores (Contact Lens: the mean of portion scores);
- portion: a run of consecutive scored turns of size p = min(3, max(1, n // 2)) for a conversation of
  n scored turns, so the first and last portions never overlap once there are two turns, and long
  conversations are judged on three turns at each end rather than a single noisy one;
- start / end sentiment: the mean score of the first / last portion;
- shift: positive_to_negative when start >= +1 and end <= -1, negative_to_positive for the reverse
  (Contact Lens's search example), otherwise stable;
- trend: the least-squares slope of turn score against turn number, in points per turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

MAX_PORTION_TURNS = 3
SHIFT_BOUNDARY = 1.0


class Shift(StrEnum):
    POSITIVE_TO_NEGATIVE = "positive_to_negative"
    NEGATIVE_TO_POSITIVE = "negative_to_positive"
    STABLE = "stable"


@dataclass(frozen=True, slots=True)
class StartAndEnd:
    start: float
    end: float

    @property
    def shift(self) -> Shift:
        return classify_shift(self.start, self.end)


def portion_size(scored_turns: int) -> int:
    return min(MAX_PORTION_TURNS, max(1, scored_turns // 2))


def start_and_end(first_scores: Sequence[float], recent_scores: Sequence[float], scored_turns: int) -> StartAndEnd:
    """Start and end from the first and the most recent turn scores (at least a portion of each)."""
    size = portion_size(scored_turns)
    # Lost or garbled session memory leaves fewer first scores: judge on what is known.
    first = first_scores[:size] or recent_scores[:size]
    return StartAndEnd(start=_mean(first), end=_mean(recent_scores[-size:]))


def start_and_end_of(scores: Sequence[float]) -> StartAndEnd | None:
    if not scores:
        return None
    return start_and_end(scores, scores, len(scores))


def classify_shift(start: float, end: float) -> Shift:
    if start >= SHIFT_BOUNDARY and end <= -SHIFT_BOUNDARY:
        return Shift.POSITIVE_TO_NEGATIVE
    if start <= -SHIFT_BOUNDARY and end >= SHIFT_BOUNDARY:
        return Shift.NEGATIVE_TO_POSITIVE
    return Shift.STABLE


def trend_slope(scored_turns: int, score_sum: float, index_score_sum: float) -> float:
    """Least-squares slope from running sums, turns numbered 0..n-1: what the summary item keeps."""
    n = scored_turns
    if n < 2:
        return 0.0
    index_sum = n * (n - 1) / 2
    index_square_sum = (n - 1) * n * (2 * n - 1) / 6
    return (n * index_score_sum - index_sum * score_sum) / (n * index_square_sum - index_sum**2)


def trend_slope_of(scores: Sequence[float]) -> float:
    return trend_slope(len(scores), sum(scores), sum(index * score for index, score in enumerate(scores)))


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)
