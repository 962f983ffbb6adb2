"""One dialogue per intent, picked by the intent name Lex is working on (AgentHandover is the layer's)."""

from __future__ import annotations

from collections.abc import Callable

from deliverybot.intents.change_delivery_date import change_delivery_date
from deliverybot.intents.check_delivery_status import check_delivery_status
from deliverybot.intents.common import CHANGE_DELIVERY_DATE, CHECK_DELIVERY_STATUS, INTENTS, BotTurn
from deliverybot.intents.fallback import fallback
from lexsentiment.lex.reply import Reply
from lexsentiment.observability import logger

DIALOGUES: dict[str, Callable[[BotTurn], Reply]] = {
    CHECK_DELIVERY_STATUS: check_delivery_status,
    CHANGE_DELIVERY_DATE: change_delivery_date,
}


def answer(bot: BotTurn) -> Reply:
    intent = bot.turn.intent_name
    if intent not in INTENTS:
        logger.warning("unknown_intent")
    return DIALOGUES.get(intent, fallback)(bot)
