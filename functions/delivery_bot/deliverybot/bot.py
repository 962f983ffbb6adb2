"""DeliveryBot as a plain Lex code hook on a deliveries repository, made sentiment-aware by the layer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from deliverybot import wording
from deliverybot.deliveries import DeliveryRepository
from deliverybot.intents import answer
from deliverybot.intents.common import AGENT_HANDOVER, INTENTS, BotTurn
from lexsentiment import sentiment_aware
from lexsentiment.decorator import SentimentAwareHandler
from lexsentiment.lex.events import read_turn
from lexsentiment.lex.reply import render


def delivery_bot(deliveries: DeliveryRepository, clock: Callable[[], datetime], **layer: Any) -> SentimentAwareHandler:
    """DeliveryBot's code hook on these deliveries, wrapped by the sentiment layer.

    `layer` passes keyword arguments through to `sentiment_aware` (tests and local tools give it a
    recorder or settings of their own); the wording is DeliveryBot's own.
    """

    def code_hook(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """DeliveryBot's dialogue on one Lex event (V2 or V1), answered in the event's format."""
        turn = read_turn(event)
        return render(answer(BotTurn(turn, clock().date(), deliveries)), turn.lex_version)

    handler: SentimentAwareHandler = sentiment_aware(
        code_hook,
        handover_intent=AGENT_HANDOVER,
        sorry_message=f"{wording.SOMETHING_WENT_WRONG} {wording.CAPABILITIES}",
        declined_message=f"{wording.NO_PROBLEM} {wording.CAPABILITIES}",
        no_problem=wording.NO_PROBLEM,
        metric_intents=INTENTS,
        clock=clock,
        **layer,
    )
    return handler
