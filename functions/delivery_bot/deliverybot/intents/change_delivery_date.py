"""ChangeDeliveryDate: move a delivery to a new day within the next 30 days, after a yes/no confirmation."""

from __future__ import annotations

from datetime import date

from deliverybot import wording
from deliverybot.deliveries import in_reschedule_window, parse_iso_date, reschedule_window
from deliverybot.intents.check_delivery_status import (
    require_tracking_number,
    store_unavailable,
    tracking_number_not_found,
)
from deliverybot.intents.common import NEW_DELIVERY_DATE, BotTurn, close, delegate, elicit_slot
from lexsentiment.errors import StoreUnavailable
from lexsentiment.lex.reply import DialogActionType, IntentState, Reply
from lexsentiment.lex.turn import ConfirmationState, SlotValue


def change_delivery_date(bot: BotTurn) -> Reply:
    turn = bot.turn
    required = require_tracking_number(bot, dict(turn.slots))
    if isinstance(required, Reply):
        return required
    tracking_number, slots = required

    raw_date = turn.slot(NEW_DELIVERY_DATE)
    new_date = parse_iso_date(raw_date)
    if raw_date is None:
        return elicit_slot(bot, NEW_DELIVERY_DATE, wording.ASK_NEW_DATE, slots)
    if new_date is None:
        return elicit_slot(bot, NEW_DELIVERY_DATE, wording.UNREADABLE_DATE, slots)
    if not in_reschedule_window(new_date, bot.today):
        first, last = reschedule_window(bot.today)
        return elicit_slot(bot, NEW_DELIVERY_DATE, wording.date_out_of_window(first, last), slots)

    if turn.confirmation_state is ConfirmationState.DENIED:
        return elicit_slot(bot, NEW_DELIVERY_DATE, f"{wording.NO_PROBLEM} {wording.ASK_NEW_DATE}", slots)
    if bot.is_fulfilment:
        return _reschedule(bot, tracking_number, new_date, slots)
    if turn.confirmation_state is ConfirmationState.CONFIRMED:
        return delegate(bot, slots)
    return Reply(
        action=DialogActionType.CONFIRM_INTENT,
        session_attributes={},
        message=wording.confirm_reschedule(tracking_number, new_date),
        intent_name=turn.intent_name,
        intent_state=IntentState.IN_PROGRESS,
        slots=slots,
    )


def _reschedule(bot: BotTurn, tracking_number: str, new_date: date, slots: dict[str, SlotValue | None]) -> Reply:
    try:
        delivery = bot.deliveries.reschedule(tracking_number, new_date)
    except StoreUnavailable:
        return store_unavailable(wording.CHANGE_UNAVAILABLE)
    if delivery is None:
        return tracking_number_not_found(bot, tracking_number, slots)
    return close(bot, wording.rescheduled(delivery))
