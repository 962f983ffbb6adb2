"""With SENTIMENT_TABLE_NAME set (and nothing else changed), every scored turn lands in the sentiment table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from booktrip_support import attributes, import_app, invoke, load_event
from moto import mock_aws

from lexsentiment.adapters.aws import dynamodb_client, reset_clients
from lexsentiment.adapters.secrets import secrets_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "booktrip-test-SentimentTable"
SEAL_SECRET = "booktrip-test-memory-seal"


def create_sentiment_table(client: DynamoDBClient, name: str) -> None:
    """The main stack's SentimentTable keys: PK/SK, and GSI1 (GSI1PK/GSI1SK, keys only)."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": attribute, "AttributeType": "S"} for attribute in ("PK", "SK", "GSI1PK", "GSI1SK")
        ],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GSI1",
                "KeySchema": [
                    {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                    {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )


@pytest.fixture
def dynamodb() -> Iterator[DynamoDBClient]:
    """An in-process DynamoDB with the sentiment table, and BookTrip deployed with SENTIMENT_TABLE_NAME
    (and the memory seal key recording needs, as the template creates it)."""
    with mock_aws():
        reset_clients()  # the layer's clients, built inside the mock
        client = dynamodb_client()
        create_sentiment_table(client, TABLE)
        secrets_client().create_secret(Name=SEAL_SECRET, SecretString="booktrip-tests-seal-key-0123456789abcdef")
        import_app(SENTIMENT_TABLE_NAME=TABLE, MEMORY_SEAL_SECRET=SEAL_SECRET)
        try:
            yield client
        finally:
            reset_clients()
            import_app()  # back to no recording for the other tests


def conversation_items(client: DynamoDBClient, conversation_id: str) -> list[dict[str, Any]]:
    response = client.query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"CONV#{conversation_id}"}},
    )
    return [dict(item) for item in response["Items"]]


def test_each_turn_of_a_conversation_is_recorded(dynamodb: DynamoDBClient) -> None:
    # Given a calm turn and then an upset one in the same conversation
    calm = load_event("book-hotel-calm")
    first = invoke(calm)
    upset = load_event("book-hotel-upset-invalid-nights")
    upset["sessionId"] = calm["sessionId"]
    upset["sessionState"]["sessionAttributes"] = attributes(first)

    # When BookTrip answers the second
    invoke(upset)

    # Then both turns are in the table, with what was decided, and the conversation's summary
    items = conversation_items(dynamodb, calm["sessionId"])
    turns = sorted((item for item in items if item["SK"]["S"].startswith("TURN#")), key=lambda i: i["turnIndex"]["N"])
    assert [turn["intent"]["S"] for turn in turns] == ["BookHotel", "BookHotel"]
    assert [turn["decision"]["S"] for turn in turns] == ["none", "apologise"]
    assert [turn["apologised"]["BOOL"] for turn in turns] == [False, True]
    assert {"SUMMARY", "INTENT#BookHotel"} <= {item["SK"]["S"] for item in items}


def test_a_hand_over_is_recorded_as_one(dynamodb: DynamoDBClient) -> None:
    invoke(load_event("speak-to-agent-confirmed"))

    items = conversation_items(dynamodb, load_event("speak-to-agent-confirmed")["sessionId"])
    (turn,) = [item for item in items if item["SK"]["S"].startswith("TURN#")]
    assert turn["handedOver"]["BOOL"] is True
    assert turn["intent"]["S"] == "SpeakToAgent"


def test_an_utterance_lex_sends_to_both_code_hooks_is_recorded_once(dynamodb: DynamoDBClient) -> None:
    # Given the dialog hook delegated the customer's last answer (every slot valid)...
    fulfilment = load_event("book-car-fulfilment-calm")
    dialog = {**fulfilment, "invocationSource": "DialogCodeHook"}
    delegated = invoke(dialog)
    assert delegated["sessionState"]["dialogAction"]["type"] == "Delegate"

    # When Lex calls the fulfilment hook for the same utterance
    fulfilment["sessionState"]["sessionAttributes"] = attributes(delegated)
    booked = invoke(fulfilment)

    # Then the booking is confirmed and the utterance counted once
    assert booked["sessionState"]["dialogAction"]["type"] == "Close"
    assert attributes(booked)["scoredTurns"] == "1"
    items = conversation_items(dynamodb, fulfilment["sessionId"])
    assert len([item for item in items if item["SK"]["S"].startswith("TURN#")]) == 1
