"""The insights API end to end: routes, validation (400, never 500) and pagination that cannot be forged."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from lexsentiment.insights.queries import encode_cursor
from tests.integration.conftest import Invoke
from tests.support import load_event, play_conversation


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
