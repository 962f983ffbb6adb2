"""What is remembered about each scored turn."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from lexsentiment.domain.conversation_score import Shift
from lexsentiment.domain.sentiment_policy import Decision
from lexsentiment.models.sentiment import SentimentScores
from lexsentiment.models.turn import BotRef, LexVersion


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
    started_at: datetime
    start_score: float
    end_score: float
    shift: Shift
