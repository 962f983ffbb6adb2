"""Shared test helpers: events from events/, Lex response contracts, fakes for the service's ports."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator

from deliverybot.bot import delivery_bot
from deliverybot.deliveries import AddressLabel, Delivery
from lexsentiment.errors import StoreUnavailable
from lexsentiment.layer import SentimentLayer
from lexsentiment.recording.record import RecordOutcome, RecordResult, TurnRecord
from lexsentiment.settings import LayerSettings, load_settings
from lexsentiment.trust import StaticKey, user_id_signature
from local.lex_events import sealed_as_our_reply

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
V2_SCHEMA = Path(__file__).resolve().parent / "contracts" / "lex-v2-code-hook-response.schema.json"
SHARED_V2_SCHEMA = ROOT.parent / "shared" / "reference" / "lex-v2-code-hook-response.schema.json"
# The sample events were written for this day: 21132 arrives on Friday 2026-11-27.
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
# The key the tests' code hooks seal their memory with and check signed user ids against (the
# integration tests put it in moto's Secrets Manager; unit tests hand it to the layer).
SEAL_KEY = "tests-memory-seal-key-0123456789abcdef01234"
USER_ID_KEY = "tests-user-id-signing-key-0123456789abcdef"
# As the integration tests' Secrets Manager holds them (two keys: sealing with the signers' key fails).
TEST_SECRETS = {"MEMORY_SEAL_SECRET": SEAL_KEY, "USER_ID_SIGNING_SECRET": USER_ID_KEY}
THRESHOLDS = {"RESPONSE_THRESHOLD": "0.5", "AGENT_HANDOVER_THRESHOLD": "0.8", "NEGATIVE_TURNS_BEFORE_HANDOVER": "3"}
DEFAULT_SETTINGS = load_settings(THRESHOLDS, LayerSettings)


def all_event_paths() -> list[Path]:
    return sorted(EVENTS.glob("lexv*/*.json"))


def load_event(relative_path: str) -> dict[str, Any]:
    """A fresh copy of an event file, e.g. load_event("lexv2/check-delivery-status-upset.json")."""
    return copy.deepcopy(_read_event(relative_path))


def sealed(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its layer memory sealed with the tests' key, as our previous reply would have."""
    return sealed_as_our_reply(event, SEAL_KEY.encode())


def signed_user(attributes: dict[str, str], session_id: str, user_id: str) -> dict[str, str]:
    """Attributes naming the customer as a trusted party (the Connect flow, a web backend) would."""
    signature = user_id_signature(USER_ID_KEY.encode(), session_id, user_id)
    return {**attributes, "userId": user_id, "userIdSignature": signature}


@cache
def _read_event(relative_path: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EVENTS / relative_path).read_text(encoding="utf-8"))
    return document


@lru_cache(maxsize=1)
def _v2_validator() -> Draft201909Validator:
    return Draft201909Validator(json.loads(V2_SCHEMA.read_text(encoding="utf-8")))


def assert_valid_v2_response(response: dict[str, Any]) -> None:
    """AWS's JSON Schema plus the documented rules the schema misses."""
    errors = sorted(_v2_validator().iter_errors(response), key=str)
    assert not errors, [error.message for error in errors]
    state = response["sessionState"]
    action = state["dialogAction"]["type"]
    assert action != "None"
    if action in {"Close", "ConfirmIntent", "ElicitSlot"}:
        assert state["intent"]["name"]
    if action == "Close":
        assert state["intent"]["state"] in {"Fulfilled", "Failed", "InProgress"}
    if action in {"ConfirmIntent", "ElicitIntent"}:
        assert response.get("messages"), f"{action} needs a message"
    for message in response.get("messages", []):
        assert 1 <= len(message["content"]) <= 1024
    assert len(json.dumps(response, ensure_ascii=False).encode()) <= 50 * 1024


def assert_valid_v1_response(response: dict[str, Any]) -> None:
    """The V1 response contract (Lex V1 developer guide: Lambda function response format)."""
    assert set(response) <= {"sessionAttributes", "dialogAction", "recentIntentSummaryView", "activeContexts"}
    attributes = response["sessionAttributes"]
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in attributes.items())
    action = response["dialogAction"]
    kind = action["type"]
    assert kind in {"Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot"}
    if kind == "Close":
        assert action["fulfillmentState"] in {"Fulfilled", "Failed"}
    if kind in {"ConfirmIntent", "ElicitSlot"}:
        assert action["intentName"] and isinstance(action["slots"], dict)
    if kind == "ElicitSlot":
        assert action["slotToElicit"] in action["slots"]
    if kind in {"ElicitIntent", "ConfirmIntent"}:
        assert action["message"]["content"]
    if "message" in action:
        assert action["message"]["contentType"] == "PlainText"
        assert 1 <= len(action["message"]["content"]) <= 1024
    assert len(json.dumps(response, ensure_ascii=False).encode()) <= 25 * 1024


def assert_valid_response(response: dict[str, Any], lex_version: str) -> None:
    if lex_version == "V1":
        assert_valid_v1_response(response)
    else:
        assert_valid_v2_response(response)


