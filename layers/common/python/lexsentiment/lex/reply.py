"""A reply built in code (the layer's own, or a bot's), rendered in the Lex V2 or the legacy V1 response shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lexsentiment.lex.turn import ConfirmationState, LexVersion, SlotValue

MAX_MESSAGE_CHARACTERS = 1024  # Lex's runtime limit on a message's content


class DialogActionType(StrEnum):
    CLOSE = "Close"
    CONFIRM_INTENT = "ConfirmIntent"
    DELEGATE = "Delegate"
    ELICIT_INTENT = "ElicitIntent"
    ELICIT_SLOT = "ElicitSlot"


class IntentState(StrEnum):
    FAILED = "Failed"
    FULFILLED = "Fulfilled"
    IN_PROGRESS = "InProgress"
    READY_FOR_FULFILLMENT = "ReadyForFulfillment"


@dataclass(frozen=True, slots=True)
class Reply:
    action: DialogActionType
    session_attributes: Mapping[str, str]
    message: str | None = None
    intent_name: str | None = None
    intent_state: IntentState | None = None
    slots: Mapping[str, SlotValue | None] = field(default_factory=dict)
    slot_to_elicit: str | None = None
    confirmation_state: ConfirmationState | None = None


def render(reply: Reply, lex_version: LexVersion) -> dict[str, Any]:
    return render_v1(reply) if lex_version is LexVersion.V1 else render_v2(reply)


def render_v2(reply: Reply) -> dict[str, Any]:
    dialog_action: dict[str, Any] = {"type": reply.action.value}
    if reply.slot_to_elicit:
        dialog_action["slotToElicit"] = reply.slot_to_elicit
    session_state: dict[str, Any] = {
        "dialogAction": dialog_action,
        "sessionAttributes": dict(reply.session_attributes),
    }
    if reply.intent_name:
        intent: dict[str, Any] = {
            "name": reply.intent_name,
            "slots": {name: _v2_slot(value) for name, value in reply.slots.items()},
            "state": (reply.intent_state or IntentState.IN_PROGRESS).value,
        }
        if reply.confirmation_state is not None:
            intent["confirmationState"] = reply.confirmation_state.value
        session_state["intent"] = intent
    response: dict[str, Any] = {"sessionState": session_state}
    if reply.message:
        response["messages"] = [{"contentType": "PlainText", "content": fit_message(reply.message)}]
    return response


def render_v1(reply: Reply) -> dict[str, Any]:
    dialog_action: dict[str, Any] = {"type": reply.action.value}
    slots = {name: value.interpreted if value else None for name, value in reply.slots.items()}
    if reply.action is DialogActionType.CLOSE:
        failed = reply.intent_state is IntentState.FAILED
        dialog_action["fulfillmentState"] = "Failed" if failed else "Fulfilled"
    elif reply.action in (DialogActionType.CONFIRM_INTENT, DialogActionType.ELICIT_SLOT):
        dialog_action["intentName"] = reply.intent_name
        dialog_action["slots"] = slots
        if reply.slot_to_elicit:
            dialog_action["slotToElicit"] = reply.slot_to_elicit
    elif reply.action is DialogActionType.DELEGATE:
        dialog_action["slots"] = slots
    if reply.message:
        dialog_action["message"] = {"contentType": "PlainText", "content": fit_message(reply.message)}
    return {"sessionAttributes": dict(reply.session_attributes), "dialogAction": dialog_action}


def _v2_slot(value: SlotValue | None) -> dict[str, Any] | None:
    return scalar_slot(value.original, value.interpreted) if value is not None else None


def scalar_slot(original: str, interpreted: str) -> dict[str, Any]:
    """A filled V2 slot, as Lex sends it in events and takes it in responses."""
    return {
        "shape": "Scalar",
        "value": {"originalValue": original, "interpretedValue": interpreted, "resolvedValues": [interpreted]},
    }


def fit_message(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE_CHARACTERS else message[: MAX_MESSAGE_CHARACTERS - 1] + "…"
