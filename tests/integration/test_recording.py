"""What a supervisor reads back: turn records and aggregates, counted once per utterance."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.insights.store import DynamoDbInsightsStore
from lexsentiment.policy.conversation_score import Shift
from local.backend import TableNames
from tests.integration.conftest import Invoke
from tests.support import NOW, dialog_action, load_event, reply_text, session_attributes, with_sentiment_v2

BLOG_ANSWER = "Your package 21132 will arrive on Friday, November 27 at your home address."
TODAY = NOW.date()


@pytest.fixture
def store(tables: TableNames, dynamodb: DynamoDBClient) -> DynamoDbInsightsStore:
    # At the events' time: the personal items written then expire against this clock, not the real one.
    return DynamoDbInsightsStore(tables.sentiment, dynamodb, clock=lambda: NOW)


def turn_items(dynamodb: DynamoDBClient, tables: TableNames) -> list[dict[str, Any]]:
    """Every turn record, read the slow way (a scan is fine in a test) to recompute aggregates."""
    items = dynamodb.scan(TableName=tables.sentiment)["Items"]
    return [item for item in items if item["SK"]["S"].startswith("TURN#")]


def next_turn(event: dict[str, Any], previous: dict[str, Any], request_id: str, source: str) -> dict[str, Any]:
    event["sessionState"]["sessionAttributes"] = session_attributes(previous)
    event["sessionState"]["originatingRequestId"] = request_id
    event["invocationSource"] = source
    return event


def test_the_seed_blog_conversation_end_to_end(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, store: DynamoDbInsightsStore
) -> None:
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
    conversation = store.conversation("demo-session-0001")
    assert conversation is not None
    assert conversation.summary.turns == 2
    assert [turn.score for turn in conversation.turns] == pytest.approx([-3.14755509, -0.05])
    assert conversation.summary.start_score == pytest.approx(-3.14755509, abs=1e-4)  # kept to 4 decimals
    assert all("inputTranscript" not in item and "transcript" not in item for item in turn_items(dynamodb, tables))


def test_the_v1_blog_conversation_counts_the_dialog_and_fulfilment_hooks_once(
    invoke: Invoke, store: DynamoDbInsightsStore
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
    conversation = store.conversation("DeliveryBot:blog-user-1")
    assert conversation is not None
    assert len(conversation.turns) == 2


def test_aggregates_equal_the_hand_computed_sums(invoke: Invoke, store: DynamoDbInsightsStore) -> None:
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
    conversation = store.conversation("scripted-1")
    history = store.user_history("scripted-1", limit=10)
    assert conversation is not None and history is not None
    (per_conversation_intent,) = conversation.intents
    (per_intent,) = store.intents_between(TODAY, TODAY)
    (per_day,) = store.intent_days("CheckDeliveryStatus", TODAY, TODAY)
    (per_bot,) = store.bots_between(TODAY, TODAY)
    assert (per_bot.name, per_bot.alias, per_bot.locale) == ("DeliveryBot", "live", "en_US")
    for totals in (
        per_conversation_intent.totals,
        per_intent.totals,
        per_day.totals,
        history.totals,
        per_bot.totals,
    ):
        assert totals.turns == 4
        assert totals.negative_sum == pytest.approx(sum(negative for _, negative in script))
        assert totals.positive_sum == pytest.approx(sum(positive for positive, _ in script))
        assert totals.score_sum == pytest.approx(sum(expected_scores))
        assert totals.negative_share == pytest.approx(0.5)
        assert totals.apologies == 2
    summary = conversation.summary
    # Four turns: portions of two. Start = mean(-2.9, -3.45), end = mean(1.0, 4.25).
    assert summary.start_score == pytest.approx((expected_scores[0] + expected_scores[1]) / 2)
    assert summary.end_score == pytest.approx((expected_scores[2] + expected_scores[3]) / 2)
    assert summary.shift is Shift.NEGATIVE_TO_POSITIVE
    assert summary.trend == pytest.approx(conversation.trend)
    recovered = store.conversations(Shift.NEGATIVE_TO_POSITIVE, TODAY, TODAY, limit=10)
    assert [item.conversation_id for item in recovered.items] == ["scripted-1"]
    assert store.conversations(Shift.STABLE, TODAY, TODAY, limit=10).items == []


def test_aggregates_equal_those_recomputed_from_the_turn_records(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames, store: DynamoDbInsightsStore
) -> None:
    generator = random.Random(7)
    event_files = [
        "lexv2/check-delivery-status-calm.json",
        "lexv2/change-delivery-date.json",
        "lexv2/fallback.json",
        "lexv2/agent-handover-request.json",
    ]
    for conversation in range(12):
        previous: dict[str, Any] | None = None
        for turn in range(generator.randint(1, 5)):
            negative = round(generator.random(), 3)
            event = with_sentiment_v2(load_event(generator.choice(event_files)), negative, positive=0.0)
            event["sessionId"] = f"generated-{conversation}"
            event["sessionState"]["originatingRequestId"] = f"generated-{conversation}-{turn}"
            if previous is not None:
                event["sessionState"]["sessionAttributes"] = session_attributes(previous)
            previous = invoke(event)

    turns = turn_items(dynamodb, tables)
    by_intent: dict[str, list[float]] = defaultdict(list)
    by_conversation: dict[str, list[float]] = defaultdict(list)
    for item in turns:
        by_intent[item["intent"]["S"]].append(float(item["score"]["N"]))
        by_conversation[item["conversationId"]["S"]].append(float(item["score"]["N"]))
    intents = {item.intent: item.totals for item in store.intents_between(date(2026, 11, 1), TODAY)}
    assert set(intents) == set(by_intent)
    for intent, scores in by_intent.items():
        assert intents[intent].turns == len(scores)
        assert intents[intent].score_sum == pytest.approx(sum(scores))
    (bot,) = store.bots_between(date(2026, 11, 1), TODAY)
    assert bot.totals.turns == len(turns)
    assert bot.totals.score_sum == pytest.approx(sum(float(item["score"]["N"]) for item in turns))
    for conversation_id, scores in by_conversation.items():
        detail = store.conversation(conversation_id)
        assert detail is not None
        assert detail.summary.turns == len(scores)
        assert detail.summary.score_sum == pytest.approx(sum(scores))
        assert detail.summary.trend == pytest.approx(detail.trend)


def test_a_retried_invocation_counts_once(invoke: Invoke, store: DynamoDbInsightsStore) -> None:
    first = invoke(load_event("lexv2/check-delivery-status-upset.json"))
    retried = invoke(load_event("lexv2/check-delivery-status-upset.json"))

    assert retried == first
    conversation = store.conversation("demo-session-0001")
    assert conversation is not None and conversation.summary.turns == 1
    assert store.intents_between(TODAY, TODAY)[0].totals.turns == 1


def test_turns_without_sentiment_are_not_recorded(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> None:
    invoke(load_event("lexv2/check-delivery-status-no-sentiment.json"))

    assert dynamodb.scan(TableName=tables.sentiment)["Count"] == 0


def test_turn_records_expire_after_the_retention(invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames) -> None:
    invoke(load_event("lexv2/check-delivery-status-upset.json"))

    (record,) = turn_items(dynamodb, tables)
    assert int(record["expiresAt"]["N"]) == int(NOW.timestamp()) + 90 * 86400
