"""The pieces each DeliveryBot intent's dialogue is built from: plain Lex replies, no sentiment.

The layer around the handler apologises, offers agents and hands over; the dialogue only does the
delivery job, and reports a failed job (`turn_sentiment().report_failure`) when it offers an agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from deliverybot.deliveries import DeliveryRepository
from lexsentiment import turn_sentiment
from lexsentiment.lex.reply import DialogActionType, IntentState, Reply
from lexsentiment.lex.turn import InvocationSource, SlotValue, Turn

AGENT_HANDOVER = "AgentHandover"
CHECK_DELIVERY_STATUS = "CheckDeliveryStatus"
CHANGE_DELIVERY_DATE = "ChangeDeliveryDate"
FALLBACK = "FallbackIntent"
INTENTS = frozenset({CHECK_DELIVERY_STATUS, CHANGE_DELIVERY_DATE, AGENT_HANDOVER, FALLBACK})
TRACKING_NUMBER = "trackingNumber"
NEW_DELIVERY_DATE = "newDeliveryDate"
# DeliveryBot's own session memory: tracking numbers in a row that matched no delivery.
LOOKUP_MISSES = "lookupMisses"
LOOKUP_FAILED = "lookup_failed"


@dataclass(frozen=True, slots=True)
class BotTurn:
    turn: Turn
    today: date
    deliveries: DeliveryRepository

    @property
    def is_fulfilment(self) -> bool:
        return self.turn.invocation_source is InvocationSource.FULFILLMENT_CODE_HOOK

    @property
    def lookup_misses(self) -> int:
        value = self.turn.session_attributes.get(LOOKUP_MISSES, "")
        return min(int(value), 10) if value.isdigit() and len(value) < 3 else 0


def _misses(count: int) -> Mapping[str, str]:
    # "" removes the key from the session (the layer drops empty values a handler sets).
    return {LOOKUP_MISSES: str(count) if count else ""}


def elicit_slot(
    bot: BotTurn, slot: str, message: str, slots: Mapping[str, SlotValue | None], *, misses: int | None = None
) -> Reply:
    return Reply(
        action=DialogActionType.ELICIT_SLOT,
        session_attributes=_misses(misses) if misses is not None else {},
        message=message,
        intent_name=bot.turn.intent_name,
        intent_state=IntentState.IN_PROGRESS,
        slots={**slots, slot: None},
        slot_to_elicit=slot,
    )


def delegate(bot: BotTurn, slots: Mapping[str, SlotValue | None]) -> Reply:
    """Hand the turn back to Lex with everything it needs; its fulfilment hook comes next."""
    return Reply(
        action=DialogActionType.DELEGATE,
        session_attributes={},
        intent_name=bot.turn.intent_name,
        intent_state=IntentState.READY_FOR_FULFILLMENT,
        slots=slots,
    )


def close(bot: BotTurn, message: str) -> Reply:
    """The intent is done: the misses it was counting are forgotten."""
    return Reply(
        action=DialogActionType.CLOSE,
        session_attributes=_misses(0),
        message=message,
        intent_name=bot.turn.intent_name,
        intent_state=IntentState.FULFILLED,
        slots=bot.turn.slots,
    )


def elicit_intent(message: str) -> Reply:
    return Reply(action=DialogActionType.ELICIT_INTENT, session_attributes={}, message=message)


def offer_agent(message: str, *, failed_slot: str | None = None) -> Reply:
    """A lookup failed: ask "Would you like to speak to an agent?" in DeliveryBot's own words.

    Reporting the failure tells the layer why (Connect reads `handoverReason=lookup_failed`) and
    which slot to ask for again if the customer says no, so a "no" never retries the same number.
    """
    turn_sentiment().report_failure(LOOKUP_FAILED, slot=failed_slot)
    return Reply(
        action=DialogActionType.CONFIRM_INTENT,
        session_attributes=_misses(0),
        message=message,
        intent_name=AGENT_HANDOVER,
        intent_state=IntentState.IN_PROGRESS,
    )
