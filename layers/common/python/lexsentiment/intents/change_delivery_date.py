"""ChangeDeliveryDate: move a delivery to a new day within the next 30 days, after a yes/no confirmation."""

from __future__ import annotations

from datetime import date

from lexsentiment.domain import wording
from lexsentiment.domain.deliveries import (
    in_reschedule_window,
    parse_iso_date,
    reschedule_window,
)
from lexsentiment.intents.check_delivery_status import (
    require_tracking_number,
    store_unavailable,
    tracking_number_not_found,
)
from lexsentiment.intents.common import (
    NEW_DELIVERY_DATE,
    Answer,
    TurnContext,
    close,
    delegate,
    elicit_slot,
)
from lexsentiment.models.reply import DialogActionType, IntentState
from lexsentiment.models.turn import ConfirmationState, SlotValue
from lexsentiment.ports import DeliveryStoreUnavailable


def change_delivery_date(context: TurnContext) -> Answer:
    turn = context.turn
    slots = dict(turn.slots)
    required = require_tracking_number(context, slots)
    if isinstance(required, Answer):
        return required
    tracking_number, slots = required

    raw_date = turn.slot(NEW_DELIVERY_DATE)
    new_date = parse_iso_date(raw_date)
    if raw_date is None:
        return elicit_slot(context, NEW_DELIVERY_DATE, wording.with_apology(wording.ASK_NEW_DATE, context.upset), slots)
    if new_date is None:
        return elicit_slot(context, NEW_DELIVERY_DATE, wording.UNREADABLE_DATE, slots)
    if not in_reschedule_window(new_date, context.today):
        first, last = reschedule_window(context.today)
        return elicit_slot(context, NEW_DELIVERY_DATE, wording.date_out_of_window(first, last), slots)

    if turn.confirmation_state is ConfirmationState.DENIED:
        return elicit_slot(context, NEW_DELIVERY_DATE, f"{wording.NO_PROBLEM} {wording.ASK_NEW_DATE}", slots)
    if context.is_fulfilment:
        return _reschedule(context, tracking_number, new_date, slots)
    if turn.confirmation_state is ConfirmationState.CONFIRMED:
        return delegate(context, slots)
    return Answer(
        action=DialogActionType.CONFIRM_INTENT,
        memory=context.memory,
        message=wording.with_apology(wording.confirm_reschedule(tracking_number, new_date), context.upset),
        intent_name=turn.intent_name,
        intent_state=IntentState.IN_PROGRESS,
        slots=slots,
    )


def _reschedule(
    context: TurnContext, tracking_number: str, new_date: date, slots: dict[str, SlotValue | None]
) -> Answer:
    try:
        delivery = context.deliveries.reschedule(tracking_number, new_date)
    except DeliveryStoreUnavailable:
        return store_unavailable(context, wording.CHANGE_UNAVAILABLE)
    if delivery is None:
        return tracking_number_not_found(context, tracking_number, slots)
    return close(context, wording.with_apology(wording.rescheduled(delivery), context.upset))
