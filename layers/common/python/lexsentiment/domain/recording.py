"""What is remembered about each scored turn, and how a conversation's start compares with its end."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lexsentiment.domain.sentiment_policy import Decision
from lexsentiment.models.sentiment import SentimentScores
from lexsentiment.models.turn import BotRef, LexVersion

# Contact Lens's shift search example: "starts <= -1 and ends >= +1" (and the reverse).
SHIFT_BOUNDARY = 1.0


class Shift(StrEnum):
    POSITIVE_TO_NEGATIVE = "positive_to_negative"
    NEGATIVE_TO_POSITIVE = "negative_to_positive"
    STABLE = "stable"


def classify_shift(start_score: float, end_score: float) -> Shift:
    """Start and end are the first and the latest scored turn (the 'portion' is one turn)."""
    if start_score >= SHIFT_BOUNDARY and end_score <= -SHIFT_BOUNDARY:
        return Shift.POSITIVE_TO_NEGATIVE
    if start_score <= -SHIFT_BOUNDARY and end_score >= SHIFT_BOUNDARY:
        return Shift.NEGATIVE_TO_POSITIVE
    return Shift.STABLE


def record_key(utterance_key: str, key_from_lex: bool, turn_index: int) -> str:
    """The idempotency key of a turn record.

    Lex V2's originatingRequestId is unique per utterance and shared by the dialog and
    fulfilment hooks it triggers, so it is the key. Without it (V1, or V2 events that lack it)
    the derived utterance key is joined with the count of turns already scored, so a customer
    who repeats the same words later in the conversation is still counted again.
    """
    if key_from_lex:
        return utterance_key
    return hashlib.sha256(f"{utterance_key}#{turn_index}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One scored utterance. Carries no transcript and no slot values."""

    conversation_id: str
    user_id: str
    record_key: str
    turn_index: int
    recorded_at: datetime
    intent_name: str
    bot: BotRef
    lex_version: LexVersion
    sentiment: SentimentScores
    score: float
    decision: Decision
    apologised: bool
    handed_over: bool
    first_score: float
    shift: Shift
