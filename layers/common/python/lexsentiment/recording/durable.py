"""Nothing lost: a turn the table cannot take goes to the backlog queue, and failing that, to one log line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import RecordOutcome, RecordResult, SentimentBacklog, SentimentRecorder, TurnRecord


@dataclass(frozen=True, slots=True)
class DurableSentimentRecorder:
    table: SentimentRecorder
    backlog: SentimentBacklog | None

    def record(self, record: TurnRecord) -> RecordResult:
        written = _attempt(self.table.record, record)
        if written.outcome is not RecordOutcome.FAILED:
            return written
        if self.backlog is not None:
            queued = _attempt(self.backlog.put, record)
            if queued.outcome is RecordOutcome.QUEUED:
                return RecordResult(RecordOutcome.QUEUED, written.cause)
            cause = f"{written.cause}; backlog: {queued.cause}"
        else:
            cause = f"{written.cause}; no backlog queue configured"
        try:
            recovery = TurnRecordMessage.of(record).model_dump_json()
        except Exception as error:  # the last copy of this turn: keep it unvalidated rather than lose it
            recovery = TurnRecordMessage.unchecked_json(record)
            cause = f"{cause}; recovery record unvalidated: {type(error).__name__}"
        return RecordResult(RecordOutcome.LOGGED_FOR_RECOVERY, cause, recovery=recovery)


def _attempt(write: Callable[[TurnRecord], RecordResult], record: TurnRecord) -> RecordResult:
    """A write that promises never to raise, held to it: a failure is one more FAILED, named by type."""
    try:
        return write(record)
    except Exception as error:
        return RecordResult(RecordOutcome.FAILED, type(error).__name__)
