"""A team handler's own response: checked to be a Lex response, then edited where the layer must.

The layer works on the handler's dict rather than rebuilding it: whatever the layer does not touch
(response cards, custom payloads, active contexts, runtime hints, request attributes, slot shapes)
goes to Lex exactly as the handler wrote it. Pydantic models define the shape; edits copy only the
parts they change, so the handler's own objects are never mutated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lexsentiment.errors import invalid_fields
from lexsentiment.lex.reply import MAX_MESSAGE_CHARACTERS, DialogActionType
from lexsentiment.lex.turn import LexVersion

# Built on first use: the common reply never reaches the models (see _well_formed_v2), so cold starts skip them.
_SHAPE = ConfigDict(extra="allow", frozen=True, defer_build=True)
_ACTIONS = Literal["Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot"]
_ACTION_NAMES = frozenset(DialogActionType)
_NEED_INTENT = frozenset({"Close", "ConfirmIntent", "ElicitSlot"})
_TEXT_CONTENT_TYPES = frozenset({"PlainText", "SSML", "CustomPayload"})
_FULFILLMENT_STATES = frozenset({"Fulfilled", "Failed"})
_SPEAK_OPENING = re.compile(r"^\s*<speak(?:\s[^>]*)?>", re.IGNORECASE)


class NotALexResponse(ValueError):
    """The handler returned something Lex would reject; `problem` names fields, never values."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class _V2Message(BaseModel):
    model_config = _SHAPE
    content_type: Literal["PlainText", "SSML", "CustomPayload", "ImageResponseCard"] = Field(alias="contentType")
    content: str | None = None


class _V2DialogAction(BaseModel):
    model_config = _SHAPE
    type: _ACTIONS
    slot_to_elicit: str | None = Field(default=None, alias="slotToElicit")


class _V2Intent(BaseModel):
    model_config = _SHAPE
    name: str = Field(min_length=1)
    slots: dict[str, Any] | None = None


class _V2SessionState(BaseModel):
    model_config = _SHAPE
    dialog_action: _V2DialogAction = Field(alias="dialogAction")
    intent: _V2Intent | None = None
    session_attributes: dict[str, str] | None = Field(default=None, alias="sessionAttributes")

    @model_validator(mode="after")
    def _what_the_action_needs(self) -> _V2SessionState:
        action = self.dialog_action.type
        if action in {"Close", "ConfirmIntent", "ElicitSlot"} and self.intent is None:
            raise ValueError(f"{action} needs sessionState.intent")
        if action == "ElicitSlot" and not self.dialog_action.slot_to_elicit:
            raise ValueError("ElicitSlot needs dialogAction.slotToElicit")
        return self


class _V2Response(BaseModel):
    model_config = _SHAPE
    session_state: _V2SessionState = Field(alias="sessionState")
    messages: list[_V2Message] | None = None


class _V1Message(BaseModel):
    model_config = _SHAPE
    content_type: Literal["PlainText", "SSML", "CustomPayload"] = Field(alias="contentType")
    content: str


class _V1DialogAction(BaseModel):
    model_config = _SHAPE
    type: _ACTIONS
    intent_name: str | None = Field(default=None, alias="intentName")
    slots: dict[str, str | None] | None = None
    slot_to_elicit: str | None = Field(default=None, alias="slotToElicit")
    fulfillment_state: Literal["Fulfilled", "Failed"] | None = Field(default=None, alias="fulfillmentState")
    message: _V1Message | None = None

    @model_validator(mode="after")
    def _what_the_action_needs(self) -> _V1DialogAction:
        if self.type == "Close" and self.fulfillment_state is None:
            raise ValueError("Close needs fulfillmentState")
        if self.type in {"ConfirmIntent", "ElicitSlot"} and (not self.intent_name or self.slots is None):
            raise ValueError(f"{self.type} needs intentName and slots")
        if self.type == "ElicitSlot" and not self.slot_to_elicit:
            raise ValueError("ElicitSlot needs slotToElicit")
        return self


class _V1Response(BaseModel):
    model_config = _SHAPE
    dialog_action: _V1DialogAction = Field(alias="dialogAction")
    session_attributes: dict[str, str] | None = Field(default=None, alias="sessionAttributes")


