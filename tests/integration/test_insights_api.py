"""The insights API end to end: routes, validation (400, never 500) and pagination that cannot be forged."""

from __future__ import annotations

import base64
import importlib
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.adapters.aws import dynamodb_client
from lexsentiment.insights import store as insights_store
from lexsentiment.insights.queries import encode_cursor
from local.backend import TableNames
from tests.integration.conftest import Invoke
from tests.support import NOW, load_event, play_conversation, with_sentiment_v2


def request(name: str, query: dict[str, str] | None = None, /, **path: str) -> dict[str, Any]:
    event = load_event(f"insights/{name}.json")
    if query is not None:
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{key}={value}" for key, value in query.items())
    for key, value in path.items():
        event["pathParameters"][key] = value
        event["rawPath"] = event["rawPath"].rsplit("/", 1)[0] + "/" + value
        event["requestContext"]["http"]["path"] = event["rawPath"]
    return event


def body(response: dict[str, Any], status: int = 200) -> dict[str, Any]:
    assert response["statusCode"] == status, response["body"]
    assert response["headers"]["Content-Type"] == "application/json"
    parsed: dict[str, Any] = json.loads(response["body"])
    return parsed


@pytest.fixture(autouse=True)
def _read_at_the_events_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Items written at the events' time expire against this clock, not the real one."""
    monkeypatch.setattr(importlib.import_module("functions.insights.app"), "now", lambda: NOW)


@pytest.fixture
def seeded(invoke: Invoke) -> None:
    # Started happy, ended upset (positive to negative): three conversations, and one the other way round.
    for number in range(3):
        play_conversation(invoke, f"soured-{number}", [0.05, 0.05, 0.1, 0.85, 0.9, 0.95], user_id="customer-7")
    play_conversation(invoke, "recovered-1", [0.9, 0.8, 0.1, 0.05])
    play_conversation(invoke, "fallback-1", [0.7, 0.9], event_file="lexv2/fallback.json")


@pytest.mark.usefixtures("seeded")
class TestRoutes:
    def test_intents_are_ranked_most_upsetting_first(self, insights: Invoke) -> None:
        answer = body(insights(request("get-intents")))

        assert [item["intent"] for item in answer["intents"]] == ["FallbackIntent", "CheckDeliveryStatus"]
        fallback = answer["intents"][0]
        assert fallback["turns"] == 2
        assert fallback["meanNegative"] == pytest.approx(0.8)
        assert set(fallback) >= {"meanScore", "negativeShare", "labels", "apologies", "handovers"}

    def test_one_intents_daily_series(self, insights: Invoke) -> None:
        answer = body(insights(request("get-intent-series")))

        assert answer["intent"] == "CheckDeliveryStatus"
        assert [day["day"] for day in answer["days"]] == ["2026-11-23"]
        assert answer["days"][0]["turns"] == 3 * 6 + 4

    def test_conversations_by_shift_newest_first_with_pages(self, insights: Invoke) -> None:
        query = {"shift": "positive_to_negative", "from": "2026-11-23", "to": "2026-11-23", "limit": "2"}
        first = body(insights(request("get-conversations", query)))
        second = body(insights(request("get-conversations", {**query, "next": first["next"]})))

        seen = [item["conversationId"] for item in first["conversations"] + second["conversations"]]
        assert sorted(seen) == ["soured-0", "soured-1", "soured-2"]
        assert len(first["conversations"]) == 2 and first["next"]
        assert second["next"] is None
        assert all(item["shift"] == "positive_to_negative" for item in first["conversations"])
        assert first["conversations"][0]["trend"] < 0

    def test_the_other_shift_finds_the_recovered_conversation(self, insights: Invoke) -> None:
        query = {"shift": "negative_to_positive", "from": "2026-11-20", "to": "2026-11-23"}

        answer = body(insights(request("get-conversations", query)))

        assert [item["conversationId"] for item in answer["conversations"]] == ["recovered-1"]

    def test_one_conversations_turns_and_trend(self, insights: Invoke) -> None:
        answer = body(insights(request("get-conversation", conversationId="soured-0")))

        assert [turn["turnIndex"] for turn in answer["turns"]] == [0, 1, 2, 3, 4, 5]
        assert answer["conversation"]["shift"] == "positive_to_negative"
        assert answer["conversation"]["trend"] < 0
        assert answer["intents"][0]["intent"] == "CheckDeliveryStatus"

    def test_bots_with_their_alias_locale_and_totals(self, insights: Invoke) -> None:
        answer = body(insights(request("get-bots")))

        assert (answer["from"], answer["to"]) == ("2026-11-17", "2026-11-23")
        (bot,) = answer["bots"]
        assert (bot["botName"], bot["botAlias"], bot["locale"]) == ("DeliveryBot", "live", "en_US")
        assert bot["turns"] == 3 * 6 + 4 + 2
        assert set(bot) >= {"meanScore", "meanNegative", "negativeShare", "labels", "apologies", "handovers"}

    def test_bots_count_only_the_days_asked(self, insights: Invoke) -> None:
        answer = body(insights(request("get-bots", {"from": "2026-11-24", "to": "2026-11-30"})))

        assert answer["bots"] == []

    def test_one_users_history(self, insights: Invoke) -> None:
        answer = body(insights(request("get-user", userId="customer-7")))

        assert answer["totals"]["turns"] == 18
        assert sorted(item["conversationId"] for item in answer["conversations"]) == [
            "soured-0",
            "soured-1",
            "soured-2",
        ]

    @pytest.mark.parametrize(
        ("name", "path"),
        [("get-conversation", {"conversationId": "nobody"}), ("get-user", {"userId": "nobody"})],
    )
    def test_unknown_ids_are_404(self, insights: Invoke, name: str, path: dict[str, str]) -> None:
        assert insights(request(name, None, **path))["statusCode"] == 404


