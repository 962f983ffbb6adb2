"""What a supervisor reads back: turn records and aggregates, counted once per utterance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from local.backend import TableNames
from tests.integration.conftest import Invoke
from tests.support import NOW, dialog_action, load_event, reply_text, session_attributes, with_sentiment_v2

BLOG_ANSWER = "Your package 21132 will arrive on Friday, November 27 at your home address."


def item(dynamodb: DynamoDBClient, tables: TableNames, pk: str, sk: str) -> dict[str, Any]:
    found = dynamodb.get_item(TableName=tables.sentiment, Key={"PK": {"S": pk}, "SK": {"S": sk}}).get("Item")
    assert found is not None, f"no item {pk} / {sk}"
    return {name: _plain(value) for name, value in found.items()}


def _plain(value: Any) -> Any:
    ((kind, content),) = value.items()
    return Decimal(content) if kind == "N" else content


def turn_records(dynamodb: DynamoDBClient, tables: TableNames, conversation: str) -> list[dict[str, Any]]:
    response = dynamodb.query(
        TableName=tables.sentiment,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :turn)",
        ExpressionAttributeValues={":pk": {"S": f"CONV#{conversation}"}, ":turn": {"S": "TURN#"}},
    )
    return [{name: _plain(value) for name, value in record.items()} for record in response["Items"]]


def next_turn(event: dict[str, Any], previous: dict[str, Any], request_id: str, source: str) -> dict[str, Any]:
    event["sessionState"]["sessionAttributes"] = session_attributes(previous)
    event["sessionState"]["originatingRequestId"] = request_id
    event["invocationSource"] = source
    return event


def test_the_seed_blog_conversation_end_to_end(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> None:
    # 1. "When is my package arriving? It's so late."
    first = invoke(load_event("lexv2/check-delivery-status-upset.json"))
    assert reply_text(first) == "Apologies for the inconvenience. What is your tracking number?"

    # 2. "21132": the dialog hook validates and delegates; Lex then calls the fulfilment hook for the same utterance.
    number_event = load_event("lexv2/check-delivery-status-fulfilment.json")
    number_event["sessionId"] = "demo-session-0001"
    delegated = invoke(next_turn(number_event, first, "utterance-2", "DialogCodeHook"))
    assert dialog_action(delegated) == "Delegate"
    fulfilment_event = load_event("lexv2/check-delivery-status-fulfilment.json")
    fulfilment_event["sessionId"] = "demo-session-0001"
    answered = invoke(next_turn(fulfilment_event, delegated, "utterance-2", "FulfillmentCodeHook"))

    assert dialog_action(answered) == "Close"
    assert reply_text(answered) == BLOG_ANSWER
    records = turn_records(dynamodb, tables, "demo-session-0001")
    assert len(records) == 2
    assert all("inputTranscript" not in record and "transcript" not in record for record in records)
    summary = item(dynamodb, tables, "CONV#demo-session-0001", "SUMMARY")
    assert summary["turns"] == 2
    assert summary["firstScore"] == pytest.approx(Decimal("-3.14755509"))


def test_the_v1_blog_conversation_counts_the_dialog_and_fulfilment_hooks_once(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    first = invoke(load_event("lexv1/check-delivery-status-blog.json"))
    number = load_event("lexv1/check-delivery-status-fulfilment.json")
    number["userId"] = "blog-user-1"
    number["invocationSource"] = "DialogCodeHook"
    number["sessionAttributes"] = session_attributes(first)
    delegated = invoke(number)
    fulfilment = load_event("lexv1/check-delivery-status-fulfilment.json")
    fulfilment["userId"] = "blog-user-1"
    fulfilment["sessionAttributes"] = session_attributes(delegated)

    answered = invoke(fulfilment)

    assert reply_text(answered) == BLOG_ANSWER
    assert len(turn_records(dynamodb, tables, "DeliveryBot:blog-user-1")) == 2


def test_aggregates_equal_the_hand_computed_sums(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> None:
    # Four CheckDeliveryStatus utterances of one conversation, each with its own (positive, negative) scores.
    script = [(0.02, 0.6), (0.01, 0.7), (0.3, 0.1), (0.9, 0.05)]
    previous: dict[str, Any] | None = None
    for index, (positive, negative) in enumerate(script):
        event = with_sentiment_v2(load_event("lexv2/check-delivery-status-calm.json"), negative, positive=positive)
        event["sessionId"] = "scripted-1"
        event["sessionState"]["originatingRequestId"] = f"scripted-{index}"
        if previous is not None:
            event["sessionState"]["sessionAttributes"] = session_attributes(previous)
        previous = invoke(event)

    expected_scores = [5 * (positive - negative) for positive, negative in script]
    for pk, sk in [
        ("CONV#scripted-1", "INTENT#CheckDeliveryStatus"),
        ("INTENT#CheckDeliveryStatus", "TOTAL"),
        ("INTENT#CheckDeliveryStatus", "DAY#2026-11-23"),
        ("USER#scripted-1", "TOTAL"),
        ("BOT#DeliveryBot#live#en_US", "TOTAL"),
    ]:
        aggregate = item(dynamodb, tables, pk, sk)
        assert aggregate["turns"] == 4
        assert float(aggregate["negativeSum"]) == pytest.approx(sum(negative for _, negative in script))
        assert float(aggregate["positiveSum"]) == pytest.approx(sum(positive for positive, _ in script))
        assert float(aggregate["scoreSum"]) == pytest.approx(sum(expected_scores))
        assert aggregate["negativeTurns"] == 2
        assert aggregate["neutralTurns"] == 2
        assert aggregate["apologies"] == 2
    summary = item(dynamodb, tables, "CONV#scripted-1", "SUMMARY")
    assert float(summary["firstScore"]) == pytest.approx(expected_scores[0])
    assert float(summary["lastScore"]) == pytest.approx(expected_scores[-1])
    # Started at -2.9, ended at +4.25: the search for recovered conversations finds it.
    assert summary["shift"] == "negative_to_positive"
    shifted = dynamodb.query(
        TableName=tables.sentiment,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :shift",
        ExpressionAttributeValues={":shift": {"S": "SHIFT#negative_to_positive"}},
    )
    assert [found["conversationId"]["S"] for found in shifted["Items"]] == ["scripted-1"]
    by_day = dynamodb.query(
        TableName=tables.sentiment,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :day",
        ExpressionAttributeValues={":day": {"S": "INTENTDAY#2026-11-23"}},
    )
    assert [found["GSI1SK"]["S"] for found in by_day["Items"]] == ["INTENT#CheckDeliveryStatus"]


def test_a_retried_invocation_counts_once(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> None:
    event = load_event("lexv2/check-delivery-status-upset.json")

    first = invoke(event)
    retried = invoke(load_event("lexv2/check-delivery-status-upset.json"))

    assert retried == first
    assert item(dynamodb, tables, "CONV#demo-session-0001", "SUMMARY")["turns"] == 1
    assert item(dynamodb, tables, "INTENT#CheckDeliveryStatus", "TOTAL")["turns"] == 1


def test_turns_without_sentiment_are_not_recorded(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> None:
    invoke(load_event("lexv2/check-delivery-status-no-sentiment.json"))

    assert dynamodb.scan(TableName=tables.sentiment)["Count"] == 0


def test_turn_records_expire_after_the_retention(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> None:
    invoke(load_event("lexv2/check-delivery-status-upset.json"))

    (record,) = turn_records(dynamodb, tables, "demo-session-0001")
    assert record["expiresAt"] == int(NOW.timestamp()) + 90 * 86400
