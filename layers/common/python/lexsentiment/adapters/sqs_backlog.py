"""The sentiment backlog queue (SQS): where turn records wait when the table cannot take them."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from lexsentiment.adapters.dynamodb import error_code, tight_config
from lexsentiment.domain.recording import TurnRecord
from lexsentiment.models.turn_record_message import TurnRecordMessage
from lexsentiment.ports import RecordOutcome, RecordResult

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


@lru_cache(maxsize=1)
def sqs_client() -> SQSClient:
    """Built on first use (only when the table has failed), with the same tight budget as DynamoDB."""
    import boto3

    return boto3.session.Session().client("sqs", config=tight_config())


class SqsSentimentBacklog:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self._queue_url = queue_url
        self._client = client

    def put(self, record: TurnRecord) -> RecordResult:
        try:
            (self._client or sqs_client()).send_message(
                QueueUrl=self._queue_url, MessageBody=TurnRecordMessage.of(record).model_dump_json()
            )
        except (ClientError, BotoCoreError) as error:
            return RecordResult(RecordOutcome.FAILED, error_code(error))
        return RecordResult(RecordOutcome.QUEUED)
