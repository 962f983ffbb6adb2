"""Nothing lost: with DynamoDB or SQS failing on purpose, the customer still gets an answer, the record goes
to the backlog queue or a recovery log line, and after the drain the table equals a fault-free run's."""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import EndpointConnectionError
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.adapters.aws import dynamodb_client, sqs_client
from lexsentiment.observability import logger
from local.backend import TableNames, create_tables
from local.lambda_context import FakeLambdaContext
from local.recover import recover
from tests.integration.conftest import BACKLOG_QUEUE, Invoke
from tests.support import assert_valid_v2_response, play_conversation

# Conversations with calm, upset and very upset turns, so apologies, offers and shifts are all recorded.
SCRIPT = [("durable-1", [0.05, 0.6, 0.9]), ("durable-2", [0.7, 0.1, 0.05]), ("durable-3", [0.2, 0.55])]

Fault = Callable[..., Any]


def error_response(code: str, **extra: Any) -> Fault:
    def respond(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed = {"Error": {"Code": code, "Message": "injected fault"}, "ResponseMetadata": {"HTTPStatusCode": 400}}
        return AWSResponse("https://injected", 400, HTTPHeaders(), None), {**parsed, **extra}

    return respond


def unreachable(**_: Any) -> None:
    raise EndpointConnectionError(endpoint_url="https://injected")


@contextmanager
def fault(client: Any, operation: str, behaviour: Fault) -> Iterator[None]:
    """Every call of one operation on the code hook's own client fails this way; nothing else does."""
    event = f"before-call.{client.meta.service_model.service_name}.{operation}"
    client.meta.events.register(event, behaviour, unique_id="injected-fault")
    try:
        yield
    finally:
        client.meta.events.unregister(event, unique_id="injected-fault")


def sentiment_items(dynamodb: DynamoDBClient, tables: TableNames) -> list[dict[str, Any]]:
    return sorted(
        dynamodb.scan(TableName=tables.sentiment)["Items"], key=lambda item: (item["PK"]["S"], item["SK"]["S"])
    )


def fresh_tables(dynamodb: DynamoDBClient, tables: TableNames) -> None:
    for name in (tables.deliveries, tables.sentiment):
        dynamodb.delete_table(TableName=name)
    create_tables(dynamodb)
    from local.backend import seed_deliveries

    seed_deliveries(dynamodb, tables.deliveries)


def play_script(invoke: Invoke) -> None:
    for session, negatives in SCRIPT:
        reply = play_conversation(invoke, session, negatives)
        assert_valid_v2_response(reply)


def backlog_queue() -> tuple[Any, str]:
    sqs = boto3.client("sqs")
    return sqs, sqs.get_queue_url(QueueName=BACKLOG_QUEUE)["QueueUrl"]


def drain(attempts: int = 10, timeout_millis: int = 60_000) -> list[str]:
    """Run the backlog function over the queue as SQS would; returns ids it reported as failed."""
    drain_app = importlib.import_module("functions.sentiment_backlog.app")
    sqs, queue_url = backlog_queue()
    failed: list[str] = []
    for _ in range(attempts):
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0).get(
            "Messages", []
        )
        if not messages:
            break
        event = {"Records": [sqs_record(message) for message in messages]}
        context = FakeLambdaContext(
            function_name="SentimentBacklogFunction", timeout_millis=timeout_millis, counts_down=True
        )
        response = drain_app.lambda_handler(event, context)
        failed_ids = {item["itemIdentifier"] for item in response["batchItemFailures"]}
        failed.extend(sorted(failed_ids - set(failed)))
        for message in messages:
            if message["MessageId"] not in failed_ids:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        if failed_ids and len(failed_ids) == len(messages):
            break
    return failed


def sqs_record(message: Any) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{BACKLOG_QUEUE}",
        "awsRegion": "us-east-1",
    }


