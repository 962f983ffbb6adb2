"""The insights API under fuzzed parameters, ids and pagination tokens: 400 or 404 (503 in an outage), never
another 5xx, never another's data."""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.insights.queries import encode_cursor
from local.backend import TableNames
from tests.integration.conftest import Invoke
from tests.support import NOW, load_event, play_conversation

ROUTES = ["get-intents", "get-intent-series", "get-conversations", "get-conversation", "get-user", "get-bots"]
PARAMETER_NAMES = ["from", "to", "shift", "limit", "next", "intent", "colour"]
# Days at and beyond the API's window (years 2000 to 9999) and Python's own (years 1 to 9999).
extreme_days = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["0001-01-01", "0001-01-02", "1999-12-31", "2000-01-01", "9998-12-31", "9999-01-01"]),
    st.sampled_from(["9999-01-07", "9999-12-30", "9999-12-31", "10000-01-01", "0000-00-00", "2026-13-40"]),
)
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-11-23", "2026-02-30", "positive_to_negative", "stable", "0", "101", "-1", "1e9", ""]),
    extreme_days,
)
# Cursors shaped like ours (the pattern the API checks) with impossible times and odd ids.
impossible_cursors = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.000Z#{}".format,
    st.integers(0, 9999),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.text(min_size=1, max_size=40),
).map(encode_cursor)
tokens = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
    st.dictionaries(st.sampled_from(["after", "PK", "SK", "GSI1PK"]), st.text(max_size=40), max_size=3).map(
        lambda payload: base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    ),
    impossible_cursors,
)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _read_at_the_events_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Items written at the events' time expire against this clock, not the real one."""
    monkeypatch.setattr(importlib.import_module("functions.insights.app"), "now", lambda: NOW)


def seed_once(invoke: Invoke, session: str, negatives: list[float], user_id: str | None = None) -> None:
    """Hypothesis reuses the test's fixtures for every example: record the conversation only the first time."""
    if not getattr(invoke, "seeded", False):
        play_conversation(invoke, session, negatives, user_id=user_id)
        invoke.seeded = True  # type: ignore[attr-defined]


def request(route: str, query: dict[str, str], path_value: str | None) -> dict[str, Any]:
    event = load_event(f"insights/{route}.json")
    event["queryStringParameters"] = query or None
    if path_value is not None and "pathParameters" in event:
        (name,) = event["pathParameters"]
        event["pathParameters"][name] = path_value
        event["rawPath"] = event["rawPath"].rsplit("/", 1)[0] + "/" + path_value
        event["requestContext"]["http"]["path"] = event["rawPath"]
    return event


@FUZZ
@given(
    route=st.sampled_from(ROUTES),
    query=st.dictionaries(st.sampled_from(PARAMETER_NAMES), values, max_size=5),
    path_value=st.one_of(st.none(), st.text(min_size=1, max_size=300)),
)
def test_fuzzed_requests_are_answered_never_with_a_server_error(
    insights: Invoke, route: str, query: dict[str, str], path_value: str | None
) -> None:
    response = insights(request(route, query, path_value))

    assert response["statusCode"] in {200, 400, 404}, response["body"]
    body = json.loads(response["body"])
    if response["statusCode"] != 200:
        assert isinstance(body["message"], str) and body["message"]


@FUZZ
@given(
    route=st.sampled_from(["get-intents", "get-intent-series", "get-conversations", "get-bots"]),
    first=extreme_days,
    last=extreme_days,
)
def test_extreme_date_ranges_are_answered_or_refused_by_name(
    insights: Invoke, route: str, first: str, last: str
) -> None:
    query = {"from": first, "to": last, **({"shift": "stable"} if route == "get-conversations" else {})}

    response = insights(request(route, query, None))

    assert response["statusCode"] in {200, 400}, response["body"]
    if response["statusCode"] == 400:
        message = json.loads(response["body"])["message"]
        assert any(name in message for name in ("from", "to", "range")), message


@FUZZ
@given(
    route=st.sampled_from(ROUTES),
    query=st.dictionaries(st.sampled_from(PARAMETER_NAMES), values, max_size=5),
    token=st.one_of(st.none(), tokens),
)
def test_in_an_outage_requests_are_a_503_or_a_400_never_another_server_error(
    insights: Invoke, dynamodb: DynamoDBClient, tables: TableNames, route: str, query: dict[str, str], token: str | None
) -> None:
    # Hypothesis reuses the test's fixtures for every example: the table is gone after the first.
    with contextlib.suppress(dynamodb.exceptions.ResourceNotFoundException):
        dynamodb.delete_table(TableName=tables.sentiment)

    response = insights(request(route, {**query, **({"next": token} if token else {})}, None))

    assert response["statusCode"] in {400, 503}, response["body"]


@FUZZ
@given(token=tokens)
def test_fuzzed_pagination_tokens_never_reach_other_keys(insights: Invoke, invoke: Invoke, token: str) -> None:
    seed_once(invoke, "fuzz-soured", [0.05, 0.05, 0.9, 0.9])
    query = {"shift": "positive_to_negative", "from": "2026-11-23", "to": "2026-11-23", "next": token}

    response = insights(request("get-conversations", query, None))

    assert response["statusCode"] in {200, 400}, response["body"]
    if response["statusCode"] == 200:
        conversations = json.loads(response["body"])["conversations"]
        assert all(item["shift"] == "positive_to_negative" for item in conversations)


@FUZZ
@given(user=st.text(min_size=1, max_size=80))
def test_a_user_route_only_ever_returns_that_user(insights: Invoke, invoke: Invoke, user: str) -> None:
    seed_once(invoke, "fuzz-owner", [0.1], user_id="customer-owner")

    response = insights(request("get-user", {}, user))

    if response["statusCode"] == 200:
        assert json.loads(response["body"])["userId"] == user
    else:
        assert response["statusCode"] in {400, 404}


@FUZZ
@given(user_id=st.one_of(st.text(max_size=300), st.sampled_from(["customer-047", "%00", "..", "USER#x", "a" * 257])))
def test_the_erasure_route_answers_every_id_without_a_server_error(tables: TableNames, user_id: str) -> None:
    from local.lambda_context import FakeLambdaContext

    module = importlib.import_module("functions.erasure.app")
    event = load_event("insights/delete-user.json")
    event["pathParameters"]["userId"] = user_id
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/users/{user_id}"

    response = module.lambda_handler(event, FakeLambdaContext(timeout_millis=28_000))

    assert response["statusCode"] in {200, 202, 204, 400, 404}, response.get("body")
