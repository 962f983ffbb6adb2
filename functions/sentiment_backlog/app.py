"""Drains the sentiment backlog queue into the table, idempotently, reporting partial batch failures.

A record the table already holds counts as done (the same conditional transaction as the code
hook). A record the table cannot take now is reported as failed, so SQS retries just that one; a
message that is not a turn record fails every time and reaches the dead-letter queue (alarmed).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from lexsentiment.adapters.sentiment_table import DynamoDbSentimentRecorder
from lexsentiment.errors import invalid_fields
from lexsentiment.observability import logger, metrics
from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import RecordOutcome
from lexsentiment.settings import get_backlog_settings

settings = get_backlog_settings()
recorder = DynamoDbSentimentRecorder(settings.sentiment_table_name, timedelta(days=settings.turn_retention_days))
# Always answer with the failed ids, even when all failed: SQS then retries exactly those.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


class PoisonRecord(ValueError):
    """The message is not a turn record; it will only ever fail."""


class TableStillUnavailable(RuntimeError):
    """The table refused the record again; SQS will redeliver it."""


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
    result = recorder.record(turn)
    if result.outcome is RecordOutcome.FAILED:
        metrics.add_metric(name="BacklogReplayFailures", unit=MetricUnit.Count, value=1)
        logger.warning("backlog_replay_failed", extra={"message_id": record.message_id, "error_code": result.cause})
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
    return process_partial_response(event=event, record_handler=replay_record, processor=processor, context=context)
