"""A Reply rendered in the Lex V2 or the legacy V1 response shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lexsentiment.models.reply import DialogActionType, IntentState, Reply
from lexsentiment.models.turn import LexVersion, SlotValue

MAX_MESSAGE_CHARACTERS = 1024  # Lex's runtime limit on a message's content


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
        response["messages"] = [{"contentType": "PlainText", "content": _fit(reply.message)}]
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
        dialog_action["message"] = {"contentType": "PlainText", "content": _fit(reply.message)}
    return {"sessionAttributes": dict(reply.session_attributes), "dialogAction": dialog_action}


def _v2_slot(value: SlotValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "shape": "Scalar",
        "value": {
            "originalValue": value.original,
            "interpretedValue": value.interpreted,
            "resolvedValues": [value.interpreted],
        },
    }


def _fit(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE_CHARACTERS else message[: MAX_MESSAGE_CHARACTERS - 1] + "…"


def summary_fields(response: Mapping[str, Any]) -> tuple[str, str]:
    """The dialog action and message text of a rendered response, whichever version it is in."""
    if "sessionState" in response:
        action = response["sessionState"]["dialogAction"]["type"]
        messages = response.get("messages") or [{}]
        return action, messages[0].get("content", "")
    dialog_action = response["dialogAction"]
    return dialog_action["type"], (dialog_action.get("message") or {}).get("content", "")
