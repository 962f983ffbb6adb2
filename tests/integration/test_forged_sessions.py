"""Against moto, as deployed: forged session attributes change nothing supervisors or agents read.

The code hook reads its keys from Secrets Manager (moto's here), seals its memory with one and checks
signed user ids with the other. The findings reproduced on main before this change are the tests.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import boto3
import pytest

from lexsentiment.adapters.secrets import SecretsManagerKey
from local.backend import LOCAL_SECRETS, TableNames
from tests.integration.conftest import Invoke
from tests.support import (
    NOW,
    load_event,
    play_conversation,
    reply_text,
    sealed,
    session_attributes,
    with_sentiment_v2,
)

FORGED = {
    "scoredTurns": "10000",
    "sentimentScoreSum": "-42000",
    "firstTurnScores": "5,5,5",
    "recentTurnScores": "-5,-5",
    "conversationStartedAt": "2026-11-22T10:00:00.000+05:00",
}


@pytest.fixture(autouse=True)
def _read_at_the_events_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.import_module("functions.insights.app"), "now", lambda: NOW)


def get(insights: Invoke, name: str, query: dict[str, str] | None = None, **path: str) -> tuple[int, Any]:
    event = load_event(f"insights/{name}.json")
    if query is not None:
        event["queryStringParameters"] = query
    for key, value in path.items():
        event["pathParameters"][key] = value
        event["rawPath"] = event["rawPath"].rsplit("/", 1)[0] + "/" + value
    response = insights(event)
    return response["statusCode"], json.loads(response["body"])


def user_turns(insights: Invoke, user_id: str) -> int | None:
    status, answer = get(insights, "get-user", userId=user_id)
    return answer["totals"]["turns"] if status == 200 else None


def test_sessions_claiming_a_customers_id_do_not_join_their_history(invoke: Invoke, insights: Invoke) -> None:
    play_conversation(invoke, "customers-own", [0.1], user_id="customer-047")
    assert user_turns(insights, "customer-047") == 1

    for number in range(5):  # another client writes the id into its own sessions, unsigned
        event = with_sentiment_v2(load_event("lexv2/check-delivery-status-upset.json"), 0.7)
        event["sessionId"] = f"impostor-{number}"
        event["sessionState"]["originatingRequestId"] = f"impostor-{number}"
        event["sessionState"]["sessionAttributes"] = {"userId": "customer-047"}
        invoke(event)

    assert user_turns(insights, "customer-047") == 1
    assert user_turns(insights, "impostor-0") == 1  # each impostor session is its own user


def test_forged_memory_never_reaches_the_supervisors_lists(invoke: Invoke, insights: Invoke) -> None:
    event = with_sentiment_v2(load_event("lexv2/check-delivery-status-upset.json"), 0.7)
    event["sessionState"]["sessionAttributes"] = dict(FORGED)

    reply = invoke(event)

    assert "tracking number" in reply_text(reply)
    status, answer = get(insights, "get-conversation", conversationId=event["sessionId"])
    assert status == 200
    assert answer["conversation"]["turns"] == 1
    assert answer["conversation"]["shift"] != "positive_to_negative"
    status, listed = get(insights, "get-conversations", {"shift": "positive_to_negative"})
    assert status == 200 and listed["conversations"] == []


def test_a_conversation_keeps_its_memory_through_real_round_trips(invoke: Invoke) -> None:
    """Sealed with moto's key: three upset turns in a row still offer an agent."""
    reply = play_conversation(invoke, "three-upset", [0.6, 0.6, 0.6])

    assert "speak to an agent" in reply_text(reply)
    assert "sentimentMemorySeal" in session_attributes(reply)


def test_the_signing_key_is_read_once_and_kept_when_secrets_manager_fails(tables: TableNames) -> None:
    client = boto3.client("secretsmanager")
    calls: list[str] = []
    client.meta.events.register("before-call.secrets-manager.GetSecretValue", lambda **_: calls.append("read"))
    key = SecretsManagerKey(LOCAL_SECRETS["MEMORY_SEAL_SECRET"], client)

    first = key.key()
    assert first is not None and key.key() == first
    assert calls == ["read"]

    client.delete_secret(SecretId=LOCAL_SECRETS["MEMORY_SEAL_SECRET"], ForceDeleteWithoutRecovery=True)
    key._read_at = float("-inf")  # as if a quarter of an hour had passed
    assert key.key() == first  # a failed refresh keeps the key that was right a moment ago


def test_a_secret_that_does_not_exist_gives_no_key_and_an_error_naming_the_setting(
    tables: TableNames, log_lines: list[str]
) -> None:
    client = boto3.client("secretsmanager")
    key = SecretsManagerKey("no-such-secret", client, setting="MEMORY_SEAL_SECRET")

    assert key.key() is None
    (line,) = [json.loads(text) for text in log_lines if "signing_key" in text]
    assert (line["level"], line["message"]) == ("ERROR", "signing_key_misconfigured")
    assert (line["setting"], line["error_code"]) == ("MEMORY_SEAL_SECRET", "ResourceNotFoundException")
    assert "no-such-secret" not in "\n".join(log_lines)


def test_a_key_too_short_to_be_a_real_hmac_key_is_refused(tables: TableNames, log_lines: list[str]) -> None:
    client = boto3.client("secretsmanager")
    client.create_secret(Name="short-key", SecretString="short")

    assert SecretsManagerKey("short-key", client, setting="USER_ID_SIGNING_SECRET").key() is None
    (line,) = [json.loads(text) for text in log_lines if "signing_key" in text]
    assert (line["setting"], line["error_code"]) == ("USER_ID_SIGNING_SECRET", "KeyTooShort")


def test_a_start_sent_with_an_offset_is_stored_in_utc_and_supervisors_can_page_past_it(
    invoke: Invoke, insights: Invoke
) -> None:
    """On main a +05:00 start was stored as written, and the API's own next token then failed its check."""
    for number, started_at in enumerate(["2026-11-23T18:00:00.000+05:00", "2026-11-23T09:00:00.000+00:00"]):
        event = with_sentiment_v2(load_event("lexv2/check-delivery-status-upset.json"), 0.3)
        event["sessionId"] = f"offset-{number}"
        event["sessionState"]["sessionAttributes"] = {
            "negativeTurns": "0",
            "scoredTurns": "1",
            "conversationStartedAt": started_at,
        }
        invoke(sealed(event))

    seen, query = [], {"shift": "stable", "limit": "1"}
    while True:
        status, page = get(insights, "get-conversations", query)
        assert status == 200, page
        seen += [(item["conversationId"], item["startedAt"]) for item in page["conversations"]]
        if "next" not in page or not page["next"]:
            break
        query = {**query, "next": page["next"]}

    assert seen == [("offset-0", "2026-11-23T13:00:00.000Z"), ("offset-1", "2026-11-23T09:00:00.000Z")]