@dataclass(frozen=True, slots=True)
class HandlerResponse:
    """A handler's response that Lex would accept, with the facts the layer's rules read."""

    lex_version: LexVersion
    raw: Mapping[str, Any]
    action: DialogActionType
    intent_name: str | None
    # Interpreted slot values of the reply's intent (None: unfilled).
    slots: Mapping[str, str | None]
    # None when the handler left sessionAttributes out (Lex then keeps the stored ones).
    session_attributes: Mapping[str, str] | None
    has_message: bool

    def with_raw(self, raw: Mapping[str, Any]) -> HandlerResponse:
        """The same response with its dict edited (built directly: this runs on every upset turn)."""
        return HandlerResponse(
            self.lex_version, raw, self.action, self.intent_name, self.slots, self.session_attributes, self.has_message
        )

    @property
    def asks(self) -> bool:
        """The reply waits for the customer (or for Lex to ask): an agent offer may take its place."""
        return self.action is not DialogActionType.CLOSE


def read_response(response: Any, lex_version: LexVersion) -> HandlerResponse:
    """The handler's response in the event's format, or NotALexResponse."""
    if not isinstance(response, dict):
        raise NotALexResponse(f"the handler returned {type(response).__name__}, not a Lex response object")
    try:
        if lex_version is LexVersion.V1:
            return _read_v1(response)
        return _read_v2(response)
    except ValidationError as error:
        raise NotALexResponse(f"not a Lex {lex_version.value} response: " + ", ".join(invalid_fields(error))) from None


def _read_v2(response: dict[str, Any]) -> HandlerResponse:
    return _well_formed_v2(response) or _validated_v2(response)


def _well_formed_v2(response: dict[str, Any]) -> HandlerResponse | None:
    """The common V2 reply read without pydantic, or None to let the models decide (and explain).

    Written by hand because it runs on every turn of a live call: the models cost about 8 us a
    reply, this about 2. It accepts only what the models accept; anything unusual goes to them.
    """
    state = response.get("sessionState")
    dialog_action = state.get("dialogAction") if isinstance(state, dict) else None
    action = dialog_action.get("type") if isinstance(dialog_action, dict) else None
    if not _one_of(action, _ACTION_NAMES):
        return None
    assert isinstance(state, dict) and isinstance(dialog_action, dict)
    intent = state.get("intent")
    if intent is None:
        if action in _NEED_INTENT:
            return None
        slots = None
    elif isinstance(intent, dict) and _text(intent.get("name")):
        slots = intent.get("slots")
        if slots is not None and not isinstance(slots, dict):
            return None
    else:
        return None
    if action == "ElicitSlot" and not _text(dialog_action.get("slotToElicit")):
        return None
    attributes = state.get("sessionAttributes")
    messages = response.get("messages")
    if not (attributes is None or _string_map(attributes)) or not (messages is None or _plain_messages(messages)):
        return None
    return HandlerResponse(
        lex_version=LexVersion.V2,
        raw=response,
        action=DialogActionType(action),
        intent_name=intent["name"] if intent else None,
        slots={name: _v2_interpreted(slot) for name, slot in (slots or {}).items()},
        session_attributes=attributes,
        has_message=bool(messages),
    )


def _one_of(value: object, names: frozenset[str]) -> TypeGuard[str]:
    return isinstance(value, str) and value in names


