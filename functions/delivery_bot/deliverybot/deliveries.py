"""Delivery facts, the rules for what a customer may ask of them, and where DeliveryBot looks them up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

RESCHEDULE_WINDOW_DAYS = 30
# Tracking numbers are 4 to 24 letters or digits; customers (and speech) add spaces and dashes.
_TRACKING_NUMBER = re.compile(r"^[A-Z0-9]{4,24}$")
_SEPARATORS = re.compile(r"[\s\-]+")


class AddressLabel(StrEnum):
    """Which of the customer's addresses a delivery goes to: all the bot ever says about where.

    The street address stays in the deliveries table: anyone who says a tracking number hears the
    answer, so it must not tell them where someone lives or works.
    """

    HOME = "home"
    WORK = "work"
    LOCKER = "locker"
    OTHER = "other"

    @classmethod
    def of(cls, raw: str | None) -> AddressLabel:
        try:
            return cls(raw or "")
        except ValueError:
            return cls.OTHER


@dataclass(frozen=True, slots=True)
class Delivery:
    tracking_number: str
    delivery_date: date
    address_label: AddressLabel


def normalise_tracking_number(raw: str | None) -> str | None:
    """The canonical tracking number, or None when the text cannot be one."""
    if raw is None or len(raw) > 64:
        return None
    candidate = _SEPARATORS.sub("", raw).upper()
    return candidate if _TRACKING_NUMBER.match(candidate) else None


def parse_iso_date(raw: str | None) -> date | None:
    if raw is None or len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def reschedule_window(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=RESCHEDULE_WINDOW_DAYS)


def in_reschedule_window(requested: date, today: date) -> bool:
    first, last = reschedule_window(today)
    return first <= requested <= last


class DeliveryRepository(Protocol):
    def find(self, tracking_number: str) -> Delivery | None:
        """The delivery, or None when there is none; raises StoreUnavailable."""
        ...

    def reschedule(self, tracking_number: str, new_date: date) -> Delivery | None:
        """The updated delivery, or None when it does not exist; raises StoreUnavailable."""
        ...
