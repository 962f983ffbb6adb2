"""The pieces every intent's dialogue is built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from lexsentiment.domain import scale, wording
from lexsentiment.domain.memory import Attr, ConversationMemory
from lexsentiment.domain.sentiment_policy import Assessment, Decision, HandoverReason
from lexsentiment.models.reply import DialogActionType, IntentState
from lexsentiment.models.turn import ConfirmationState, InvocationSource, SlotValue, Turn
from lexsentiment.ports import DeliveryRepository

AGENT_HANDOVER = "AgentHandover"
CHECK_DELIVERY_STATUS = "CheckDeliveryStatus"
CHANGE_DELIVERY_DATE = "ChangeDeliveryDate"
FALLBACK = "FallbackIntent"
TRACKING_NUMBER = "trackingNumber"
NEW_DELIVERY_DATE = "newDeliveryDate"
# Intents a declined agent offer can return to (they have slots worth keeping).
RESUMABLE_INTENTS = frozenset({CHECK_DELIVERY_STATUS, CHANGE_DELIVERY_DATE})


@dataclass(frozen=True, slots=True)
class TurnContext:
    turn: Turn
    assessment: Assessment
    memory: ConversationMemory
    today: date
    deliveries: DeliveryRepository
    turn_score: float | None

    @property
    def upset(self) -> bool:
        return self.assessment.decision is not Decision.NONE

    @property
    def is_fulfilment(self) -> bool:
        return self.turn.invocation_source is InvocationSource.FULFILLMENT_CODE_HOOK


@dataclass(frozen=True, slots=True)
class Answer:
    """An intent's reply before session attributes are merged in."""

    action: DialogActionType
    memory: ConversationMemory
    message: str | None = None
    intent_name: str | None = None
    intent_state: IntentState | None = None
    slots: Mapping[str, SlotValue | None] = field(default_factory=dict)
    slot_to_elicit: str | None = None
    confirmation_state: ConfirmationState | None = None
    handover_attributes: Mapping[str, str] = field(default_factory=dict)
    lookup_failed: bool = False


def elicit_slot(
    context: TurnContext,
    slot: str,
    message: str,
    slots: Mapping[str, SlotValue | None],
    memory: ConversationMemory | None = None,
) -> Answer:
    """Ask for a slot; a very upset customer is offered an agent instead of another question."""
    if context.assessment.decision is Decision.OFFER_AGENT:
        return offer_agent_for_sentiment(context, memory)
    return Answer(
        action=DialogActionType.ELICIT_SLOT,
        memory=memory or context.memory,
        message=message,
        intent_name=context.turn.intent_name,
        intent_state=IntentState.IN_PROGRESS,
        slots={**slots, slot: None},
        slot_to_elicit=slot,
    )


def delegate(context: TurnContext, slots: Mapping[str, SlotValue | None]) -> Answer:
    """Hand the turn back to Lex with everything it needs; its fulfilment hook comes next."""
    return Answer(
        action=DialogActionType.DELEGATE,
        memory=context.memory,
        intent_name=context.turn.intent_name,
        intent_state=IntentState.READY_FOR_FULFILLMENT,
        slots=slots,
    )


def close(context: TurnContext, message: str) -> Answer:
    """The intent is done: what it was waiting for (misses, a pending offer) is forgotten."""
    memory = replace(
        context.memory, lookup_misses=0, agent_offer_reason=None, interrupted_intent=None, interrupted_slots={}
    )
    return Answer(
        action=DialogActionType.CLOSE,
        memory=memory,
        message=message,
        intent_name=context.turn.intent_name,
        intent_state=IntentState.FULFILLED,
        slots=context.turn.slots,
    )


def elicit_intent(context: TurnContext, message: str) -> Answer:
    return Answer(action=DialogActionType.ELICIT_INTENT, memory=context.memory, message=message)


def offer_agent(
    context: TurnContext,
    reason: HandoverReason,
    message: str,
    *,
    lookup_failed: bool = False,
    memory: ConversationMemory | None = None,
) -> Answer:
    """Ask "Would you like to speak to an agent?" as a yes/no on AgentHandover, remembering where we were."""
    interrupted = context.turn.intent_name if context.turn.intent_name in RESUMABLE_INTENTS else None
    memory = replace(
        memory or context.memory,
        agent_offer_reason=reason,
        interrupted_intent=interrupted,
        interrupted_slots={name: value.interpreted if value else None for name, value in context.turn.slots.items()}
        if interrupted
        else {},
    )
    return Answer(
        action=DialogActionType.CONFIRM_INTENT,
        memory=memory,
        message=message,
        intent_name=AGENT_HANDOVER,
        intent_state=IntentState.IN_PROGRESS,
        slots={},
        lookup_failed=lookup_failed,
    )


def offer_agent_for_sentiment(context: TurnContext, memory: ConversationMemory | None = None) -> Answer:
    reason = context.assessment.reason or HandoverReason.NEGATIVE_SENTIMENT
    return offer_agent(context, reason, f"{wording.APOLOGY} {wording.OFFER_AGENT}", memory=memory)


def hand_over(context: TurnContext, reason: HandoverReason) -> Answer:
    """Close on AgentHandover with the attributes an Amazon Connect flow branches on and shows the agent."""
    memory = context.memory
    handover_attributes = {
        Attr.HANDOVER: "true",
        Attr.HANDOVER_REASON: reason.value,
        Attr.HANDOVER_INTENT: memory.interrupted_intent or context.turn.intent_name or AGENT_HANDOVER,
        Attr.HANDOVER_SENTIMENT_SCORE: scale.shown(context.turn_score),
        Attr.CONVERSATION_SENTIMENT_SCORE: scale.shown(scale.mean_score(memory.score_sum, memory.scored_turns)),
    }
    return Answer(
        action=DialogActionType.CLOSE,
        memory=replace(
            memory,
            negative_turns=0,
            lookup_misses=0,
            agent_offer_reason=None,
            interrupted_intent=None,
            interrupted_slots={},
        ),
        message=wording.TRANSFERRING,
        intent_name=AGENT_HANDOVER,
        intent_state=IntentState.FULFILLED,
        slots={},
        handover_attributes=handover_attributes,
    )
