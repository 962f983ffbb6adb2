"""Demo deliveries: the AWS blog's package 21132 and a handful of others, dated from the day they are seeded.

Dates are days after "today" (the day the store is seeded, or a transcript's own day), so the demo
makes sense whenever it runs: 21132 always arrives in four days, and 77001 was due yesterday (the
bot says "was due on"). `deliveryAddress` is what a real table would hold (made-up streets here);
the bot never reads it out, only `addressLabel` (see deliverybot.deliveries.AddressLabel).
"""

from __future__ import annotations

from datetime import date, timedelta

BLOG_TRACKING_NUMBER = "21132"
# tracking number, days after today, address label, street
_DELIVERIES = (
    (BLOG_TRACKING_NUMBER, 4, "home", "4 Example Row, Springfield"),
    ("21133", 2, "work", "Unit 9, Sample Park, Springfield"),
    ("40417", 7, "home", "12 Harbour Street, Bristol"),
    ("58120", 9, "home", "7 Test Lane, Springfield"),
    ("AB12CD34", 11, "locker", "Parcel locker, Elm Road"),
    ("77001", -1, "other", "c/o Reception, 1 Demo Square"),
)
DEMO_TRACKING_NUMBERS = tuple(number for number, *_ in _DELIVERIES)


def demo_deliveries(today: date) -> tuple[dict[str, str], ...]:
    """The demo deliveries as the deliveries table holds them, dated from `today`."""
    return tuple(
        {
            "trackingNumber": number,
            "deliveryDate": (today + timedelta(days=days)).isoformat(),
            "addressLabel": label,
            "deliveryAddress": street,
        }
        for number, days, label, street in _DELIVERIES
    )


def demo_delivery_date(tracking_number: str, today: date) -> date:
    (delivery,) = [item for item in demo_deliveries(today) if item["trackingNumber"] == tracking_number]
    return date.fromisoformat(delivery["deliveryDate"])
