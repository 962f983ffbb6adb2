"""From a raw Lambda event to a Turn, whichever Lex version sent it."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar, Token
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from lexsentiment.errors import invalid_fields
from lexsentiment.lex.reply import scalar_slot
from lexsentiment.lex.turn import ConfirmationState, InvocationSource, LexVersion, SlotValue, Turn
from lexsentiment.lex.v1 import LexV1Event
from lexsentiment.lex.v2 import LexV2Event

# The event the layer is answering and its Turn, so a handler's read_turn() does not parse it again.
_parsed: ContextVar[tuple[object, Turn] | None] = ContextVar("lexsentiment_parsed_event", default=None)


class MalformedEvent(ValueError):
    """The event is not a Lex event we can read; we still answer in the format it looked like."""

    def __init__(self, lex_version: LexVersion, session_attributes: dict[str, str], problem: str) -> None:
        super().__init__(problem)
        self.lex_version = lex_version
        self.session_attributes = session_attributes
        self.problem = problem


def detect_version(event: Any) -> LexVersion:
    """V1 events carry currentIntent; everything else is answered as V2, the current format."""
    if isinstance(event, dict) and "currentIntent" in event and "sessionState" not in event:
        return LexVersion.V1
    return LexVersion.V2


def parse_event(event: Any) -> Turn:
    version = detect_version(event)
    try:
        if version is LexVersion.V1:
            return LexV1Event.model_validate(event).to_turn()
        return LexV2Event.model_validate(event).to_turn()
    except ValidationError as error:
        # Field locations only: input values could be customer text.
        raise MalformedEvent(
            version, _salvage_attributes(event, version), "invalid fields: " + ", ".join(invalid_fields(error))
        ) from None


def read_turn(event: Any) -> Turn:
    """The Turn of a Lex event, for a handler: parsed once per event, shared with the layer around it.

    Raises MalformedEvent for something that is not a Lex event.
    """
    parsed = _parsed.get()
    if parsed is not None and parsed[0] is event:
        return parsed[1]
    return parse_event(event)


def parsed_as(event: object, turn: Turn) -> Token[tuple[object, Turn] | None]:
    """Until `forget_parsed(token)`, read_turn(event) of this very object returns this Turn (the layer's parse).

    A token rather than a context manager: this runs on every turn, and the generator costs more.
    """
    return _parsed.set((event, turn))


def forget_parsed(token: Token[tuple[object, Turn] | None]) -> None:
    _parsed.reset(token)


def _salvage_attributes(event: Any, version: LexVersion) -> dict[str, str]:
    """The session attributes of an unreadable event, so answering it does not wipe the session."""
    if not isinstance(event, dict):
        return {}
    holder = event if version is LexVersion.V1 else event.get("sessionState")
    attributes = holder.get("sessionAttributes") if isinstance(holder, dict) else None
    if not isinstance(attributes, dict):
        return {}
    return {key: value for key, value in attributes.items() if isinstance(key, str) and isinstance(value, str)}


def resumed(
    event: dict[str, Any], turn: Turn, intent: str, slots: Mapping[str, str | None]
) -> tuple[dict[str, Any], Turn]:
    """The event and Turn a handler sees when an interrupted intent resumes: a dialog hook on that
    intent with these slots and no confirmation, in the event's own format."""
    resumed_turn = replace(
        turn,
        intent_name=intent,
        slots={name: SlotValue(value, value) if value else None for name, value in slots.items()},
        confirmation_state=ConfirmationState.NONE,
        invocation_source=InvocationSource.DIALOG_CODE_HOOK,
    )
    if turn.lex_version is LexVersion.V1:
        current_intent = {"name": intent, "slots": dict(slots), "slotDetails": {}, "confirmationStatus": "None"}
        return {**event, "invocationSource": "DialogCodeHook", "currentIntent": current_intent}, resumed_turn
    session_state = {
        **event["sessionState"],
        "intent": {
            "name": intent,
            "slots": {name: scalar_slot(value, value) if value else None for name, value in slots.items()},
            "state": "InProgress",
            "confirmationState": "None",
        },
    }
    resumed_event = {**event, "invocationSource": "DialogCodeHook", "sessionState": session_state}
    resumed_event.pop("proposedNextState", None)
    return resumed_event, resumed_turn
