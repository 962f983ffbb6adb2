"""Drains the sentiment backlog queue into the table, idempotently, reporting partial batch failures.

A record the table already holds counts as done (the same conditional transaction as the code
hook). A record the table cannot take now is reported as failed, so SQS retries just that one; a
message that is not a turn record fails every time and reaches the dead-letter queue (alarmed).

During an outage the drain costs the table one call per batch: at the first "unavailable" answer it
stops calling and fails the rest of the batch at once, and it stops the same way near its own
deadline, so Lambda never cuts a batch off without its partial-failure report. The queue's
redrive policy (template.yaml) keeps a record out of the dead-letter queue for over an hour of that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from lexsentiment.adapters.aws import DEADLINE_NEAR, invocation_deadline, is_unavailable
from lexsentiment.errors import invalid_fields
from lexsentiment.observability import logger, metrics
from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import RecordOutcome
from lexsentiment.recording.table import DynamoDbSentimentRecorder
from lexsentiment.settings import get_backlog_settings

settings = get_backlog_settings()
recorder = DynamoDbSentimentRecorder(
    settings.sentiment_table_name,
    timedelta(days=settings.turn_retention_days),
    conversation_retention=timedelta(days=settings.conversation_retention_days),
)
# Always answer with the failed ids, even when all failed: SQS then retries exactly those.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


class PoisonRecord(ValueError):
    """The message is not a turn record; it will only ever fail."""


class TableStillUnavailable(RuntimeError):
    """The table refused the record again (or refused one before it in this batch); SQS will redeliver it."""


# The partial-failure report must still reach Lambda: every write gets the call budget that fits in
# what is left of the invocation less this (adapters/aws.py, as a turn's calls do), or is not tried.
REPORT_RESERVE_SECONDS = 1.0


@dataclass
class Batch:
    """What one invocation has learnt about the table; reset for every batch."""

    unavailable_cause: str | None = None


batch = Batch()


def replay_record(record: SQSRecord) -> str:
    try:
        turn = TurnRecordMessage.model_validate_json(record.body).to_record()
    except ValidationError as error:
        metrics.add_metric(name="BacklogPoisonRecords", unit=MetricUnit.Count, value=1)
        # Field names only: never the body, which could be anything.
        logger.error(
            "backlog_poison_record", extra={"message_id": record.message_id, "invalid_fields": invalid_fields(error)}
        )
        raise PoisonRecord(record.message_id) from None
    if batch.unavailable_cause is not None:
        metrics.add_metric(name="BacklogDeferred", unit=MetricUnit.Count, value=1)
        raise TableStillUnavailable(batch.unavailable_cause)
    result = recorder.record(turn)
    if result.outcome is RecordOutcome.FAILED and result.cause == DEADLINE_NEAR:
        # Not the table's fault: no budget fits before the deadline, so neither this record nor the rest is tried.
        metrics.add_metric(name="BacklogDeferred", unit=MetricUnit.Count, value=1)
        batch.unavailable_cause = result.cause
        raise TableStillUnavailable(result.cause)
    if result.outcome is RecordOutcome.FAILED:
        metrics.add_metric(name="BacklogReplayFailures", unit=MetricUnit.Count, value=1)
        logger.warning("backlog_replay_failed", extra={"message_id": record.message_id, "error_code": result.cause})
        if is_unavailable(result.cause):
            batch.unavailable_cause = result.cause
        raise TableStillUnavailable(result.cause)
    metrics.add_metric(
        name="BacklogReplayed" if result.outcome is RecordOutcome.RECORDED else "BacklogDuplicates",
        unit=MetricUnit.Count,
        value=1,
    )
    return result.outcome.value


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    batch.unavailable_cause = None
    with invocation_deadline(context, REPORT_RESERVE_SECONDS):
        return process_partial_response(event=event, record_handler=replay_record, processor=processor, context=context)
