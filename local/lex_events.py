"""Build Lex V2 code-hook events the way Lex would send them (for the seeding command and local tools)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEMO_BOT = {
    "id": "DLVRYBOT01",
    "name": "DeliveryBot",
    "localeId": "en_US",
    "version": "1",
    "aliasId": "LIVEALIAS1",
    "aliasName": "live",
}


def v2_slot(value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"shape": "Scalar", "value": {"originalValue": value, "interpretedValue": value, "resolvedValues": [value]}}


def sentiment_response(positive: float, negative: float, mixed: float = 0.0) -> dict[str, Any]:
    """A Comprehend-like result: the four scores sum to 1 and the label is the strongest class."""
    neutral = max(0.0, 1.0 - positive - negative - mixed)
    scores = {"positive": positive, "negative": negative, "neutral": neutral, "mixed": mixed}
    label = max(scores, key=lambda name: scores[name]).upper()
    return {"sentiment": label, "sentimentScore": {name: round(value, 6) for name, value in scores.items()}}


def v2_event(
    *,
    session_id: str,
    request_id: str,
    intent: str,
    slots: Mapping[str, str | None],
    invocation_source: str = "DialogCodeHook",
    confirmation_state: str = "None",
    sentiment: dict[str, Any] | None = None,
    session_attributes: Mapping[str, str] | None = None,
    input_transcript: str = "",
    bot: Mapping[str, str] = DEMO_BOT,
    nlu_confidence: float | None = 0.95,
    other_interpretations: Mapping[str, float | None] | None = None,
    slot_to_elicit_next: str | None = None,
) -> dict[str, Any]:
    """A Lex V2 code-hook event. `nlu_confidence` None: the fallback intent (Lex sends none);
    `other_interpretations`: lower-ranked intent name -> confidence; `slot_to_elicit_next`: Lex's
    proposedNextState when its own next step would be to elicit that slot."""
    intent_state = "ReadyForFulfillment" if invocation_source == "FulfillmentCodeHook" else "InProgress"
    wire_intent = {
        "name": intent,
        "slots": {name: v2_slot(value) for name, value in slots.items()},
        "state": intent_state,
        "confirmationState": confirmation_state,
    }
    interpretation: dict[str, Any] = {"intent": wire_intent}
    if nlu_confidence is not None:
        interpretation["nluConfidence"] = nlu_confidence
    if sentiment is not None:
        interpretation["sentimentResponse"] = sentiment
    others = []
    for name, confidence in (other_interpretations or {}).items():
        other: dict[str, Any] = {
            "intent": {"name": name, "slots": {}, "state": "InProgress", "confirmationState": "None"}
        }
        if confidence is not None:
            other["nluConfidence"] = confidence
        others.append(other)
    event: dict[str, Any] = {
        "messageVersion": "1.0",
        "invocationSource": invocation_source,
        "inputMode": "Text",
        "responseContentType": "text/plain; charset=utf-8",
        "sessionId": session_id,
        "inputTranscript": input_transcript,
        "bot": dict(bot),
        "interpretations": [interpretation, *others],
        "requestAttributes": None,
        "sessionState": {
            "sessionAttributes": dict(session_attributes or {}),
            "intent": wire_intent,
            "originatingRequestId": request_id,
        },
    }
    if slot_to_elicit_next is not None:
        event["proposedNextState"] = {
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": slot_to_elicit_next},
            "intent": wire_intent,
            "prompt": {"attempt": "Initial"},
        }
    return event


def sealed_as_our_reply(event: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The event with the layer's memory attributes in it sealed, as the layer's previous reply sealed them.

    A sample event that carries memory (an agent offer waiting for its yes, say) stands for the turn
    after one of our replies; without the seal the layer would rightly take it as forged.
    """
    from lexsentiment.lex.events import MalformedEvent, parse_event
    from lexsentiment.memory import MEMORY_ATTRIBUTES, Attr
    from lexsentiment.trust import seal

    holder = event.get("sessionState", event) if "currentIntent" not in event else event
    attributes = holder.get("sessionAttributes") if isinstance(holder, dict) else None
    if not isinstance(attributes, dict) or not any(name in attributes for name in MEMORY_ATTRIBUTES):
        return event
    try:
        conversation_id = parse_event(event).conversation_id
    except MalformedEvent:
        return event
    attributes[Attr.SEAL] = seal(key, conversation_id, attributes, MEMORY_ATTRIBUTES)
    return event