@pytest.mark.parametrize(
    ("name", "query", "says"),
    [
        ("get-intents", {"from": "2026-13-01"}, "from"),
        ("get-intents", {"from": "2026-11-23", "to": "2026-11-01"}, "'from' must not be after 'to'"),
        ("get-intents", {"from": "2024-01-01", "to": "2026-11-23"}, "at most 366 days"),
        ("get-intents", {"colour": "red"}, "colour: is not a known parameter"),
        ("get-conversations", {"shift": "sideways"}, "shift"),
        ("get-conversations", {}, "shift: Field required"),
        ("get-conversations", {"shift": "stable", "limit": "101"}, "limit"),
        ("get-conversations", {"shift": "stable", "limit": "0"}, "limit"),
        ("get-conversations", {"shift": "stable", "next": "not-a-token"}, "next: not a token this API issued"),
        ("get-intents", {"from": "9999-12-30"}, "from:"),
        ("get-intents", {"to": "0001-01-02"}, "to:"),
        ("get-bots", {"from": "1999-12-31"}, "from:"),
        ("get-bots", {"from": "2026-11-23", "to": "2026-11-01"}, "'from' must not be after 'to'"),
        (
            "get-conversations",
            {
                "shift": "stable",
                "from": "2026-11-23",
                "to": "2026-11-23",
                "next": encode_cursor("2026-13-40T10:00:00.000Z#a"),
            },
            "next: not a token this API issued",
        ),
        (
            "get-conversations",
            {"shift": "stable", "next": encode_cursor("2026-11-23T10:00:00.000Z#\u0000")},
            "next: not a token this API issued",
        ),
    ],
)
def test_bad_parameters_are_400_with_a_clear_message(
    insights: Invoke, name: str, query: dict[str, str], says: str
) -> None:
    answer = body(insights(request(name, query)), status=400)

    assert says in answer["message"]


def test_a_bad_intent_name_is_400(insights: Invoke) -> None:
    answer = body(insights(request("get-intent-series", intent="Check%20Delivery")), status=400)

    assert answer["message"] == "intent: not a valid value"


def test_a_token_from_another_range_or_forged_for_another_key_is_refused(insights: Invoke, invoke: Invoke) -> None:
    play_conversation(invoke, "soured-9", [0.05, 0.05, 0.9, 0.9])
    other_range = encode_cursor("2026-10-01T10:00:00.000Z#someone-else")
    forged_key = base64.urlsafe_b64encode(json.dumps({"after": "USER#customer-7"}).encode()).decode()
    query = {"shift": "positive_to_negative", "from": "2026-11-23", "to": "2026-11-23"}

    for token in (other_range, forged_key):
        answer = body(insights(request("get-conversations", {**query, "next": token})), status=400)
        assert answer["message"].startswith("next:")


