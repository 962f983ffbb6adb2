"""Lex's per-utterance sentiment (Amazon Comprehend's four confidences), as the policy sees it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class SentimentLabel(StrEnum):
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    NEUTRAL = "NEUTRAL"
    MIXED = "MIXED"


@dataclass(frozen=True, slots=True)
class SentimentScores:
    """Amazon Comprehend's four class confidences (each 0..1; they sum to about 1, not exactly)."""

    label: SentimentLabel
    positive: float
    negative: float
    neutral: float
    mixed: float

    @classmethod
    def from_untrusted(
        cls, label: str | None, positive: object, negative: object, neutral: object, mixed: object
    ) -> SentimentScores | None:
        """Scores from an event, or None when any is missing, non-numeric or outside 0..1 (never trusted)."""
        values = [_probability(score) for score in (positive, negative, neutral, mixed)]
        if any(value is None for value in values):
            return None
        positive_, negative_, neutral_, mixed_ = (value for value in values if value is not None)
        try:
            sentiment_label = SentimentLabel(str(label).upper())
        except ValueError:
            # The label is only for reporting; derive it from the strongest score when it is missing or odd.
            strongest = max(
                zip((positive_, negative_, neutral_, mixed_), SentimentLabel, strict=True), key=lambda pair: pair[0]
            )
            sentiment_label = strongest[1]
        return cls(sentiment_label, positive_, negative_, neutral_, mixed_)


def _probability(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        return None
    return number
