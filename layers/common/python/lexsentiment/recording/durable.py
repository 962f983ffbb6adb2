"""Nothing lost: a turn the table cannot take goes to the backlog queue, and failing that, to one log line."""

from __future__ import annotations

from dataclasses import dataclass

from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import RecordOutcome, RecordResult, SentimentBacklog, SentimentRecorder, TurnRecord


@dataclass(frozen=True, slots=True)
class DurableSentimentRecorder:
    table: SentimentRecorder
    backlog: SentimentBacklog | None

    def record(self, record: TurnRecord) -> RecordResult:
        written = self.table.record(record)
        if written.outcome is not RecordOutcome.FAILED:
            return written
        if self.backlog is not None:
            queued = self.backlog.put(record)
            if queued.outcome is RecordOutcome.QUEUED:
                return RecordResult(RecordOutcome.QUEUED, written.cause)
            cause = f"{written.cause}; backlog: {queued.cause}"
        else:
            cause = f"{written.cause}; no backlog queue configured"
        return RecordResult(
            RecordOutcome.LOGGED_FOR_RECOVERY, cause, recovery=TurnRecordMessage.of(record).model_dump_json()
        )
