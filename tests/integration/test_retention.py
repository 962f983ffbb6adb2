"""Personal items expire (DynamoDB TTL on expiresAt), renewed with each turn; anonymous totals never do."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.recording.table import DynamoDbSentimentRecorder
from local.backend import TableNames
from tests.integration.conftest import Invoke
from tests.integration.recorded import CUSTOMER, turn_record
from tests.support import NOW, load_event

DAY = 86_400
TURNS = timedelta(days=90)
CONVERSATIONS = timedelta(days=365)


@pytest.fixture
def recorder(tables: TableNames, dynamodb: DynamoDBClient) -> DynamoDbSentimentRecorder:
    return DynamoDbSentimentRecorder(tables.sentiment, TURNS, dynamodb, conversation_retention=CONVERSATIONS)


def items_by_kind(dynamodb: DynamoDBClient, tables: TableNames) -> dict[str, list[dict[str, Any]]]:
    """Every item (a scan is fine in a test), by what it is: turn, summary, conversation intent, user, anonymous."""
    kinds: dict[str, list[dict[str, Any]]] = {}
    for item in dynamodb.scan(TableName=tables.sentiment)["Items"]:
        pk, sk = item["PK"]["S"], item["SK"]["S"]
        if pk.startswith("CONV#"):
            kind = "turn" if sk.startswith("TURN#") else "summary" if sk == "SUMMARY" else "conversation intent"
        elif pk.startswith("USER#"):
            kind = "user total" if sk == "TOTAL" else "user conversation"
        else:
            kind = "anonymous"  # INTENT#... and BOT#... totals
        kinds.setdefault(kind, []).append(item)
    return kinds


def expiry(item: dict[str, Any]) -> int | None:
    return int(item["expiresAt"]["N"]) if "expiresAt" in item else None


PERSONAL = ["summary", "conversation intent", "user total", "user conversation"]


def test_the_code_hook_gives_personal_items_the_conversation_retention(
    invoke: Invoke, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    invoke(load_event("lexv2/check-delivery-status-upset.json"))

    kinds = items_by_kind(dynamodb, tables)
    for kind in PERSONAL:
        (item,) = kinds[kind]
        assert expiry(item) == int(NOW.timestamp()) + 365 * DAY, kind  # the template's default
    (turn,) = kinds["turn"]
    assert expiry(turn) == int(NOW.timestamp()) + 90 * DAY


def test_each_turn_renews_the_personal_items_and_the_anonymous_totals_never_expire(
    recorder: DynamoDbSentimentRecorder, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    later = NOW + timedelta(days=3)
    recorder.record(turn_record("session-a", CUSTOMER, 1, NOW))
    recorder.record(turn_record("session-a", CUSTOMER, 2, later))

    kinds = items_by_kind(dynamodb, tables)
    for kind in PERSONAL:
        (item,) = kinds[kind]
        assert expiry(item) == int((later + CONVERSATIONS).timestamp()), kind
    assert sorted(int(turn["expiresAt"]["N"]) for turn in kinds["turn"]) == [
        int((NOW + TURNS).timestamp()),
        int((later + TURNS).timestamp()),
    ]
    assert kinds["anonymous"]
    assert all(expiry(item) is None for item in kinds["anonymous"])


def test_a_turn_replayed_late_does_not_shorten_the_summary(
    recorder: DynamoDbSentimentRecorder, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    later = NOW + timedelta(days=3)
    recorder.record(turn_record("session-a", CUSTOMER, 2, later))

    recorder.record(turn_record("session-a", CUSTOMER, 1, NOW))  # from the backlog, after the newer turn

    (summary,) = items_by_kind(dynamodb, tables)["summary"]
    assert expiry(summary) == int((later + CONVERSATIONS).timestamp())


def test_without_a_conversation_retention_personal_items_last_as_long_as_turns(
    tables: TableNames, dynamodb: DynamoDBClient
) -> None:
    DynamoDbSentimentRecorder(tables.sentiment, TURNS, dynamodb).record(turn_record("session-a", CUSTOMER, 1))

    (summary,) = items_by_kind(dynamodb, tables)["summary"]
    assert expiry(summary) == int((NOW + TURNS).timestamp())


def test_times_with_an_offset_are_stored_as_the_same_utc_instant(
    recorder: DynamoDbSentimentRecorder, dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    plus_five = timezone(timedelta(hours=5))
    started = NOW.astimezone(plus_five)  # 2026-11-23T20:30:00+05:00, the same instant as NOW
    assert started.isoformat().endswith("+05:00")

    recorder.record(turn_record("session-a", CUSTOMER, 1, started, started_at=started))

    kinds = items_by_kind(dynamodb, tables)
    (summary,) = kinds["summary"]
    assert summary["startedAt"]["S"] == summary["lastTurnAt"]["S"] == "2026-11-23T15:30:00.000Z"
    assert summary["GSI1SK"]["S"] == "2026-11-23T15:30:00.000Z#session-a"
    (listed,) = kinds["user conversation"]
    assert listed["SK"]["S"] == "CONV#2026-11-23T15:30:00.000Z#session-a"
    (turn,) = kinds["turn"]
    assert turn["recordedAt"]["S"] == "2026-11-23T15:30:00.000Z"
