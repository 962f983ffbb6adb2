"""Demo deliveries: the AWS blog's package 21132 and a handful of others.

`deliveryAddress` is what a real table would hold (made-up streets here); the bot never reads it out,
only `addressLabel` (see deliverybot.deliveries.AddressLabel).
"""

from __future__ import annotations

DEMO_DELIVERIES: tuple[dict[str, str], ...] = (
    {
        "trackingNumber": "21132",
        "deliveryDate": "2026-11-27",
        "addressLabel": "home",
        "deliveryAddress": "4 Example Row, Springfield",
    },
    {
        "trackingNumber": "21133",
        "deliveryDate": "2026-11-25",
        "addressLabel": "work",
        "deliveryAddress": "Unit 9, Sample Park, Springfield",
    },
    {
        "trackingNumber": "40417",
        "deliveryDate": "2026-11-30",
        "addressLabel": "home",
        "deliveryAddress": "12 Harbour Street, Bristol",
    },
    {
        "trackingNumber": "58120",
        "deliveryDate": "2026-12-02",
        "addressLabel": "home",
        "deliveryAddress": "7 Test Lane, Springfield",
    },
    {
        "trackingNumber": "AB12CD34",
        "deliveryDate": "2026-12-04",
        "addressLabel": "locker",
        "deliveryAddress": "Parcel locker, Elm Road",
    },
    {
        "trackingNumber": "77001",
        "deliveryDate": "2026-11-24",
        "addressLabel": "other",
        "deliveryAddress": "c/o Reception, 1 Demo Square",
    },
)
