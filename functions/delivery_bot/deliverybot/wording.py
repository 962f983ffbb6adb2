"""Everything DeliveryBot says, in one place so V1 and V2 say exactly the same thing.

The apology, the agent offer and the transfer are the layer's words (its defaults), not DeliveryBot's.
"""

from __future__ import annotations

from datetime import date

from deliverybot.deliveries import AddressLabel, Delivery

ASK_TRACKING_NUMBER = "What is your tracking number?"
OFFER_AGENT = "Would you like to speak to an agent?"
CAPABILITIES = (
    "I can tell you when your package will arrive, change its delivery date, or put you through to an agent. "
    "What would you like to do?"
)
MALFORMED_TRACKING_NUMBER = (
    "That doesn't look like a tracking number. It has 4 to 24 letters or digits, for example 21132. "
    "What is your tracking number?"
)
ASK_NEW_DATE = "Which date would you like the delivery on?"
LOOKUP_UNAVAILABLE = "I can't look up deliveries right now."
CHANGE_UNAVAILABLE = "I can't change deliveries right now."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side."
LATE_DELIVERY = "If it hasn't reached you, ask for an agent."
NO_PROBLEM = "No problem."


def spoken_date(day: date) -> str:
    """'Friday, November 27', with no locale dependence (strftime would follow the process locale)."""
    return f"{_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1]} {day.day}"


# Where, as the bot says it: a label, never a street or a postcode (anyone may say a tracking number).
_SPOKEN_ADDRESS = {
    AddressLabel.HOME: "your home address",
    AddressLabel.WORK: "your work address",
    AddressLabel.LOCKER: "your parcel locker",
    AddressLabel.OTHER: "the address on your order",
}


def arrival(delivery: Delivery, today: date) -> str:
    """The day it will arrive, or once that day has passed the day it was due: never a promise in the past."""
    where = _SPOKEN_ADDRESS[delivery.address_label]
    if delivery.delivery_date < today:
        return (
            f"Your package {delivery.tracking_number} was due on {spoken_date(delivery.delivery_date)} "
            f"at {where}. {LATE_DELIVERY}"
        )
    return f"Your package {delivery.tracking_number} will arrive on {spoken_date(delivery.delivery_date)} at {where}."


def rescheduled(delivery: Delivery) -> str:
    return (
        f"Done. Your package {delivery.tracking_number} will now arrive on "
        f"{spoken_date(delivery.delivery_date)} at {_SPOKEN_ADDRESS[delivery.address_label]}."
    )


def confirm_reschedule(tracking_number: str, new_date: date) -> str:
    return f"Shall I move the delivery of package {tracking_number} to {spoken_date(new_date)}?"


def not_found(tracking_number: str) -> str:
    return (
        f"I couldn't find a delivery with tracking number {tracking_number}. Please check the number and tell me again."
    )


def not_found_again(tracking_number: str) -> str:
    return f"I still couldn't find a delivery with tracking number {tracking_number}. {OFFER_AGENT}"


def date_out_of_window(first: date, last: date) -> str:
    return f"I can move a delivery to any day from {spoken_date(first)} to {spoken_date(last)}. {ASK_NEW_DATE}"


UNREADABLE_DATE = f"I didn't catch a date there. {ASK_NEW_DATE}"

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
