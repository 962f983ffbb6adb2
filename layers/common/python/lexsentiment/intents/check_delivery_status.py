"""CheckDeliveryStatus: "When is my package arriving?" -> the date and address, looked up by tracking number."""

from __future__ import annotations

from dataclasses import replace

from lexsentiment.domain import wording
from lexsentiment.domain.deliveries import normalise_tracking_number
from lexsentiment.domain.sentiment_policy import HandoverReason
from lexsentiment.intents.common import (
    TRACKING_NUMBER,
    Answer,
    TurnContext,
    close,
    delegate,
    elicit_slot,
    offer_agent,
)
from lexsentiment.models.turn import SlotValue
from lexsentiment.ports import DeliveryStoreUnavailable

# After this many tracking numbers that match no delivery, the customer is offered an agent.
MISSES_BEFORE_OFFER = 2


def check_delivery_status(context: TurnContext) -> Answer:
    required = require_tracking_number(context, dict(context.turn.slots))
    if isinstance(required, Answer):
        return required
    tracking_number, slots = required
    if not context.is_fulfilment:
        return delegate(context, slots)
    return _answer_with_delivery(context, tracking_number, slots)


def require_tracking_number(
    context: TurnContext, slots: dict[str, SlotValue | None]
) -> tuple[str, dict[str, SlotValue | None]] | Answer:
    """The normalised tracking number and the slots carrying it, or the question that asks for it (again)."""
    raw = context.turn.slot(TRACKING_NUMBER)
    if raw is None:
        return elicit_slot(
            context, TRACKING_NUMBER, wording.with_apology(wording.ASK_TRACKING_NUMBER, context.upset), slots
        )
    tracking_number = normalise_tracking_number(raw)
    if tracking_number is None:
        return elicit_slot(
            context, TRACKING_NUMBER, wording.with_apology(wording.MALFORMED_TRACKING_NUMBER, context.upset), slots
        )
    return tracking_number, {
        **slots,
        TRACKING_NUMBER: canonical_tracking_number(slots.get(TRACKING_NUMBER), raw, tracking_number),
    }


def _answer_with_delivery(context: TurnContext, tracking_number: str, slots: dict[str, SlotValue | None]) -> Answer:
    try:
        delivery = context.deliveries.find(tracking_number)
    except DeliveryStoreUnavailable:
        return store_unavailable(context, wording.LOOKUP_UNAVAILABLE)
    if delivery is None:
        return tracking_number_not_found(context, tracking_number, slots)
    # An answer beats an offer: a customer who gave us the number gets the date, with an apology if upset.
    return close(context, wording.with_apology(wording.arrival(delivery), context.upset))


def store_unavailable(context: TurnContext, what_failed: str) -> Answer:
    """Never guess a date: say what failed and offer a person who can look it up another way."""
    return offer_agent(
        context, HandoverReason.LOOKUP_FAILED, f"{what_failed} {wording.OFFER_AGENT}", lookup_failed=True
    )


def tracking_number_not_found(context: TurnContext, tracking_number: str, slots: dict[str, SlotValue | None]) -> Answer:
    misses = context.memory.lookup_misses + 1
    memory = replace(context.memory, lookup_misses=misses)
    if misses >= MISSES_BEFORE_OFFER:
        return offer_agent(
            context, HandoverReason.LOOKUP_FAILED, wording.not_found_again(tracking_number), memory=memory
        )
    return elicit_slot(context, TRACKING_NUMBER, wording.not_found(tracking_number), slots, memory=memory)


def canonical_tracking_number(original: SlotValue | None, raw: str, tracking_number: str) -> SlotValue:
    """The slot as the customer said it, with the normalised number Lex and the table will see."""
    return SlotValue(original=original.original if original else raw, interpreted=tracking_number)
