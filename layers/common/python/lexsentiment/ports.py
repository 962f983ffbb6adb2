"""What the service needs from storage, as protocols: the service never sees boto3."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from lexsentiment.domain.deliveries import Delivery
from lexsentiment.domain.recording import TurnRecord


class DeliveryStoreUnavailable(RuntimeError):
    """The deliveries store could not answer (throttled, down, timed out, or returned an unreadable item)."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class InsightsStoreUnavailable(RuntimeError):
    """The sentiment table could not answer a read."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class RecordOutcome(StrEnum):
    RECORDED = "recorded"  # in the table
    DUPLICATE = "duplicate"  # already in the table (a retry, or the second hook of one utterance)
    QUEUED = "queued"  # the table failed; the record waits in the backlog queue for the drain
    LOGGED_FOR_RECOVERY = "logged_for_recovery"  # table and queue failed; one log line carries it
    FAILED = "failed"  # this attempt failed (the durable recorder never returns this)
    SKIPPED = "skipped"  # nothing to record (no sentiment, or a turn already counted)


@dataclass(frozen=True, slots=True)
class RecordResult:
    outcome: RecordOutcome
    cause: str = ""
    # For LOGGED_FOR_RECOVERY: the record as a TurnRecordMessage JSON object, for the recovery command.
    recovery: str | None = None


class DeliveryRepository(Protocol):
    def find(self, tracking_number: str) -> Delivery | None:
        """The delivery, or None when there is none; raises DeliveryStoreUnavailable."""
        ...

    def reschedule(self, tracking_number: str, new_date: date) -> Delivery | None:
        """The updated delivery, or None when it does not exist; raises DeliveryStoreUnavailable."""
        ...


class SentimentBacklog(Protocol):
    def put(self, record: TurnRecord) -> RecordResult:
        """QUEUED, or FAILED with the cause; never raises."""
        ...


class SentimentRecorder(Protocol):
    def record(self, record: TurnRecord) -> RecordResult:
        """Write the turn and its aggregates once; never raises."""
        ...