def test_a_store_outage_is_503_not_a_stack_trace(insights: Invoke, dynamodb: Any, tables: Any) -> None:
    dynamodb.delete_table(TableName=tables.sentiment)

    answer = body(insights(request("get-intents")), status=503)

    assert answer["message"] == "The sentiment store is unavailable; try again shortly."


def test_bots_are_listed_per_alias_and_locale_most_upsetting_first(insights: Invoke, invoke: Invoke) -> None:
    play_conversation(invoke, "calm-live", [0.1, 0.1])
    for index in range(2):
        event = with_sentiment_v2(load_event("lexv2/check-delivery-status-calm.json"), 0.9, positive=0.0)
        event["bot"]["aliasName"] = "test"
        event["bot"]["localeId"] = "en_GB"
        event["sessionId"] = "upset-test"
        event["sessionState"]["originatingRequestId"] = f"upset-test-{index}"
        invoke(event)

    answer = body(insights(request("get-bots")))

    assert [(bot["botAlias"], bot["locale"], bot["turns"]) for bot in answer["bots"]] == [
        ("test", "en_GB", 2),
        ("live", "en_US", 2),
    ]


def test_a_long_conversation_answers_its_latest_turns_and_says_so(
    insights: Invoke, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    play_conversation(invoke, "long-1", [0.1, 0.2, 0.3, 0.9, 0.9, 0.9])
    monkeypatch.setattr(insights_store, "MAX_TURNS_SHOWN", 4)

    answer = body(insights(request("get-conversation", conversationId="long-1")))

    assert [turn["turnIndex"] for turn in answer["turns"]] == [2, 3, 4, 5]
    assert answer["turnsTruncated"] is True
    assert answer["conversation"]["turns"] == 6


def test_a_whole_conversation_says_nothing_was_left_out(insights: Invoke, invoke: Invoke) -> None:
    play_conversation(invoke, "short-1", [0.1, 0.9])

    answer = body(insights(request("get-conversation", conversationId="short-1")))

    assert len(answer["turns"]) == 2
    assert answer["turnsTruncated"] is False


class TestExpiredItems:
    """DynamoDB deletes items past their TTL only eventually: until it does, no read may show them."""

    @staticmethod
    def expire(dynamodb: DynamoDBClient, tables: TableNames, partition: str, sort_prefix: str = "") -> None:
        rows = dynamodb.query(
            TableName=tables.sentiment,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": partition}},
        )["Items"]
        for row in rows:
            if row["SK"]["S"].startswith(sort_prefix):
                dynamodb.update_item(
                    TableName=tables.sentiment,
                    Key={"PK": row["PK"], "SK": row["SK"]},
                    UpdateExpression="SET expiresAt = :past",
                    ExpressionAttributeValues={":past": {"N": str(int((NOW - timedelta(seconds=1)).timestamp()))}},
                )

    @pytest.fixture
    def two_conversations(self, invoke: Invoke, insights: Invoke) -> str:
        """Two soured conversations; the id of the first one's user."""
        play_conversation(invoke, "expiring-1", [0.05, 0.05, 0.9, 0.9])
        play_conversation(invoke, "lasting-1", [0.05, 0.05, 0.9, 0.9])
        user: str = body(insights(request("get-conversation", conversationId="expiring-1")))["conversation"]["userId"]
        return user

    def test_an_expired_conversation_is_neither_found_nor_listed(
        self, insights: Invoke, dynamodb: DynamoDBClient, tables: TableNames, two_conversations: str
    ) -> None:
        self.expire(dynamodb, tables, "CONV#expiring-1")
        query = {"shift": "positive_to_negative", "from": "2026-11-23", "to": "2026-11-23"}

        assert insights(request("get-conversation", conversationId="expiring-1"))["statusCode"] == 404
        listed = body(insights(request("get-conversations", query)))["conversations"]
        assert [item["conversationId"] for item in listed] == ["lasting-1"]

    def test_expired_turns_and_intents_are_left_out_of_a_conversation(
        self, insights: Invoke, dynamodb: DynamoDBClient, tables: TableNames, two_conversations: str
    ) -> None:
        self.expire(dynamodb, tables, "CONV#expiring-1", "TURN#")
        self.expire(dynamodb, tables, "CONV#expiring-1", "INTENT#")

        answer = body(insights(request("get-conversation", conversationId="expiring-1")))

        assert (answer["turns"], answer["intents"]) == ([], [])
        assert len(body(insights(request("get-conversation", conversationId="lasting-1")))["turns"]) == 4

    def test_an_expired_user_is_not_found_and_expired_conversations_are_not_listed(
        self, insights: Invoke, dynamodb: DynamoDBClient, tables: TableNames, two_conversations: str
    ) -> None:
        user = two_conversations
        self.expire(dynamodb, tables, f"USER#{user}", "CONV#")

        assert body(insights(request("get-user", userId=user)))["conversations"] == []
        self.expire(dynamodb, tables, f"USER#{user}", "TOTAL")
        assert insights(request("get-user", userId=user))["statusCode"] == 404


def test_keys_dynamodb_leaves_unprocessed_are_asked_for_again(
    insights: Invoke, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    play_conversation(invoke, "soured-u", [0.05, 0.05, 0.9, 0.9])
    sleeps: list[float] = []
    # Backoff without waiting: the sleeps are counted.
    monkeypatch.setattr(time, "sleep", sleeps.append)
    answered = leave_unprocessed(batches=1)
    query = {"shift": "positive_to_negative", "from": "2026-11-23", "to": "2026-11-23"}

    listed = body(insights(request("get-conversations", query)))["conversations"]

    assert [item["conversationId"] for item in listed] == ["soured-u"]
    assert answered == [0, 1] and len(sleeps) == 1


def test_keys_left_unprocessed_every_time_are_a_503_after_a_few_attempts(
    insights: Invoke, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    play_conversation(invoke, "soured-u", [0.05, 0.05, 0.9, 0.9])
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    answered = leave_unprocessed(batches=None)
    query = {"shift": "positive_to_negative", "from": "2026-11-23", "to": "2026-11-23"}

    answer = body(insights(request("get-conversations", query)), status=503)

    assert answer["message"] == "The sentiment store is unavailable; try again shortly."
    assert len(answered) == insights_store.BATCH_GET_ATTEMPTS
    assert len(sleeps) == insights_store.BATCH_GET_ATTEMPTS - 1


def test_a_partition_that_never_ends_is_read_a_bounded_number_of_pages(insights: Invoke, invoke: Invoke) -> None:
    play_conversation(invoke, "endless-1", [0.1, 0.9])
    pages: list[str] = []

    def always_more(parsed: dict[str, Any], **_: Any) -> None:
        pages.append("page")
        parsed["LastEvaluatedKey"] = {"PK": {"S": "CONV#endless-1"}, "SK": {"S": "INTENT#"}}

    dynamodb_client().meta.events.register("after-call.dynamodb.Query", always_more)

    answer = body(insights(request("get-conversation", conversationId="endless-1")))

    assert answer["turnsTruncated"] is True
    assert len(pages) == insights_store.MAX_CONVERSATION_PAGES


def leave_unprocessed(batches: int | None) -> list[int]:
    """BatchGetItem answers its first `batches` calls (None: every call) with every key unprocessed,
    as DynamoDB does when the table is throttled; returns, per call, how many items came back."""
    answered: list[int] = []

    def unprocessed(parsed: dict[str, Any], **_: Any) -> None:
        if batches is None or len(answered) < batches:
            for table, items in parsed.get("Responses", {}).items():
                parsed.setdefault("UnprocessedKeys", {})[table] = {
                    "Keys": [{"PK": item["PK"], "SK": item["SK"]} for item in items]
                }
                parsed["Responses"][table] = []
        answered.append(sum(len(items) for items in parsed.get("Responses", {}).values()))

    dynamodb_client().meta.events.register("after-call.dynamodb.BatchGetItem", unprocessed)
    return answered
