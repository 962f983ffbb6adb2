"""Nothing a client writes into the session changes what supervisors or agents see.

Lex V2 session attributes can be set by whoever calls the Lex runtime (a public web chat can), so
the layer seals its own memory and counts a userId only when a trusted party signed it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from deliverybot.bot import delivery_bot
from lexsentiment.memory import Attr
from lexsentiment.observability import metrics
from lexsentiment.policy.conversation_score import Shift
from tests.support import (
    NOW,
    FakeDeliveries,
    FakeRecorder,
    fake_delivery_bot,
    load_event,
    reply_text,
    sealed,
    session_attributes,
    signed_user,
    with_sentiment_v2,
)

UPSET = "lexv2/check-delivery-status-upset.json"
# The forged set: one real turn presented as turn 10,000 of a conversation that soured.
FORGED_MEMORY = {
    "scoredTurns": "10000",
    "sentimentScoreSum": "-42000",
    "firstTurnScores": "5,5,5",
    "recentTurnScores": "-5,-5",
    "negativeTurns": "2",
}


def emitted_metrics() -> dict[str, Any]:
    emitted: dict[str, Any] = dict(metrics.serialize_metric_set())
    metrics.clear_metrics()
    return emitted


def turn(event: dict[str, Any], recorder: FakeRecorder, now: datetime = NOW) -> dict[str, Any]:
    reply: dict[str, Any] = fake_delivery_bot(recorder=recorder, now=now, keyed=True)(event, None)
    return reply


def test_forged_memory_is_discarded_and_the_turn_counts_as_the_first(log_lines: list[str]) -> None:
    recorder = FakeRecorder()
    event = load_event(UPSET)
    event["sessionState"]["sessionAttributes"] = dict(FORGED_MEMORY)

    reply = turn(event, recorder)

    (record,) = recorder.records
    assert record.turn_index == 0
    assert record.shift is not Shift.POSITIVE_TO_NEGATIVE
    assert session_attributes(reply)[Attr.SCORED_TURNS] == "1"
    assert emitted_metrics()["SessionMemoryDiscarded"] == [1.0]
    (line,) = [json.loads(text) for text in log_lines if "session_memory_discarded" in text]
    assert line["trust"] == "rejected"
    assert not any(value in text for text in log_lines for value in ("10000", "-42000", "5,5,5"))


def test_the_layers_own_memory_carries_a_conversation_from_turn_to_turn() -> None:
    """Three upset turns in a row offer an agent: the streak survives the round trips through Lex."""
    recorder = FakeRecorder()
    attributes: dict[str, str] = {}
    reply: dict[str, Any] = {}
    for index in range(3):
        event = with_sentiment_v2(load_event(UPSET), 0.6)
        event["sessionState"]["originatingRequestId"] = f"request-{index}"
        event["sessionState"]["sessionAttributes"] = attributes
        reply = turn(event, recorder)
        attributes = session_attributes(reply)

    assert [record.turn_index for record in recorder.records] == [0, 1, 2]
    assert "speak to an agent" in reply_text(reply)
    assert Attr.SEAL in attributes
    assert "SessionMemoryDiscarded" not in emitted_metrics()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda attributes: attributes.update(scoredTurns="10000"), id="a value changed"),
        pytest.param(lambda attributes: attributes.pop(Attr.NEGATIVE_TURNS), id="a value removed"),
        pytest.param(lambda attributes: attributes.update(agentOfferDeclined="true"), id="a value added"),
        pytest.param(lambda attributes: attributes.pop(Attr.SEAL), id="the seal removed"),
        pytest.param(lambda attributes: attributes.update({Attr.SEAL: "é" * 43}), id="a seal of another alphabet"),
    ],
)
def test_memory_changed_in_any_way_is_discarded(tamper: Any) -> None:
    recorder = FakeRecorder()
    first = load_event(UPSET)
    attributes = session_attributes(turn(first, recorder))
    tamper(attributes)
    second = with_sentiment_v2(load_event(UPSET), 0.6)
    second["sessionState"]["originatingRequestId"] = "request-2"
    second["sessionState"]["sessionAttributes"] = attributes

    turn(second, recorder)

    assert recorder.records[-1].turn_index == 0
    assert emitted_metrics()["SessionMemoryDiscarded"] == [1.0]


def test_memory_sealed_for_one_conversation_means_nothing_in_another() -> None:
    recorder = FakeRecorder()
    attributes = session_attributes(turn(load_event(UPSET), recorder))
    other = load_event(UPSET)
    other["sessionId"] = "another-session"
    other["sessionState"]["sessionAttributes"] = attributes

    turn(other, recorder)

    assert recorder.records[-1].turn_index == 0


@pytest.mark.parametrize(
    ("started_at", "stored"),
    [
        ("2026-11-23T18:00:00.000+05:00", datetime(2026, 11, 23, 13, 0, tzinfo=UTC)),  # converted to UTC
        ("2026-11-24T10:00:00.000+00:00", NOW),  # in the future: now
        ("2025-01-01T00:00:00.000+00:00", NOW - timedelta(days=7)),  # implausibly old: a week ago
    ],
)
def test_a_conversations_start_is_stored_in_utc_and_within_range(started_at: str, stored: datetime) -> None:
    recorder = FakeRecorder()
    event = load_event(UPSET)
    event["sessionState"]["sessionAttributes"] = {
        Attr.NEGATIVE_TURNS: "0",
        Attr.SCORED_TURNS: "1",
        Attr.STARTED_AT: started_at,
    }

    turn(sealed(event), recorder)

    (record,) = recorder.records
    assert record.started_at == stored
    assert record.started_at.utcoffset() == timedelta(0)


def test_the_hand_over_names_only_one_of_the_bots_intents() -> None:
    event = load_event("lexv2/agent-handover-accepted.json")
    event["sessionState"]["sessionAttributes"][Attr.INTERRUPTED_INTENT] = "PayMeARefund"

    reply = turn(sealed(event), FakeRecorder())

    assert session_attributes(reply)["handover"] == "true"
    assert session_attributes(reply)["handoverIntent"] == "AgentHandover"


def test_a_sealed_offer_is_honoured_when_the_customer_says_yes() -> None:
    reply = turn(sealed(load_event("lexv2/agent-handover-accepted.json")), FakeRecorder())

    assert session_attributes(reply)["handoverReason"] == "negative_sentiment"
    assert session_attributes(reply)["handoverIntent"] == "CheckDeliveryStatus"


def test_an_unsealed_offer_is_not_taken_for_ours() -> None:
    """A client cannot put words in the layer's mouth: the hand-over is the customer's own request."""
    reply = turn(load_event("lexv2/agent-handover-accepted.json"), FakeRecorder())

    assert session_attributes(reply)["handoverReason"] == "customer_request"


def test_a_signed_user_id_names_the_customer() -> None:
    recorder = FakeRecorder()
    event = load_event(UPSET)
    event["sessionState"]["sessionAttributes"] = signed_user({}, event["sessionId"], "customer-047")

    turn(event, recorder)

    assert recorder.records[0].user_id == "customer-047"


@pytest.mark.parametrize(
    "attributes",
    [
        pytest.param({"userId": "customer-047"}, id="unsigned"),
        pytest.param({"userId": "customer-047", "userIdSignature": "0" * 64}, id="wrong signature"),
        pytest.param(signed_user({}, "another-session", "customer-047"), id="signed for another session"),
        pytest.param({**signed_user({}, "demo-session-0001", "customer-046"), "userId": "customer-047"}, id="swapped"),
    ],
)
def test_an_unproven_user_id_changes_nothing(attributes: dict[str, str]) -> None:
    recorder = FakeRecorder()
    event = load_event(UPSET)
    event["sessionState"]["sessionAttributes"] = attributes

    turn(event, recorder)

    assert recorder.records[0].user_id == event["sessionId"]
    assert emitted_metrics()["UnverifiedUserIds"] == [1.0]


class _KeyUnavailable:
    def key(self) -> bytes | None:
        return None


def test_without_its_key_the_layer_trusts_no_memory_and_still_answers() -> None:
    recorder = FakeRecorder()
    bot = delivery_bot(
        FakeDeliveries.with_demo(), clock=lambda: NOW, recorder=recorder, memory_key=_KeyUnavailable()
    ).sentiment_layer

    event = sealed(load_event("lexv2/agent-handover-accepted.json"))
    sent = dict(event["sessionState"]["sessionAttributes"])

    reply = bot(event, None)

    assert "transferring you" in reply_text(reply)
    assert session_attributes(reply)["handoverReason"] == "customer_request"  # the offer cannot be proven
    # Our outage, not the client's doing: the memory goes back as it came, still sealed for the next turn.
    assert {key: session_attributes(reply)[key] for key in sent} == sent
    assert recorder.records == []  # a turn counted from fresh memory would be a new conversation's first
    assert emitted_metrics()["SessionMemoryDiscarded"] == [1.0]


@pytest.mark.parametrize("started_at", ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
def test_a_start_time_outside_what_utc_can_hold_is_ignored_not_fatal(started_at: str) -> None:
    """Even unsealed (a trial without a table), a crafted time cannot break the session's turns."""
    event = load_event(UPSET)
    event["sessionState"]["sessionAttributes"] = {Attr.SCORED_TURNS: "1", Attr.STARTED_AT: started_at}

    reply = fake_delivery_bot()(event, None)

    assert "tracking number" in reply_text(reply)
    assert session_attributes(reply)[Attr.STARTED_AT].startswith("2026-11-23T15:30")
