"""Plays Lex V2's part in a conversation: recognise, elicit, confirm, call the code hook, apply its answer.

What it does as Lex does: picks the intent from the utterance (or, while a slot or a yes/no is being
asked, reads the answer as that slot or that yes/no, switching intents when the utterance clearly
asks for another), fills slots, sends Lex V2-shaped events (interpretations with nluConfidence and
sentimentResponse, sessionState carried over from the last response, originatingRequestId shared by
the dialog and fulfilment hooks of one utterance, proposedNextState when Lex would elicit a slot),
and applies the code hook's dialog action: Close, ElicitSlot, ConfirmIntent, ElicitIntent, and
Delegate (Lex's own next step: elicit a missing slot with the bot's prompt, confirm, or fulfil).
What it does not: retries and their limits, contexts, multiple values, speech, barge-in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from local.hook_runner import HookResult
from local.lex_events import v2_event
from local.simulator.bot_definition import BotDefinition, IntentDefinition
from local.simulator.nlu import IntentMatch, classify, resolve_slot, yes_or_no
from local.simulator.sentiment import SentimentProvider

CodeHook = Callable[[dict[str, Any]], HookResult]


@dataclass(frozen=True)
class BotTurn:
    """What one user utterance led to."""

    user_text: str
    messages: list[str]
    dialog_action: str
    intent: str | None
    slot_to_elicit: str | None
    sentiment: dict[str, Any] | None
    turn_score: float | None
    decision: str | None
    session_attributes: dict[str, str]
    hook_calls: int
    # Set when the reply to a slot's prompt held no value the simulator could read (Lex re-prompts).
    hint: str | None = None

    @property
    def sentiment_label(self) -> str:
        return str(self.sentiment["sentiment"]) if self.sentiment else "none"

    @property
    def text(self) -> str:
        return " ".join(self.messages)


@dataclass
class _Waiting:
    kind: str  # "intent", "slot" or "confirmation"
    intent: str | None = None
    slot: str | None = None


@dataclass
class Simulator:
    bot: BotDefinition
    hook: CodeHook
    sentiment: SentimentProvider
    session_id: str = field(default_factory=lambda: f"sim-{uuid.uuid4().hex[:12]}")
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    session_attributes: dict[str, str] = field(default_factory=dict)
    _slots: dict[str, dict[str, str | None]] = field(default_factory=dict)
    _waiting: _Waiting = field(default_factory=lambda: _Waiting("intent"))
    _unheard: str | None = None

    def say(self, text: str, scripted: Mapping[str, float] | None = None) -> BotTurn:
        self._unheard = None
        sentiment = self.sentiment.analyse(text, scripted)
        matches = classify(self.bot, text, self.today)
        intent, confidence, confirmation = self._understand(text, matches)
        request_id = str(uuid.uuid4())
        event = self._event(text, intent, confidence, confirmation, matches, sentiment, request_id)
        calls: list[HookResult] = []
        if intent.dialog_hook:
            calls.append(self.hook(event))
            response = calls[-1].response
        else:
            response = self._delegation(intent.name)
        response = self._follow_delegate(response, event, calls)
        fields = calls[0].fields if calls else {}
        return self._apply(text, response, sentiment, fields, len(calls))

    # --- understanding -------------------------------------------------------------------------

    def _understand(self, text: str, matches: list[IntentMatch]) -> tuple[IntentDefinition, float | None, str]:
        """The intent Lex would settle on, its confidence (None for the fallback), and the confirmation state."""
        best = matches[0] if matches else None
        clear_other = best is not None and best.confidence >= self.bot.nlu_confidence_threshold
        waiting = self._waiting
        if waiting.kind == "confirmation" and waiting.intent:
            answer = yes_or_no(text)
            if answer is not None or not clear_other or (best and best.intent.name == waiting.intent):
                state = {True: "Confirmed", False: "Denied", None: "None"}[answer]
                return self._intent(waiting.intent), 1.0, state
        if waiting.kind == "slot" and waiting.intent and waiting.slot:
            intent = self._intent(waiting.intent)
            definition = intent.slot(waiting.slot)
            value = resolve_slot(self.bot, definition, text, self.today, whole_reply=True) if definition else None
            switch = clear_other and best is not None and best.intent.name != intent.name
            self._unheard = definition.slot_type if definition and value is None and not switch else None
            if value is not None and not (switch and best and best.confidence >= 0.75):
                self._slots.setdefault(intent.name, {})[waiting.slot] = value
                return intent, 1.0, "None"
            if not switch:
                return intent, 1.0, "None"
        if best is not None and clear_other:
            slots = self._slots.setdefault(best.intent.name, {slot.name: None for slot in best.intent.slots})
            slots.update(best.slots)
            return best.intent, best.confidence, "None"
        return self.bot.fallback, None, "None"

    def _intent(self, name: str) -> IntentDefinition:
        return self.bot.intent(name) or self.bot.fallback

    # --- events ---------------------------------------------------------------------------------

    def _event(
        self,
        text: str,
        intent: IntentDefinition,
        confidence: float | None,
        confirmation: str,
        matches: list[IntentMatch],
        sentiment: dict[str, Any] | None,
        request_id: str,
    ) -> dict[str, Any]:
        others: dict[str, float | None] = {
            match.intent.name: match.confidence
            for match in matches
            if match.intent.name != intent.name and match.confidence > 0
        }
        others = dict(list(others.items())[:2])
        if not intent.is_fallback:
            others[self.bot.fallback.name] = None  # Lex gives the fallback interpretation no confidence
        return v2_event(
            session_id=self.session_id,
            request_id=request_id,
            intent=intent.name,
            slots={slot.name: self._slots.get(intent.name, {}).get(slot.name) for slot in intent.slots},
            confirmation_state=confirmation,
            sentiment=sentiment,
            session_attributes=self.session_attributes,
            input_transcript=text,
            nlu_confidence=confidence,
            other_interpretations=others,
            slot_to_elicit_next=self._first_missing_slot(intent.name),
        )

    def _first_missing_slot(self, intent_name: str) -> str | None:
        intent = self._intent(intent_name)
        filled = self._slots.get(intent_name, {})
        return next((slot.name for slot in intent.slots if slot.required and not filled.get(slot.name)), None)

    # --- applying answers ------------------------------------------------------------------------

    def _follow_delegate(
        self, response: dict[str, Any], event: dict[str, Any], calls: list[HookResult]
    ) -> dict[str, Any]:
        """Delegate hands the next step back to Lex: elicit, confirm, or run the fulfilment hook."""
        state = response["sessionState"]
        if state["dialogAction"]["type"] != "Delegate":
            return response
        self._take_session(state)
        intent_name = (state.get("intent") or event["sessionState"]["intent"])["name"]
        self._take_slots(state.get("intent"))
        delegated = self._delegation(intent_name)
        if delegated["sessionState"]["dialogAction"]["type"] != "Fulfil":
            return delegated
        intent = self._intent(intent_name)
        if not intent.fulfilment_hook:
            return self._close(intent_name, None)
        fulfilment = dict(event)
        fulfilment["invocationSource"] = "FulfillmentCodeHook"
        wire_intent = dict(state.get("intent") or event["sessionState"]["intent"])
        wire_intent["state"] = "ReadyForFulfillment"
        fulfilment["sessionState"] = {
            **event["sessionState"],
            "sessionAttributes": dict(self.session_attributes),
            "intent": wire_intent,
        }
        fulfilment.pop("proposedNextState", None)
        calls.append(self.hook(fulfilment))
        answer = calls[-1].response
        if answer["sessionState"]["dialogAction"]["type"] == "Delegate":
            return self._close(intent_name, None)
        return answer

    def _delegation(self, intent_name: str) -> dict[str, Any]:
        """Lex's own next step for an intent: a missing slot's prompt, the confirmation prompt, or fulfilment."""
        intent = self._intent(intent_name)
        missing = self._first_missing_slot(intent_name)
        if missing is not None:
            slot = intent.slot(missing)
            return self._response("ElicitSlot", intent_name, slot.prompt if slot else None, slot_to_elicit=missing)
        if intent.is_fallback:
            return self._close(intent_name, None)
        return self._response("Fulfil", intent_name, None)

    def _close(self, intent_name: str, message: str | None) -> dict[str, Any]:
        return self._response("Close", intent_name, message)

    def _response(
        self, action: str, intent_name: str, message: str | None, slot_to_elicit: str | None = None
    ) -> dict[str, Any]:
        dialog_action: dict[str, Any] = {"type": action}
        if slot_to_elicit:
            dialog_action["slotToElicit"] = slot_to_elicit
        response: dict[str, Any] = {
            "sessionState": {
                "dialogAction": dialog_action,
                "intent": {"name": intent_name, "slots": {}, "state": "InProgress"},
                "sessionAttributes": dict(self.session_attributes),
            }
        }
        if message:
            response["messages"] = [{"contentType": "PlainText", "content": message}]
        return response

    def _apply(
        self, text: str, response: dict[str, Any], sentiment: dict[str, Any] | None, fields: dict[str, Any], calls: int
    ) -> BotTurn:
        state = response["sessionState"]
        self._take_session(state)
        self._take_slots(state.get("intent"))
        action = state["dialogAction"]["type"]
        intent_name = (state.get("intent") or {}).get("name")
        slot = state["dialogAction"].get("slotToElicit")
        messages = [message["content"] for message in response.get("messages", []) if message.get("content")]
        if action == "ElicitSlot":
            self._waiting = _Waiting("slot", intent_name, slot)
            if not messages and intent_name and slot:
                definition = self._intent(intent_name).slot(slot)
                messages = [definition.prompt] if definition else []
        elif action == "ConfirmIntent":
            self._waiting = _Waiting("confirmation", intent_name)
            if not messages and intent_name:
                prompt = self._intent(intent_name).confirmation_prompt
                messages = [prompt] if prompt else []
        else:
            self._waiting = _Waiting("intent")
            if action == "Close" and intent_name:
                self._slots.pop(intent_name, None)
        return BotTurn(
            user_text=text,
            messages=messages,
            dialog_action=action,
            intent=intent_name,
            slot_to_elicit=slot,
            sentiment=sentiment,
            turn_score=fields.get("turn_score"),
            decision=fields.get("decision"),
            session_attributes=dict(self.session_attributes),
            hook_calls=calls,
            hint=unheard_hint(self._unheard) if self._unheard else None,
        )

    def _take_session(self, state: dict[str, Any]) -> None:
        # A returned map replaces the stored one; a missing key keeps it.
        if "sessionAttributes" in state:
            self.session_attributes = dict(state["sessionAttributes"])

    def _take_slots(self, wire_intent: dict[str, Any] | None) -> None:
        if not wire_intent or not wire_intent.get("slots"):
            return
        self._slots[wire_intent["name"]] = {
            name: (slot.get("value") or {}).get("interpretedValue") if slot else None
            for name, slot in wire_intent["slots"].items()
        }


def unheard_hint(slot_type: str) -> str:
    """What the simulator says when it could not read a slot value (Lex itself only re-prompts)."""
    if slot_type == "AMAZON.Date":
        return 'the simulator did not understand a date there: try "December 6", "next Monday" or 2026-12-06'
    return f"the simulator did not understand a {slot_type} value there"
