"""CheckDeliveryStatus: "When is my package arriving?" -> the date and address, looked up by tracking number."""

from __future__ import annotations

from deliverybot import wording
from deliverybot.deliveries import normalise_tracking_number
from deliverybot.intents.common import (
    TRACKING_NUMBER,
    BotTurn,
    close,
    delegate,
    elicit_intent,
    elicit_slot,
    offer_agent,
)
from lexsentiment import turn_sentiment
from lexsentiment.errors import StoreUnavailable
from lexsentiment.lex.reply import Reply
from lexsentiment.lex.turn import SlotValue

# After this many tracking numbers in a row that match no delivery, the customer is offered an agent.
MISSES_BEFORE_OFFER = 2


def check_delivery_status(bot: BotTurn) -> Reply:
    required = require_tracking_number(bot, dict(bot.turn.slots))
    if isinstance(required, Reply):
        return required
    tracking_number, slots = required
    if not bot.is_fulfilment:
        return delegate(bot, slots)
    try:
        delivery = bot.deliveries.find(tracking_number)
    except StoreUnavailable:
        return store_unavailable(wording.LOOKUP_UNAVAILABLE)
    if delivery is None:
        return tracking_number_not_found(bot, tracking_number, slots)
    return close(bot, wording.arrival(delivery, bot.today))


def require_tracking_number(
    bot: BotTurn, slots: dict[str, SlotValue | None]
) -> tuple[str, dict[str, SlotValue | None]] | Reply:
    """The normalised tracking number and the slots carrying it, or the question that asks for it (again)."""
    raw = bot.turn.slot(TRACKING_NUMBER)
    if raw is None:
        return elicit_slot(bot, TRACKING_NUMBER, wording.ASK_TRACKING_NUMBER, slots)
    tracking_number = normalise_tracking_number(raw)
    if tracking_number is None:
        return elicit_slot(bot, TRACKING_NUMBER, wording.MALFORMED_TRACKING_NUMBER, slots)
    original = slots.get(TRACKING_NUMBER)
    # The slot as the customer said it, with the normalised number Lex and the table will see.
    canonical = SlotValue(original=original.original if original else raw, interpreted=tracking_number)
    return tracking_number, {**slots, TRACKING_NUMBER: canonical}


def store_unavailable(what_failed: str) -> Reply:
    """Never guess a date: say what failed and offer a person who can look it up another way
    (unless the customer has just said no to one: then what else the bot can do)."""
    if turn_sentiment().resumed_after_decline:
        return elicit_intent(f"{what_failed} {wording.CAPABILITIES}")
    return offer_agent(f"{what_failed} {wording.OFFER_AGENT}")


def tracking_number_not_found(bot: BotTurn, tracking_number: str, slots: dict[str, SlotValue | None]) -> Reply:
    misses = bot.lookup_misses + 1
    # Right after a "no" to an agent the number is asked for again: an offer in the same breath nags.
    if misses >= MISSES_BEFORE_OFFER and not turn_sentiment().resumed_after_decline:
        return offer_agent(wording.not_found_again(tracking_number), failed_slot=TRACKING_NUMBER)
    return elicit_slot(bot, TRACKING_NUMBER, wording.not_found(tracking_number), slots, misses=misses)
