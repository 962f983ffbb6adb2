"""AgentHandover: asked for directly, or the answer to our "Would you like to speak to an agent?"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lexsentiment.domain import wording
from lexsentiment.domain.sentiment_policy import Assessment, Decision, HandoverReason
from lexsentiment.intents.common import Answer, TurnContext, elicit_intent, hand_over
from lexsentiment.models.turn import ConfirmationState, InvocationSource, SlotValue


def agent_handover(context: TurnContext, resume: Callable[[TurnContext], Answer]) -> Answer:
    if context.turn.confirmation_state is ConfirmationState.DENIED:
        return _declined(context, resume)
    offered = context.memory.agent_offer_reason
    if context.turn.confirmation_state is ConfirmationState.CONFIRMED and offered is not None:
        return hand_over(context, offered)
    return hand_over(context, HandoverReason.CUSTOMER_REQUEST)


def _declined(context: TurnContext, resume: Callable[[TurnContext], Answer]) -> Answer:
    """The customer said no: carry on where we were, without asking again on this turn."""
    memory = replace(context.memory, agent_declined=True, negative_turns=0, agent_offer_reason=None)
    interrupted = memory.interrupted_intent
    if interrupted is None:
        return replace(elicit_intent(context, f"{wording.NO_PROBLEM} {wording.CAPABILITIES}"), memory=memory)
    resumed_turn = replace(
        context.turn,
        intent_name=interrupted,
        slots={name: SlotValue(value, value) if value else None for name, value in memory.interrupted_slots.items()},
        confirmation_state=ConfirmationState.NONE,
        invocation_source=InvocationSource.DIALOG_CODE_HOOK,
    )
    resumed = resume(
        replace(
            context,
            turn=resumed_turn,
            assessment=Assessment(Decision.NONE, 0),  # never a second offer in the same breath
            memory=replace(memory, interrupted_intent=None, interrupted_slots={}),
        )
    )
    message = f"{wording.NO_PROBLEM} {resumed.message}" if resumed.message else wording.NO_PROBLEM
    return replace(resumed, message=message)
