"""The insights API under fuzzed parameters, ids and pagination tokens: 400 or 404, never 500, never another's data."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import Invoke
from tests.support import load_event, play_conversation

ROUTES = ["get-intents", "get-intent-series", "get-conversations", "get-conversation", "get-user"]
PARAMETER_NAMES = ["from", "to", "shift", "limit", "next", "intent", "colour"]
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-11-23", "2026-02-30", "positive_to_negative", "stable", "0", "101", "-1", "1e9", ""]),
    st.dates().map(lambda day: day.isoformat()),
)
tokens = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
    st.dictionaries(st.sampled_from(["after", "PK", "SK", "GSI1PK"]), st.text(max_size=40), max_size=3).map(
        lambda payload: base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    ),
)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


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