def reply_text(response: dict[str, Any]) -> str:
    if "sessionState" in response:
        return str((response.get("messages") or [{}])[0].get("content", ""))
    return str((response["dialogAction"].get("message") or {}).get("content", ""))


def dialog_action(response: dict[str, Any]) -> str:
    if "sessionState" in response:
        return str(response["sessionState"]["dialogAction"]["type"])
    return str(response["dialogAction"]["type"])


def session_attributes(response: dict[str, Any]) -> dict[str, str]:
    holder = response["sessionState"] if "sessionState" in response else response
    attributes: dict[str, str] = holder["sessionAttributes"]
    return attributes


def with_sentiment_v2(event: dict[str, Any], negative: float, *, positive: float = 0.02) -> dict[str, Any]:
    """The event with its top interpretation's scores changed to this negative score."""
    neutral = max(0.0, 1 - negative - positive)
    event["interpretations"][0]["sentimentResponse"] = {
        "sentiment": "NEGATIVE" if negative >= 0.5 else "NEUTRAL",
        "sentimentScore": {"positive": positive, "negative": negative, "neutral": neutral, "mixed": 0.0},
    }
    return event


@dataclass
class FakeDeliveries:
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    unavailable: bool = False
    lookups: list[str] = field(default_factory=list)

    @classmethod
    def with_demo(cls) -> FakeDeliveries:
        return cls({"21132": Delivery("21132", date(2026, 11, 27), AddressLabel.HOME)})

    def find(self, tracking_number: str) -> Delivery | None:
        self.lookups.append(tracking_number)
        if self.unavailable:
            raise StoreUnavailable("ProvisionedThroughputExceededException")
        return self.deliveries.get(tracking_number)

    def reschedule(self, tracking_number: str, new_date: date) -> Delivery | None:
        if self.unavailable:
            raise StoreUnavailable("ServiceUnavailable")
        current = self.deliveries.get(tracking_number)
        if current is None:
            return None
        updated = Delivery(tracking_number, new_date, current.address_label)
        self.deliveries[tracking_number] = updated
        return updated


@dataclass
class FakeRecorder:
    records: list[TurnRecord] = field(default_factory=list)
    failing: bool = False

    def record(self, record: TurnRecord) -> RecordResult:
        if self.failing:
            return RecordResult(RecordOutcome.FAILED, "ProvisionedThroughputExceededException")
        if any(existing.record_key == record.record_key for existing in self.records):
            return RecordResult(RecordOutcome.DUPLICATE)
        self.records.append(record)
        return RecordResult(RecordOutcome.RECORDED)


def fake_delivery_bot(
    deliveries: FakeDeliveries | None = None,
    recorder: FakeRecorder | None = None,
    settings: LayerSettings = DEFAULT_SETTINGS,
    now: datetime = NOW,
    *,
    keyed: bool = False,
) -> SentimentLayer:
    """DeliveryBot inside the sentiment layer, on fake repositories, at a fixed time (no Powertools wrapper).

    `keyed`: memory sealed and user ids checked with the tests' key, as a deployed bot does; without
    it the layer runs unsealed, as a trial without a sentiment table does.
    """
    handler = delivery_bot(
        deliveries or FakeDeliveries.with_demo(),
        clock=lambda: now,
        recorder=recorder if recorder is not None else FakeRecorder(),
        settings=settings,
        memory_key=StaticKey(SEAL_KEY.encode()) if keyed else None,
        user_id_key=StaticKey(USER_ID_KEY.encode()) if keyed else None,
    )
    return handler.sentiment_layer


def respond(
    event: Any,
    deliveries: FakeDeliveries | None = None,
    recorder: FakeRecorder | None = None,
    settings: LayerSettings = DEFAULT_SETTINGS,
    now: datetime = NOW,
    *,
    log_shape: bool = False,
) -> dict[str, Any]:
    """One turn through DeliveryBot and the layer, with fakes."""
    if log_shape:
        settings = settings.model_copy(update={"log_conversation_shape": True})
    return fake_delivery_bot(deliveries, recorder, settings, now)(event, None)


def play_conversation(
    invoke: Callable[[dict[str, Any]], dict[str, Any]],
    session_id: str,
    negatives: list[float],
    *,
    event_file: str = "lexv2/check-delivery-status-calm.json",
    user_id: str | None = None,
) -> dict[str, Any]:
    """Send one utterance per negative score through the code hook, carrying the session; the last reply."""
    reply: dict[str, Any] = {}
    for index, negative in enumerate(negatives):
        event = with_sentiment_v2(load_event(event_file), negative, positive=max(0.0, 0.9 - negative))
        event["sessionId"] = session_id
        event["sessionState"]["originatingRequestId"] = f"{session_id}-{index}"
        attributes = session_attributes(reply) if reply else {}
        if user_id:
            attributes = signed_user(attributes, session_id, user_id)
        event["sessionState"]["sessionAttributes"] = attributes
        reply = invoke(event)
    return reply
