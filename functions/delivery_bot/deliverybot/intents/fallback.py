"""FallbackIntent and any intent DeliveryBot does not know: say what the bot can do."""

from __future__ import annotations

from deliverybot import wording
from deliverybot.intents.common import BotTurn, elicit_intent
from lexsentiment.lex.reply import Reply


def fallback(bot: BotTurn) -> Reply:
    return elicit_intent(wording.CAPABILITIES)
