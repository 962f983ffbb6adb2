"""Contact Lens's -5..+5 sentiment scale applied to Lex's per-utterance probabilities.

No source publishes a mapping from Comprehend's four probabilities to -5..+5; we use
5 x (positive - negative): it stays within the scale, and neutral and mixed pull toward 0.
"""

from __future__ import annotations

from lexsentiment.policy.sentiment import SentimentScores

SCALE_LIMIT = 5.0


def turn_score(scores: SentimentScores) -> float:
    score = SCALE_LIMIT * (scores.positive - scores.negative)
    return max(-SCALE_LIMIT, min(SCALE_LIMIT, score))


def mean_score(score_sum: float, scored_turns: int) -> float | None:
    """Contact Lens's conversation score: the mean of the portion (here: turn) scores."""
    if scored_turns <= 0:
        return None
    return max(-SCALE_LIMIT, min(SCALE_LIMIT, score_sum / scored_turns))


def shown(score: float | None) -> str:
    """One decimal, as Contact Lens shows scores; 'unknown' when there was no sentiment to score."""
    return "unknown" if score is None else f"{score:.1f}"
