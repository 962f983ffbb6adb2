"""Every reply BookTrip sends is one Lex V2 accepts (AWS's JSON Schema for code hook responses)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from booktrip import app
from booktrip_support import (
    V2_SCHEMA,
    assert_valid_v2_response,
    attributes,
    event_names,
    invoke,
    load_event,
    team_reply,
    with_negative,
)


def test_the_schema_is_where_the_main_project_keeps_it() -> None:
    assert V2_SCHEMA.is_file()


def test_there_is_an_event_for_every_case_the_readme_lists() -> None:
    assert len(event_names()) >= 8


@pytest.mark.parametrize("name", event_names())
@pytest.mark.parametrize("negative", [None, 0.0, 0.5, 0.8, 1.0])
def test_every_reply_to_every_event_is_a_valid_lex_v2_response(name: str, negative: float | None) -> None:
    event = load_event(name)
    if negative is not None:
        event = with_negative(event, negative)

    assert_valid_v2_response(invoke(event))


@pytest.mark.parametrize("name", event_names())
def test_the_teams_own_replies_are_valid_too(name: str) -> None:
    assert_valid_v2_response(team_reply(load_event(name)))


def test_the_sorry_reply_after_a_handler_error_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(intent: dict[str, Any]) -> tuple[str, str] | None:
        raise KeyError("Nights")

    monkeypatch.setitem(app.BOOKINGS, "BookHotel", (broken, app.hotel_confirmation))

    assert_valid_v2_response(invoke(load_event("book-hotel-upset-invalid-nights")))


@pytest.mark.parametrize("name", event_names())
def test_every_event_has_the_shape_lex_v2_sends(name: str) -> None:
    event = load_event(name)

    assert event["messageVersion"] == "1.0"
    assert event["inputMode"] == "Text"
    assert event["responseContentType"].startswith("text/plain")
    assert event["invocationSource"] in {"DialogCodeHook", "FulfillmentCodeHook"}
    assert event["sessionId"] and isinstance(event["inputTranscript"], str)
    assert set(event["bot"]) == {"id", "name", "aliasId", "aliasName", "localeId", "version"}
    assert event["bot"]["name"] == "BookTrip" and event["bot"]["localeId"] == "en_US"
    scores = event["interpretations"][0]["sentimentResponse"]
    assert scores["sentiment"] in {"POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED"}
    assert set(scores["sentimentScore"]) == {"positive", "negative", "neutral", "mixed"}
    assert abs(sum(scores["sentimentScore"].values()) - 1) < 0.01
    state = event["sessionState"]
    assert set(state) >= {"sessionAttributes", "intent", "originatingRequestId"}
    assert set(state["intent"]) == {"name", "slots", "state", "confirmationState"}
    assert event["interpretations"][0]["intent"] == state["intent"]
    assert all(isinstance(value, str) for value in state["sessionAttributes"].values())


@pytest.mark.parametrize("name", ["speak-to-agent-confirmed", "speak-to-agent-declined"])
def test_the_speak_to_agent_events_carry_the_memory_the_layer_leaves_after_its_offer(name: str) -> None:
    # The offer the layer makes to the very upset customer (same conversation, the turn before)
    offer = invoke(load_event("book-hotel-very-upset"))

    carried = load_event(name)["sessionState"]["sessionAttributes"]

    # The start is the one value that depends on the clock: the layer never lets it be later than now.
    left = attributes(offer)
    assert datetime.fromisoformat(left.pop("conversationStartedAt")) <= datetime.now(UTC)
    carried.pop("conversationStartedAt")
    assert carried == left
