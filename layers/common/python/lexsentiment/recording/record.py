"""What is remembered about each scored turn, and what recording it can come to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from lexsentiment.lex.turn import BotRef, LexVersion
from lexsentiment.policy.assess import Decision
from lexsentiment.policy.conversation_score import Shift
from lexsentiment.policy.sentiment import SentimentScores


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


class RecordOutcome(StrEnum):
    RECORDED = "recorded"  # in the table
    DUPLICATE = "duplicate"  # already in the table (a retry, or the second hook of one utterance)
    QUEUED = "queued"  # the table failed; the record waits in the backlog queue for the drain
    LOGGED_FOR_RECOVERY = "logged_for_recovery"  # table and queue failed; one log line carries it
    FAILED = "failed"  # this attempt failed (the durable recorder never returns this)
    SKIPPED = "skipped"  # nothing to record (no sentiment, a turn already counted, or no sentiment table)


@dataclass(frozen=True, slots=True)
class RecordResult:
    outcome: RecordOutcome
    cause: str = ""
    # For LOGGED_FOR_RECOVERY: the record as a TurnRecordMessage JSON object, for the recovery command.
    recovery: str | None = None


class SentimentBacklog(Protocol):
    def put(self, record: TurnRecord) -> RecordResult:
        """QUEUED, or FAILED with the cause; never raises."""
        ...


class SentimentRecorder(Protocol):
    def record(self, record: TurnRecord) -> RecordResult:
        """Write the turn and its aggregates once; never raises."""
        ...
