"""DynamoDB failures on purpose: the customer still gets a valid, honest reply."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from botocore.stub import Stubber
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.adapters.aws import dynamodb_client
from local.backend import TableNames
from local.lambda_context import FakeLambdaContext
from tests.integration.conftest import Invoke
from tests.support import NOW, assert_valid_v2_response, dialog_action, load_event, reply_text


@pytest.fixture
def stubbed(app: ModuleType) -> Iterator[Stubber]:
    """The code hook's own DynamoDB client with scripted answers; any unscripted call fails the test."""
    with Stubber(dynamodb_client()) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def outcome_of(app: ModuleType, event_file: str) -> str:
    """The recording outcome the service reports for one event."""
    from lexsentiment.lex.events import parse_event

    event = load_event(event_file)
    outcome = app.lambda_handler.sentiment_layer.answer(parse_event(event), event, None, NOW)
    return str(outcome.recording.outcome.value)


def test_without_the_deliveries_table_the_bot_offers_an_agent_instead_of_a_date(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    dynamodb.delete_table(TableName=tables.deliveries)

    response = invoke(load_event("lexv2/check-delivery-status-fulfilment.json"))

    assert_valid_v2_response(response)
    assert reply_text(response) == "I can't look up deliveries right now. Would you like to speak to an agent?"


def test_without_the_sentiment_table_the_reply_is_unchanged(
    app: ModuleType, invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    healthy = invoke(load_event("lexv2/check-delivery-status-upset.json"))
    dynamodb.delete_table(TableName=tables.sentiment)

    other_conversation = load_event("lexv2/check-delivery-status-upset.json")
    other_conversation["sessionState"]["originatingRequestId"] = "another-utterance"

    assert invoke(other_conversation) == healthy
    assert outcome_of(app, "lexv2/check-delivery-status-calm.json") == "queued"


def test_a_throttled_lookup_offers_an_agent(stubbed: Stubber, invoke: Invoke) -> None:
    stubbed.add_client_error("get_item", "ProvisionedThroughputExceededException")
    stubbed.add_response("transact_write_items", {})

    response = invoke(load_event("lexv1/check-delivery-status-fulfilment.json"))

    assert dialog_action(response) == "ConfirmIntent"
    assert reply_text(response).startswith("I can't look up deliveries right now.")


def test_a_throttled_recording_does_not_change_the_reply(stubbed: Stubber, app: ModuleType, invoke: Invoke) -> None:
    stubbed.add_response("transact_write_items", {})
    healthy = invoke(load_event("lexv2/check-delivery-status-upset.json"))
    stubbed.add_client_error("transact_write_items", "ThrottlingException")

    assert invoke(load_event("lexv2/check-delivery-status-upset.json")) == healthy


@pytest.mark.parametrize(
    ("first_reason", "outcome"),
    [
        ("ConditionalCheckFailed", "duplicate"),  # the turn record exists: already counted
        ("None", "queued"),  # another item failed: a real failure, so the record goes to the backlog
    ],
)
def test_only_a_failed_turn_condition_counts_as_a_duplicate(
    stubbed: Stubber, app: ModuleType, first_reason: str, outcome: str
) -> None:
    stubbed.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        modeled_fields={"CancellationReasons": [{"Code": first_reason}, {"Code": "ThrottlingError"}]},
    )

    assert outcome_of(app, "lexv2/check-delivery-status-upset.json") == outcome


def test_rescheduling_an_unknown_delivery_asks_for_the_number_again(invoke: Invoke) -> None:
    event = load_event("lexv2/change-delivery-date-confirmed.json")
    event["sessionState"]["intent"]["slots"]["trackingNumber"]["value"]["interpretedValue"] = "99999"

    response = invoke(event)

    assert dialog_action(response) == "ElicitSlot"
    assert "couldn't find a delivery with tracking number 99999" in reply_text(response)


def test_a_broken_delivery_item_is_never_read_out_as_a_date(
    app: ModuleType, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    dynamodb.put_item(
        TableName=tables.deliveries,
        Item={"trackingNumber": {"S": "21132"}, "deliveryDate": {"S": "soon"}, "deliveryAddress": {"S": "home"}},
    )

    response = app.lambda_handler(load_event("lexv2/check-delivery-status-fulfilment.json"), FakeLambdaContext())

    assert reply_text(response).startswith("I can't look up deliveries right now.")
