"""From a raw Lambda event to a Turn, whichever Lex version sent it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from lexsentiment.models.lex_v1 import LexV1Event
from lexsentiment.models.lex_v2 import LexV2Event
from lexsentiment.models.turn import LexVersion, Turn


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
        fields = sorted({".".join(str(part) for part in detail["loc"]) or "event" for detail in error.errors()})
        raise MalformedEvent(
            version, _salvage_attributes(event, version), "invalid fields: " + ", ".join(fields[:10])
        ) from None


def _salvage_attributes(event: Any, version: LexVersion) -> dict[str, str]:
    """The session attributes of an unreadable event, so answering it does not wipe the session."""
    if not isinstance(event, dict):
        return {}
    holder = event if version is LexVersion.V1 else event.get("sessionState")
    attributes = holder.get("sessionAttributes") if isinstance(holder, dict) else None
    if not isinstance(attributes, dict):
        return {}
    return {key: value for key, value in attributes.items() if isinstance(key, str) and isinstance(value, str)}
