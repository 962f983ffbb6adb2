"""BookTrip's test helpers: its events, the handler built the way Lambda builds it, and Lex's response contract."""

from __future__ import annotations

import copy
import importlib
import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft201909Validator

EXAMPLE = Path(__file__).resolve().parents[1]
EVENTS = EXAMPLE / "events"
TEMPLATE = EXAMPLE / "template.yaml"
# AWS's JSON Schema for Lex V2 code hook responses, kept by the main project at the repository root.
V2_SCHEMA = Path(__file__).resolve().parents[3] / "tests" / "contracts" / "lex-v2-code-hook-response.schema.json"

APOLOGY = "Apologies for the inconvenience."
AGENT_OFFER = f"{APOLOGY} Would you like to speak to an agent?"

# What the function's environment holds in the template (its parameter defaults), minus the table.
FUNCTION_ENVIRONMENT = {
    "RESPONSE_THRESHOLD": "0.5",
    "AGENT_HANDOVER_THRESHOLD": "0.8",
    "NEGATIVE_TURNS_BEFORE_HANDOVER": "3",
    "POWERTOOLS_SERVICE_NAME": "booktrip",
    "POWERTOOLS_METRICS_NAMESPACE": "BookTrip",
}
# Set by other suites in the same run, never by ours: unset, the layer records nothing.
NOT_OURS = (
    "SENTIMENT_TABLE_NAME",
    "SENTIMENT_BACKLOG_QUEUE_URL",
    "TURN_RETENTION_DAYS",
    "LOG_CONVERSATION_SHAPE",
    "MEMORY_SEAL_SECRET",
    "USER_ID_SIGNING_SECRET",
)


@dataclass(frozen=True)
class FakeLambdaContext:
    """The attributes Powertools reads from Lambda's context object."""

    function_name: str = "BookTripFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:BookTripFunction"
    aws_request_id: str = "booktrip-test"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


CONTEXT = FakeLambdaContext()


def import_app(**environment: str) -> ModuleType:
    """booktrip.app (re)imported in the function's environment plus `environment`, as a cold start would.

    The decorator reads the layer's settings from the environment when it runs, so the module is
    imported (or reloaded) inside that environment, which is restored afterwards.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in NOT_OURS:
            patch.delenv(name, raising=False)
        for name, value in {**FUNCTION_ENVIRONMENT, **environment}.items():
            patch.setenv(name, value)
        module = sys.modules.get("booktrip.app")
        return importlib.reload(module) if module else importlib.import_module("booktrip.app")


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of events/<name>.json."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def event_names() -> list[str]:
    return sorted(path.stem for path in EVENTS.glob("*.json"))


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    """The deployed handler (layer and Powertools included) on one event."""
    app = sys.modules["booktrip.app"]
    response: dict[str, Any] = app.lambda_handler(copy.deepcopy(event), CONTEXT)
    return response


def team_reply(event: dict[str, Any]) -> dict[str, Any]:
    """What the team's own code hook answers, without the layer around it."""
    app = sys.modules["booktrip.app"]
    response: dict[str, Any] = app.lambda_handler.__wrapped__(copy.deepcopy(event), CONTEXT)
    return response


def with_negative(event: dict[str, Any], negative: float) -> dict[str, Any]:
    """The event with Lex's sentiment for the utterance changed to this negative score."""
    changed = copy.deepcopy(event)
    positive = 0.01
    changed["interpretations"][0]["sentimentResponse"] = {
        "sentiment": "NEGATIVE" if negative >= 0.5 else "NEUTRAL",
        "sentimentScore": {
            "positive": positive,
            "negative": negative,
            "neutral": round(1 - negative - positive - 0.01, 4),
            "mixed": 0.01,
        },
    }
    return changed


def with_slot(event: dict[str, Any], name: str, value: str | None) -> dict[str, Any]:
    """The event with one slot of the active intent filled (or emptied), wherever Lex shows it."""
    changed = copy.deepcopy(event)
    slot = (
        {"shape": "Scalar", "value": {"originalValue": value, "interpretedValue": value, "resolvedValues": [value]}}
        if value is not None
        else None
    )
    intents = [changed["sessionState"]["intent"], changed["interpretations"][0]["intent"]]
    if "proposedNextState" in changed:
        intents.append(changed["proposedNextState"]["intent"])
    for intent in intents:
        intent["slots"][name] = slot
    return changed


def messages(response: dict[str, Any]) -> list[str]:
    return [message["content"] for message in response.get("messages") or []]


def attributes(response: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = response["sessionState"]["sessionAttributes"]
    return found


def action(response: dict[str, Any]) -> str:
    return str(response["sessionState"]["dialogAction"]["type"])


def intent_name(response: dict[str, Any]) -> str | None:
    intent = response["sessionState"].get("intent")
    return str(intent["name"]) if intent else None


@cache
def _v2_validator() -> Draft201909Validator:
    return Draft201909Validator(json.loads(V2_SCHEMA.read_text(encoding="utf-8")))


def assert_valid_v2_response(response: dict[str, Any]) -> None:
    """AWS's schema, plus the documented rules it leaves out."""
    errors = sorted(_v2_validator().iter_errors(response), key=str)
    assert not errors, [error.message for error in errors]
    kind = action(response)
    if kind in {"Close", "ConfirmIntent", "ElicitSlot"}:
        assert intent_name(response)
    if kind == "ElicitSlot":
        assert response["sessionState"]["dialogAction"]["slotToElicit"]
    if kind in {"ConfirmIntent", "ElicitIntent"}:
        assert messages(response), f"{kind} needs a message"
    assert all(1 <= len(text) <= 1024 for text in messages(response))
    assert all(isinstance(value, str) for value in attributes(response).values())
