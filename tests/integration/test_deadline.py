"""Lex's deadline, kept: against DynamoDB that accepts connections and never answers, a turn answers
before Lambda's timeout, and its record is kept (queued, or failing that, in a recovery log line)."""

from __future__ import annotations

import importlib
import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from deliverybot.bot import delivery_bot
from deliverybot.deliveries_table import DynamoDbDeliveryRepository
from lexsentiment.adapters.aws import reset_clients
from lexsentiment.layer import LAMBDA_RESERVE_SECONDS
from lexsentiment.recording.backlog import SqsSentimentBacklog
from lexsentiment.recording.durable import DurableSentimentRecorder
from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.table import DynamoDbSentimentRecorder
from lexsentiment.settings import LayerSettings, load_settings
from local.lambda_context import FakeLambdaContext
from tests.support import NOW, THRESHOLDS, FakeRecorder, assert_valid_v2_response, load_event, reply_text, respond

QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/local-sentiment-backlog"
LOOKUP_FAILED = "I can't look up deliveries right now. Would you like to speak to an agent?"
# As deployed: template.yaml's function timeout and TURN_DEADLINE_SECONDS.
FUNCTION_TIMEOUT_MILLIS = 10_000
TURN_DEADLINE_MILLIS = 9_000
# What rendering the reply after the deadline may take on a loaded machine.
SLACK_MILLIS = 250
DEPLOYED = load_settings({**THRESHOLDS, "TURN_DEADLINE_SECONDS": "9"}, LayerSettings)


@pytest.fixture
def hung_endpoint() -> Iterator[str]:
    """A local server that accepts every connection and never answers a byte."""
    server = socket.create_server(("127.0.0.1", 0), backlog=32)
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold_connections() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=hold_connections, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    for connection in held:
        connection.close()
    server.close()


@pytest.fixture
def hung_dynamodb(hung_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", hung_endpoint)
    reset_clients()
    yield
    reset_clients()


def fulfilment_turn(backlog: SqsSentimentBacklog, settings: LayerSettings, context: FakeLambdaContext) -> Any:
    handler = delivery_bot(
        DynamoDbDeliveryRepository("local-DeliveriesTable"),
        clock=lambda: NOW,
        settings=settings,
        recorder=DurableSentimentRecorder(
            table=DynamoDbSentimentRecorder("local-SentimentTable", timedelta(days=90)), backlog=backlog
        ),
    )
    return handler(load_event("lexv2/check-delivery-status-fulfilment.json"), context)


@pytest.mark.enable_socket
def test_a_hung_table_still_answers_before_the_timeout_and_queues_the_record(
    hung_dynamodb: None, log_lines: list[str]
) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    context = FakeLambdaContext(timeout_millis=FUNCTION_TIMEOUT_MILLIS, counts_down=True)

    with Stubber(sqs) as queue:
        queue.add_response("send_message", {"MessageId": "queued-1"})
        response = fulfilment_turn(SqsSentimentBacklog(QUEUE_URL, client=sqs), DEPLOYED, context)
        queue.assert_no_pending_responses()

    # Answered within the turn's deadline (9 s of the 10), not merely before Lambda cut it off.
    assert context.get_remaining_time_in_millis() >= FUNCTION_TIMEOUT_MILLIS - TURN_DEADLINE_MILLIS - SLACK_MILLIS
    assert_valid_v2_response(response)
    assert reply_text(response) == LOOKUP_FAILED  # never a guessed date
    (handled,) = [json.loads(line) for line in log_lines if '"turn_handled"' in line]
    assert handled["recording"] == "queued"


@pytest.mark.enable_socket
def test_with_the_queue_hung_too_the_record_is_in_a_recovery_line_before_the_deadline(
    hung_dynamodb: None, hung_endpoint: str, monkeypatch: pytest.MonkeyPatch, log_lines: list[str]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", hung_endpoint)
    context = FakeLambdaContext(timeout_millis=5_000, counts_down=True)  # the steps must shrink to fit it

    response = fulfilment_turn(SqsSentimentBacklog(QUEUE_URL), DEPLOYED, context)

    # The layer keeps LAMBDA_RESERVE_SECONDS of Lambda's time for the reply itself.
    assert context.get_remaining_time_in_millis() >= LAMBDA_RESERVE_SECONDS * 1000 - SLACK_MILLIS
    assert_valid_v2_response(response)
    assert reply_text(response) == LOOKUP_FAILED
    lines = [json.loads(line) for line in log_lines]
    (recovery,) = [line for line in lines if line["message"] == "sentiment_record_recovery"]
    assert recovery["record"]["conversation_id"] == "demo-session-0005"


@pytest.mark.enable_socket
def test_the_drain_against_a_hung_table_reports_its_whole_batch_before_its_own_timeout(
    hung_dynamodb: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = FakeRecorder()
    respond(load_event("lexv2/check-delivery-status-fulfilment.json"), recorder=recorder)
    body = TurnRecordMessage.of(recorder.records[0]).model_dump_json()
    records = [
        {
            "messageId": f"m-{index}",
            "receiptHandle": f"r-{index}",
            "body": body,
            "attributes": {},
            "eventSource": "aws:sqs",
        }
        for index in range(10)
    ]
    monkeypatch.setenv("SENTIMENT_TABLE_NAME", "local-SentimentTable")  # read if this is its first import
    drain_app = importlib.import_module("functions.sentiment_backlog.app")
    context = FakeLambdaContext(function_name="SentimentBacklogFunction", timeout_millis=4_000, counts_down=True)

    response = drain_app.lambda_handler({"Records": records}, context)

    assert context.get_remaining_time_in_millis() > 0  # Lambda gets the report: nothing is cut off
    reported = {item["itemIdentifier"] for item in response["batchItemFailures"]}
    assert reported == {f"m-{index}" for index in range(10)}


@pytest.mark.enable_socket
def test_the_insights_api_against_a_hung_table_answers_503_before_its_timeout(
    hung_dynamodb: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENTIMENT_TABLE_NAME", "local-SentimentTable")  # read if this is its first import
    insights_app = importlib.import_module("functions.insights.app")
    context = FakeLambdaContext(function_name="InsightsFunction", timeout_millis=4_000, counts_down=True)

    response = insights_app.lambda_handler(load_event("insights/get-intents.json"), context)

    assert context.get_remaining_time_in_millis() > 0  # answered, not timed out into a 500
    assert response["statusCode"] == 503
