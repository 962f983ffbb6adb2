"""BookTrip's Lex V2 code hook: validates slots while Lex asks for them, confirms the booking at fulfilment.

It is ordinary code hook code over the raw event dict. The one line that makes it sentiment-aware is
the decorator: the layer apologises to upset customers, offers an agent (intent SpeakToAgent) to
very upset ones, hands over on "yes", resumes the booking on "no" and records how every turn felt.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lexsentiment import sentiment_aware

BOOK_HOTEL = "BookHotel"
BOOK_CAR = "BookCar"
FALLBACK = "FallbackIntent"
# Answered by the sentiment layer (offer, hand-over, decline): this handler never sees it.
HANDOVER_INTENT = "SpeakToAgent"
# The intents this handler answers itself.
INTENTS = (BOOK_HOTEL, BOOK_CAR, FALLBACK)

MAX_NIGHTS = 30
MIN_DRIVER_AGE = 18
CAPABILITIES = "I can book a hotel or a rental car. What would you like to do?"

Event = dict[str, Any]
Response = dict[str, Any]


def slot_value(intent: dict[str, Any], name: str) -> str | None:
    """The interpreted value of a filled slot, or None."""
    slot = (intent.get("slots") or {}).get(name)
    value = (slot or {}).get("value") or {}
    text = value.get("interpretedValue") or value.get("originalValue")
    return str(text) if text else None


def _number(text: str | None) -> int | None:
    try:
        return int(float(text)) if text is not None else None
    except (ValueError, OverflowError):
        return None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text is not None else None
    except ValueError:
        return None


def hotel_problem(intent: dict[str, Any]) -> tuple[str, str] | None:
    """(slot, what to ask) for the first invalid hotel slot, or None."""
    given = slot_value(intent, "Nights")
    nights = _number(given)
    if given is not None and (nights is None or not 1 <= nights <= MAX_NIGHTS):
        return "Nights", f"You can book between 1 and {MAX_NIGHTS} nights. How many nights will you stay?"
    return None


def car_problem(intent: dict[str, Any]) -> tuple[str, str] | None:
    """(slot, what to ask) for the first invalid car slot, or None."""
    given = slot_value(intent, "DriverAge")
    age = _number(given)
    if given is not None and (age is None or age < MIN_DRIVER_AGE):
        return "DriverAge", f"Drivers must be at least {MIN_DRIVER_AGE} years old. How old is the driver?"
    pick_up, return_on = _day(slot_value(intent, "PickUpDate")), _day(slot_value(intent, "ReturnDate"))
    if pick_up and return_on and return_on <= pick_up:
        return "ReturnDate", "The return date must be after the pick-up date. When will you return the car?"
    return None


def hotel_confirmation(intent: dict[str, Any]) -> str:
    nights = slot_value(intent, "Nights")
    return (
        f"Thanks, I have booked a {slot_value(intent, 'RoomType')} room in {slot_value(intent, 'Location')} "
        f"for {nights} night{'' if nights == '1' else 's'} from {slot_value(intent, 'CheckInDate')}."
    )


def car_confirmation(intent: dict[str, Any]) -> str:
    return (
        f"Thanks, I have booked a {slot_value(intent, 'CarType')} car in {slot_value(intent, 'PickUpCity')} "
        f"from {slot_value(intent, 'PickUpDate')} to {slot_value(intent, 'ReturnDate')}."
    )


def _session_state(
    event: Event, action: dict[str, Any], intent: dict[str, Any] | None, **attributes: str
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "sessionAttributes": {**(event["sessionState"].get("sessionAttributes") or {}), **attributes},
        "dialogAction": action,
    }
    if intent is not None:
        state["intent"] = intent
    return state


def _messages(text: str) -> list[dict[str, str]]:
    return [{"contentType": "PlainText", "content": text}]


def elicit_slot(event: Event, intent: dict[str, Any], slot: str, message: str) -> Response:
    """Ask for `slot` again; Lex replaces its invalid value with the customer's next answer."""
    action = {"type": "ElicitSlot", "slotToElicit": slot}
    return {"sessionState": _session_state(event, action, intent), "messages": _messages(message)}


def delegate(event: Event, intent: dict[str, Any]) -> Response:
    return {"sessionState": _session_state(event, {"type": "Delegate"}, intent)}


def close(event: Event, intent: dict[str, Any], message: str) -> Response:
    fulfilled = {**intent, "state": "Fulfilled"}
    state = _session_state(event, {"type": "Close"}, fulfilled, lastBooking=intent["name"])
    return {"sessionState": state, "messages": _messages(message)}


def elicit_intent(event: Event, message: str) -> Response:
    return {"sessionState": _session_state(event, {"type": "ElicitIntent"}, None), "messages": _messages(message)}


BOOKINGS = {BOOK_HOTEL: (hotel_problem, hotel_confirmation), BOOK_CAR: (car_problem, car_confirmation)}


@sentiment_aware(handover_intent=HANDOVER_INTENT)
def lambda_handler(event: Event, context: Any) -> Response:
    intent = event["sessionState"]["intent"]
    booking = BOOKINGS.get(intent["name"])
    if booking is None:  # FallbackIntent, or anything this bot does not book
        return elicit_intent(event, f"Sorry, I didn't get that. {CAPABILITIES}")
    problem_of, confirmation_of = booking
    if event["invocationSource"] == "DialogCodeHook":
        problem = problem_of(intent)
        if problem is not None:
            slot, question = problem
            return elicit_slot(event, intent, slot, question)
        return delegate(event, intent)
    return close(event, intent, confirmation_of(intent))
