"""The sentiment backlog queue (SQS): where turn records wait when the table cannot take them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from lexsentiment.adapters.aws import KEEP_FOR_REPLY, DeadlineNear, client_within, error_code, sqs_client
from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import RecordOutcome, RecordResult, TurnRecord

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class SqsSentimentBacklog:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self._queue_url = queue_url
        self._client = client

    def put(self, record: TurnRecord) -> RecordResult:
        try:
            body = TurnRecordMessage.of(record).model_dump_json()
            client_within(KEEP_FOR_REPLY, sqs_client, self._client).send_message(
                QueueUrl=self._queue_url, MessageBody=body
            )
        except (ClientError, BotoCoreError, DeadlineNear) as error:
            return RecordResult(RecordOutcome.FAILED, error_code(error))
        return RecordResult(RecordOutcome.QUEUED)
