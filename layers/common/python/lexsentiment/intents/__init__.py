"""One dialogue per intent; the router picks it by the intent name Lex is working on."""

from __future__ import annotations

from lexsentiment.intents.agent_handover import agent_handover
from lexsentiment.intents.change_delivery_date import change_delivery_date
from lexsentiment.intents.check_delivery_status import check_delivery_status
from lexsentiment.intents.common import (
    AGENT_HANDOVER,
    CHANGE_DELIVERY_DATE,
    CHECK_DELIVERY_STATUS,
    FALLBACK,
    Answer,
    TurnContext,
)
from lexsentiment.intents.fallback import fallback

KNOWN_INTENTS = frozenset({CHECK_DELIVERY_STATUS, CHANGE_DELIVERY_DATE, AGENT_HANDOVER, FALLBACK})


def answer(context: TurnContext) -> Answer:
    intent = context.turn.intent_name
    if intent == CHECK_DELIVERY_STATUS:
        return check_delivery_status(context)
    if intent == CHANGE_DELIVERY_DATE:
        return change_delivery_date(context)
    if intent == AGENT_HANDOVER:
        return agent_handover(context, resume=answer)
    return fallback(context)
