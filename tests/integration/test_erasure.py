"""Erasure on request: DELETE /users/{userId} and the adapter behind it, against moto."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from mypy_boto3_dynamodb import DynamoDBClient
from mypy_boto3_dynamodb.type_defs import BatchWriteItemOutputTypeDef

from lexsentiment.erasure import DynamoDbErasure, Erased
from lexsentiment.insights.store import DynamoDbInsightsStore
from lexsentiment.recording.table import DynamoDbSentimentRecorder
from local.backend import TableNames
from local.lambda_context import FakeLambdaContext
from tests.integration.recorded import CUSTOMER, OTHER_CUSTOMER, record_conversations
from tests.support import load_event

# The erasure function's timeout (template.yaml).
TIMEOUT_MS = 28_000
# Two conversations of two turns each: 2 turns + SUMMARY + INTENT# per conversation, then TOTAL + 2 CONV#.
CUSTOMER_ITEMS = 2 * 4 + 3


@dataclass(frozen=True)
class ErasureContext(FakeLambdaContext):
    function_name: str = "ErasureFunction"
    timeout_millis: int = TIMEOUT_MS


@dataclass(frozen=True)
class RunningOutContext(ErasureContext):
    """A Lambda context with time for only the first `calls_with_time` questions about it."""

    calls_with_time: list[int] = field(default_factory=lambda: [3])

    def get_remaining_time_in_millis(self) -> int:
        self.calls_with_time[0] -= 1
        return self.timeout_millis if self.calls_with_time[0] >= 0 else 1_000


@pytest.fixture
def erasure_app(tables: TableNames) -> ModuleType:
    return importlib.import_module("functions.erasure.app")


@pytest.fixture
def recorded(tables: TableNames, dynamodb: DynamoDBClient) -> dict[str, list[str]]:
    recorder = DynamoDbSentimentRecorder(tables.sentiment, timedelta(days=90), dynamodb)
    return record_conversations(recorder)


def forget(app: ModuleType, user_id: str, context: FakeLambdaContext | None = None) -> dict[str, Any]:
    event = load_event("insights/delete-user.json")
    event["pathParameters"]["userId"] = user_id
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/users/{user_id}"
    response: dict[str, Any] = app.lambda_handler(event, context or ErasureContext())
    return response


def answer(response: dict[str, Any], status: int) -> dict[str, Any]:
    assert response["statusCode"] == status, response.get("body")
    parsed: dict[str, Any] = json.loads(response["body"])
    return parsed


def all_items(dynamodb: DynamoDBClient, tables: TableNames) -> list[dict[str, Any]]:
    return dynamodb.scan(TableName=tables.sentiment)["Items"]  # a scan is fine in a test


def test_a_customer_is_forgotten_with_their_conversations_and_the_anonymous_totals_stay(
    erasure_app: ModuleType, recorded: dict[str, list[str]], dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    store = DynamoDbInsightsStore(tables.sentiment, dynamodb)
    intents_before = store.intent_names()
    other_before = store.user_history(OTHER_CUSTOMER, 10)

    assert answer(forget(erasure_app, CUSTOMER), 200) == {"conversations": 2, "items": CUSTOMER_ITEMS}

    assert store.user_history(CUSTOMER, 10) is None
    assert all(store.conversation(conversation) is None for conversation in recorded[CUSTOMER])
    mentioned = [item for item in all_items(dynamodb, tables) if CUSTOMER in json.dumps(item)]
    assert mentioned == []
    assert not [item for item in all_items(dynamodb, tables) if any(c in json.dumps(item) for c in recorded[CUSTOMER])]
    # The index entries went with their items: no shift list still names the conversations.
    index = dynamodb.scan(TableName=tables.sentiment, IndexName="GSI1")["Items"]
    assert not [row for row in index if any(c in row["PK"]["S"] for c in recorded[CUSTOMER])]
    # Intent and bot totals are anonymous and stay, as does every other customer.
    assert store.intent_names() == intents_before
    assert any(item["PK"]["S"].startswith("BOT#") for item in all_items(dynamodb, tables))
    assert store.user_history(OTHER_CUSTOMER, 10) == other_before


def test_asking_again_is_harmless(erasure_app: ModuleType, recorded: dict[str, list[str]]) -> None:
    forget(erasure_app, CUSTOMER)

    again = forget(erasure_app, CUSTOMER)

    assert again["statusCode"] == 204
    assert not again.get("body")


def test_an_unknown_customer_is_204(erasure_app: ModuleType, recorded: dict[str, list[str]]) -> None:
    assert forget(erasure_app, "nobody-we-know")["statusCode"] == 204


def test_a_customer_with_more_than_one_invocation_can_delete_is_202_and_a_repeat_finishes(
    erasure_app: ModuleType, recorded: dict[str, list[str]], dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    # Time for three calls: the customer's list, the first conversation's items, and their deletion.
    first = answer(forget(erasure_app, CUSTOMER, RunningOutContext()), 202)

    assert (first["conversations"], first["items"]) == (1, 4)
    assert "repeat the request" in first["message"]
    store = DynamoDbInsightsStore(tables.sentiment, dynamodb)
    assert store.user_history(CUSTOMER, 10) is not None  # still listed, so the next request finds the rest

    second = answer(forget(erasure_app, CUSTOMER), 200)

    assert second["items"] == CUSTOMER_ITEMS - first["items"]
    assert store.user_history(CUSTOMER, 10) is None
    assert all(store.conversation(conversation) is None for conversation in recorded[CUSTOMER])


@pytest.mark.parametrize("user_id", ["%00", "x" * 257, "tab%09inside"])
def test_an_invalid_user_id_is_400_and_deletes_nothing(
    erasure_app: ModuleType, recorded: dict[str, list[str]], dynamodb: DynamoDBClient, tables: TableNames, user_id: str
) -> None:
    before = len(all_items(dynamodb, tables))

    assert answer(forget(erasure_app, user_id), 400) == {"message": "userId: not a valid value"}
    assert len(all_items(dynamodb, tables)) == before


def test_a_table_outage_is_503_not_a_stack_trace(
    erasure_app: ModuleType, tables: TableNames, dynamodb: DynamoDBClient
) -> None:
    dynamodb.delete_table(TableName=tables.sentiment)

    assert "unavailable" in answer(forget(erasure_app, CUSTOMER), 503)["message"]


def test_no_id_reaches_the_logs_even_at_debug_level(
    erasure_app: ModuleType, recorded: dict[str, list[str]], log_lines: list[str]
) -> None:
    forget(erasure_app, CUSTOMER)

    logged = "\n".join(log_lines)
    (erased,) = [json.loads(line) for line in log_lines if '"user_erased"' in line]
    assert (erased["conversations"], erased["items"], erased["complete"]) == (2, CUSTOMER_ITEMS, True)
    assert CUSTOMER not in logged
    assert not [conversation for conversation in recorded[CUSTOMER] if conversation in logged]


class UnprocessedFirst:
    """The table's client, except that each batch's first answer leaves half of its deletes unprocessed."""

    def __init__(self, client: DynamoDBClient) -> None:
        self._client = client
        self.batches = 0

    def query(self, **request: Any) -> Any:
        return self._client.query(**request)

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> BatchWriteItemOutputTypeDef:  # noqa: N803
        self.batches += 1
        ((table, requests),) = RequestItems.items()
        if self.batches % 2:
            kept, left = requests[: len(requests) // 2 or 1], requests[len(requests) // 2 or 1 :]
            response = self._client.batch_write_item(RequestItems={table: kept})
            return {**response, "UnprocessedItems": {table: left} if left else {}}
        return self._client.batch_write_item(RequestItems=RequestItems)


def test_unprocessed_deletes_are_sent_again_after_a_pause(
    recorded: dict[str, list[str]], dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    client = UnprocessedFirst(dynamodb)
    pauses: list[float] = []
    erasure = DynamoDbErasure(tables.sentiment, client, pause=pauses.append)  # type: ignore[arg-type]

    erased = erasure.erase_user(CUSTOMER)

    assert erased == Erased(conversations=2, items=CUSTOMER_ITEMS, complete=True)
    assert pauses and all(0 <= pause <= 1.0 for pause in pauses)
    assert DynamoDbInsightsStore(tables.sentiment, dynamodb).user_history(CUSTOMER, 10) is None


def test_deletes_go_25_to_a_call(dynamodb: DynamoDBClient, tables: TableNames) -> None:
    recorder = DynamoDbSentimentRecorder(tables.sentiment, timedelta(days=90), dynamodb)
    record_conversations(recorder, turns=30)
    sizes: list[int] = []
    real = dynamodb.batch_write_item

    def counted(**request: Any) -> Any:
        sizes.extend(len(requests) for requests in request["RequestItems"].values())
        return real(**request)

    dynamodb.batch_write_item = counted  # type: ignore[method-assign]

    erased = DynamoDbErasure(tables.sentiment, dynamodb).erase_user(CUSTOMER)

    assert erased.items == sum(sizes) == 2 * (30 + 2) + 3
    assert max(sizes) == 25


def test_a_dry_run_counts_and_deletes_nothing(
    recorded: dict[str, list[str]], dynamodb: DynamoDBClient, tables: TableNames
) -> None:
    before = all_items(dynamodb, tables)

    erased = DynamoDbErasure(tables.sentiment, dynamodb).erase_user(CUSTOMER, dry_run=True)

    assert erased == Erased(conversations=2, items=CUSTOMER_ITEMS, complete=True)
    assert len(all_items(dynamodb, tables)) == len(before)


def test_a_customer_whose_long_id_was_stored_as_a_digest_is_found_and_erased_by_that_id(
    invoke: Any, insights: Any, erasure_app: ModuleType
) -> None:
    long_id = "customer.with.a.very.long.id@example.com." + "x" * 150  # over 128 characters: kept as a digest
    event = load_event("lexv1/check-delivery-status-blog.json")
    event["userId"] = long_id
    invoke(event)
    lookup = load_event("insights/get-user.json")
    lookup["pathParameters"]["userId"] = long_id
    lookup["rawPath"] = lookup["requestContext"]["http"]["path"] = f"/users/{long_id}"
    assert insights(lookup)["statusCode"] == 200  # asked by the id itself, found under its digest

    assert forget(erasure_app, long_id)["statusCode"] == 200

    assert insights(lookup)["statusCode"] == 404