def _text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _string_map(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    for key, item in value.items():
        if type(key) is not str or type(item) is not str:
            return False
    return True


def _plain_messages(value: object) -> bool:
    if not isinstance(value, list):
        return False
    for message in value:
        if not isinstance(message, dict) or type(message.get("content")) is not str:
            return False
        if not _one_of(message.get("contentType"), _TEXT_CONTENT_TYPES):
            return False
    return True


def _validated_v2(response: dict[str, Any]) -> HandlerResponse:
    shape = _V2Response.model_validate(response)
    state = shape.session_state
    intent = state.intent
    return HandlerResponse(
        lex_version=LexVersion.V2,
        raw=response,
        action=DialogActionType(state.dialog_action.type),
        intent_name=intent.name if intent else None,
        slots={name: _v2_interpreted(slot) for name, slot in ((intent.slots or {}) if intent else {}).items()},
        session_attributes=state.session_attributes,
        has_message=bool(shape.messages),
    )


def _v2_interpreted(slot: Any) -> str | None:
    value = slot.get("value") if isinstance(slot, dict) else None
    if not isinstance(value, dict):
        return None
    interpreted = value.get("interpretedValue") or value.get("originalValue")
    return interpreted if isinstance(interpreted, str) and interpreted else None


def _read_v1(response: dict[str, Any]) -> HandlerResponse:
    return _well_formed_v1(response) or _validated_v1(response)


def _well_formed_v1(response: dict[str, Any]) -> HandlerResponse | None:
    """The common V1 reply without pydantic (as `_well_formed_v2`), or None to let the models decide."""
    dialog_action = response.get("dialogAction")
    action = dialog_action.get("type") if isinstance(dialog_action, dict) else None
    if not _one_of(action, _ACTION_NAMES):
        return None
    assert isinstance(dialog_action, dict)
    intent_name, slots = dialog_action.get("intentName"), dialog_action.get("slots")
    message = dialog_action.get("message")
    attributes = response.get("sessionAttributes")
    if (
        (action == "Close" and not _one_of(dialog_action.get("fulfillmentState"), _FULFILLMENT_STATES))
        or (action in {"ConfirmIntent", "ElicitSlot"} and not (_text(intent_name) and slots is not None))
        or (action == "ElicitSlot" and not _text(dialog_action.get("slotToElicit")))
        or not (intent_name is None or isinstance(intent_name, str))
        or not (slots is None or _optional_string_map(slots))
        or not (message is None or _plain_messages([message]))
        or not (attributes is None or _string_map(attributes))
    ):
        return None
    return HandlerResponse(
        lex_version=LexVersion.V1,
        raw=response,
        action=DialogActionType(action),
        intent_name=intent_name,
        slots=dict(slots or {}),
        session_attributes=attributes,
        has_message=message is not None,
    )


def _optional_string_map(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    for key, item in value.items():
        if type(key) is not str or (item is not None and type(item) is not str):
            return False
    return True


def _validated_v1(response: dict[str, Any]) -> HandlerResponse:
    shape = _V1Response.model_validate(response)
    action = shape.dialog_action
    return HandlerResponse(
        lex_version=LexVersion.V1,
        raw=response,
        action=DialogActionType(action.type),
        intent_name=action.intent_name,
        slots=dict(action.slots or {}),
        session_attributes=shape.session_attributes,
        has_message=action.message is not None,
    )


def with_session_attributes(response: HandlerResponse, attributes: Mapping[str, str]) -> dict[str, Any]:
    """The raw response carrying exactly these session attributes."""
    raw = dict(response.raw)
    if response.lex_version is LexVersion.V1:
        raw["sessionAttributes"] = dict(attributes)
    else:
        raw["sessionState"] = {**raw["sessionState"], "sessionAttributes": dict(attributes)}
    return raw


def already_apologises(raw: Mapping[str, Any], lex_version: LexVersion, apology: str) -> bool:
    """The apology's words are spoken already, in any case and whatever punctuation ends them."""
    wanted = apology.casefold().rstrip(" .!?…")
    return any(wanted in text.casefold() for text in _spoken_texts(raw, lex_version))


def with_prefix(raw: dict[str, Any], lex_version: LexVersion, prefix: str) -> dict[str, Any]:
    """`prefix` (an apology) before the first message (inside <speak> for SSML); no message, no prefix.

    Lex speaks the bot's own prompt when a reply has no message, so adding one would replace that prompt.
    """
    if lex_version is LexVersion.V1:
        message = raw["dialogAction"].get("message")
        if not message:
            return raw
        content = _prefixed(message["contentType"], message["content"], prefix)
        if content is None:  # a custom payload, or no room left: V1 has one message only
            return raw
        return {**raw, "dialogAction": {**raw["dialogAction"], "message": {**message, "content": content}}}
    messages = list(raw.get("messages") or [])
    if not messages:
        return raw
    first = messages[0]
    content = _prefixed(first["contentType"], first.get("content") or "", prefix)
    if content is None:
        messages.insert(0, {"contentType": "PlainText", "content": prefix})
    else:
        messages[0] = {**first, "content": content}
    return {**raw, "messages": messages}


def _prefixed(content_type: str, content: str, prefix: str) -> str | None:
    if content_type == "PlainText":
        prefixed = f"{prefix} {content}"
    elif content_type == "SSML":
        opening = _SPEAK_OPENING.match(content)
        prefixed = f"{opening.group(0)}{prefix} {content[opening.end() :]}" if opening else f"{prefix} {content}"
    else:
        return None
    return prefixed if len(prefixed) <= MAX_MESSAGE_CHARACTERS else None


def _spoken_texts(raw: Mapping[str, Any], lex_version: LexVersion) -> list[str]:
    if lex_version is LexVersion.V1:
        message = raw["dialogAction"].get("message") or {}
        return [message["content"]] if message.get("contentType") in {"PlainText", "SSML"} else []
    return [
        message.get("content") or ""
        for message in raw.get("messages") or []
        if message.get("contentType") in {"PlainText", "SSML"}
    ]