@pytest.fixture
def baseline(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> list[dict[str, Any]]:
    """The table after the script ran with no fault, then empty tables for the faulty run."""
    play_script(invoke)
    items = sentiment_items(dynamodb, tables)
    fresh_tables(dynamodb, tables)
    return items


@pytest.mark.parametrize(
    "behaviour",
    [
        error_response("ProvisionedThroughputExceededException"),
        error_response("ThrottlingException"),
        error_response("InternalServerError"),
        unreachable,
        error_response(
            "TransactionCanceledException",
            CancellationReasons=[{"Code": "None"}, {"Code": "TransactionConflict"}, {"Code": "None"}],
        ),
    ],
    ids=["throttled", "throttling", "service-error", "down", "cancelled-not-duplicate"],
)
def test_a_failing_table_queues_the_records_and_the_drain_restores_them(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, baseline: list[dict[str, Any]], behaviour: Fault
) -> None:
    with fault(dynamodb_client(), "TransactWriteItems", behaviour):
        play_script(invoke)
    assert sentiment_items(dynamodb, tables) == []

    assert drain() == []

    assert sentiment_items(dynamodb, tables) == baseline


def test_with_sqs_down_too_the_record_is_logged_once_and_recovered(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, baseline: list[dict[str, Any]]
) -> None:
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(logger.registered_formatter.format(record))

    capture = Capture()
    logging.getLogger(logger.name).addHandler(capture)
    try:
        with (
            fault(dynamodb_client(), "TransactWriteItems", unreachable),
            fault(sqs_client(), "SendMessage", unreachable),
        ):
            play_script(invoke)
    finally:
        logging.getLogger(logger.name).removeHandler(capture)

    recovery_lines = [line for line in lines if '"sentiment_record_recovery"' in line]
    assert len(recovery_lines) == sum(len(negatives) for _, negatives in SCRIPT)  # one line per scored turn
    assert all(json.loads(line)["recovery"] == "sentiment_turn_record" for line in recovery_lines)
    recorder = importlib.import_module("functions.sentiment_backlog.app").recorder
    assert recover(lines, recorder)["recorded"] == len(recovery_lines)
    assert recover(lines, recorder)["duplicate"] == len(recovery_lines)  # running it twice is safe
    assert sentiment_items(dynamodb, tables) == baseline


def test_a_record_replayed_twice_counts_once(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, baseline: list[dict[str, Any]]
) -> None:
    with fault(dynamodb_client(), "TransactWriteItems", error_response("ThrottlingException")):
        play_script(invoke)
    sqs, queue_url = backlog_queue()
    duplicates = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    for message in duplicates:  # SQS delivers at least once: send the same bodies again
        sqs.send_message(QueueUrl=queue_url, MessageBody=message["Body"])

    assert drain(attempts=20) == []

    assert sentiment_items(dynamodb, tables) == baseline


def test_a_late_replay_never_moves_a_conversation_back_in_time(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, baseline: list[dict[str, Any]]
) -> None:
    # The first turn of each conversation fails and waits in the queue; the later turns are written at once.
    def first_turns_fail(**kwargs: Any) -> Any:
        items = json.loads(kwargs["params"]["body"])["TransactItems"]  # the serialised request
        if items[0]["Put"]["Item"]["turnIndex"]["N"] == "0":
            return error_response("ThrottlingException")()
        return None

    with fault(dynamodb_client(), "TransactWriteItems", first_turns_fail):
        play_script(invoke)

    assert drain() == []

    assert sentiment_items(dynamodb, tables) == baseline


def test_a_poison_record_fails_alone_and_the_rest_of_the_batch_is_replayed(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, baseline: list[dict[str, Any]]
) -> None:
    with fault(dynamodb_client(), "TransactWriteItems", error_response("ThrottlingException")):
        play_script(invoke)
    sqs, queue_url = backlog_queue()
    poison = sqs.send_message(QueueUrl=queue_url, MessageBody='{"version": 1, "conversation_id": "x"}')["MessageId"]

    failed = drain()

    assert failed == [poison]
    assert sentiment_items(dynamodb, tables) == baseline


def queued_records(invoke: Invoke, behaviour: Fault) -> int:
    """Play the script with the table failing; how many records wait in the backlog."""
    with fault(dynamodb_client(), "TransactWriteItems", behaviour):
        play_script(invoke)
    sqs, queue_url = backlog_queue()
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_during_an_outage_the_drain_tries_the_table_once_per_batch_and_fails_the_rest_at_once(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    queued = queued_records(invoke, error_response("ServiceUnavailable"))
    calls: list[str] = []
    dynamodb_client().meta.events.register(
        "before-call.dynamodb.TransactWriteItems", lambda **_: calls.append("call"), unique_id="count-calls"
    )
    try:
        with fault(dynamodb_client(), "TransactWriteItems", error_response("ServiceUnavailable")):
            failed = drain(attempts=1)
    finally:
        dynamodb_client().meta.events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="count-calls")

    assert queued >= 2
    assert len(failed) == min(queued, 10)  # the whole batch comes back to the queue
    assert len(calls) == 1  # one hung or failing call per batch, not one per record


@pytest.mark.parametrize(
    "rejection",
    [
        error_response("ValidationException"),
        # A cancellation no retry mends is "not this request" too, unlike a conflict or throttling.
        error_response(
            "TransactionCanceledException",
            CancellationReasons=[{"Code": "None"}, {"Code": "ValidationError"}, {"Code": "None"}],
        ),
    ],
    ids=["invalid", "cancelled-invalid"],
)
def test_a_record_that_fails_on_its_own_does_not_hold_back_the_rest_of_its_batch(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, rejection: Fault
) -> None:
    queued_records(invoke, error_response("ServiceUnavailable"))
    answers = iter([rejection])

    def first_call_rejected(**kwargs: Any) -> Any:
        behaviour = next(answers, None)
        return behaviour(**kwargs) if behaviour else None

    with fault(dynamodb_client(), "TransactWriteItems", first_call_rejected):
        failed = drain(attempts=1)

    assert len(failed) == 1  # "not this request" is not "not now": the others are replayed


def test_near_its_deadline_the_drain_tries_nothing_and_reports_the_whole_batch(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    queued = queued_records(invoke, error_response("ServiceUnavailable"))

    failed = drain(attempts=1, timeout_millis=1_000)

    assert len(failed) == min(queued, 10)
    assert sentiment_items(dynamodb, tables) == []
