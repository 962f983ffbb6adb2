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
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class RecordResult:
    outcome: RecordOutcome
    cause: str = ""


class DeliveryRepository(Protocol):
    def find(self, tracking_number: str) -> Delivery | None:
        """The delivery, or None when there is none; raises DeliveryStoreUnavailable."""
        ...

    def reschedule(self, tracking_number: str, new_date: date) -> Delivery | None:
        """The updated delivery, or None when it does not exist; raises DeliveryStoreUnavailable."""
        ...


class SentimentRecorder(Protocol):
    def record(self, record: TurnRecord) -> RecordResult:
        """Write the turn and its aggregates once; never raises."""
        ...
