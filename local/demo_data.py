"""Demo deliveries: the AWS blog's package 21132 and a handful of others."""

from __future__ import annotations

DEMO_DELIVERIES: tuple[dict[str, str], ...] = (
    {"trackingNumber": "21132", "deliveryDate": "2026-11-27", "deliveryAddress": "home address"},
    {"trackingNumber": "21133", "deliveryDate": "2026-11-25", "deliveryAddress": "work address"},
    {"trackingNumber": "40417", "deliveryDate": "2026-11-30", "deliveryAddress": "12 Harbour Street, Bristol"},
    {"trackingNumber": "58120", "deliveryDate": "2026-12-02", "deliveryAddress": "home address"},
    {"trackingNumber": "AB12CD34", "deliveryDate": "2026-12-04", "deliveryAddress": "the parcel locker on Elm Road"},
    {"trackingNumber": "77001", "deliveryDate": "2026-11-24", "deliveryAddress": "home address"},
)
