"""No value of any size breaks recording or reaches a log: with the table down, every turn is still kept."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from deliverybot.bot import delivery_bot
from lexsentiment.recording import message
from lexsentiment.recording.durable import DurableSentimentRecorder
from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import RecordOutcome, RecordResult, TurnRecord
from lexsentiment.trust import StaticKey
from tests.support import NOW, SEAL_KEY, USER_ID_KEY, FakeDeliveries, load_event, reply_text, signed_user

E_MAIL = "someone.private@example.com"
SORRY = "Sorry, something went wrong"


class TableDown:
    def record(self, record: TurnRecord) -> RecordResult:
        return RecordResult(RecordOutcome.FAILED, "ServiceUnavailable")


@dataclass
class Backlog:
    """Queues what it is given as the SQS adapter would: as a validated backlog message."""

    messages: list[TurnRecordMessage] = field(default_factory=list)
    broken: bool = False

    def put(self, record: TurnRecord) -> RecordResult:
        if self.broken:
            raise RuntimeError(f"queue broke on {record.user_id}")  # a promise not to raise, broken
        self.messages.append(TurnRecordMessage.of(record))
        return RecordResult(RecordOutcome.QUEUED)


def answer(event: dict[str, Any], backlog: Backlog | None) -> dict[str, Any]:
    layer = delivery_bot(
        FakeDeliveries.with_demo(),
        clock=lambda: NOW,
        recorder=DurableSentimentRecorder(table=TableDown(), backlog=backlog),
        memory_key=StaticKey(SEAL_KEY.encode()),
        user_id_key=StaticKey(USER_ID_KEY.encode()),
    ).sentiment_layer
    reply: dict[str, Any] = layer(event, None)
    return reply


def long_v1_user() -> dict[str, Any]:
    event = load_event("lexv1/check-delivery-status-blog.json")
    event["userId"] = E_MAIL + "x" * 600
    return event


def long_signed_v2_user() -> dict[str, Any]:
    event = load_event("lexv2/check-delivery-status-upset.json")
    event["sessionState"]["sessionAttributes"] = signed_user({}, event["sessionId"], E_MAIL + "x" * 600)
    return event


@pytest.mark.parametrize("event", [long_v1_user(), long_signed_v2_user()], ids=["V1 userId", "V2 signed userId"])
def test_a_600_character_user_id_is_queued_as_a_digest(event: dict[str, Any], log_lines: list[str]) -> None:
    backlog = Backlog()

    reply = answer(event, backlog)

    assert SORRY not in reply_text(reply)
    (queued,) = backlog.messages
    assert queued.user_id.startswith("sha256-")
    assert not any(E_MAIL in line for line in log_lines)


def test_a_backlog_that_raises_leaves_the_record_in_the_recovery_line(log_lines: list[str]) -> None:
    reply = answer(long_v1_user(), Backlog(broken=True))

    assert SORRY not in reply_text(reply)
    (line,) = [json.loads(text) for text in log_lines if '"sentiment_record_recovery"' in text]
    assert line["record"]["record_key"]
    assert "RuntimeError" in line["error_code"]
    assert not any(E_MAIL in text or "queue broke" in text for text in log_lines)


def test_a_record_that_fails_validation_is_still_logged_for_recovery(
    monkeypatch: pytest.MonkeyPatch, log_lines: list[str]
) -> None:
    """Defence in depth: should a value slip past the parse-time bounds, the last copy is kept unvalidated."""

    def invalid(cls: type[TurnRecordMessage], record: TurnRecord) -> TurnRecordMessage:
        return TurnRecordMessage.model_validate({"version": 1, "user_id": record.user_id})

    monkeypatch.setattr(message.TurnRecordMessage, "of", classmethod(invalid))

    reply = answer(load_event("lexv2/check-delivery-status-upset.json"), None)

    assert SORRY not in reply_text(reply)
    (line,) = [json.loads(text) for text in log_lines if '"sentiment_record_recovery"' in text]
    assert line["record"]["conversation_id"] == "demo-session-0001"
    assert "recovery record unvalidated: ValidationError" in line["error_code"]
    assert not any("Field required" in text for text in log_lines)  # pydantic's message never logged
