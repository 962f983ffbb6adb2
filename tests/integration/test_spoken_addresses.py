"""Anyone can say a tracking number: the answer names which address (home, work...), never the street."""

from __future__ import annotations

import pytest

from local.demo_data import demo_deliveries
from tests.integration.conftest import Invoke
from tests.support import NOW, load_event, reply_text

SPOKEN = {
    "home": "at your home address.",
    "work": "at your work address.",
    "locker": "at your parcel locker.",
    "other": "at the address on your order.",
}


DEMO_DELIVERIES = demo_deliveries(NOW.date())


@pytest.mark.parametrize("delivery", DEMO_DELIVERIES, ids=[item["trackingNumber"] for item in DEMO_DELIVERIES])
def test_the_delivery_status_speaks_the_address_label_only(invoke: Invoke, delivery: dict[str, str]) -> None:
    event = load_event("lexv2/check-delivery-status-fulfilment.json")
    slot = event["sessionState"]["intent"]["slots"]["trackingNumber"]["value"]
    slot["originalValue"] = slot["interpretedValue"] = delivery["trackingNumber"]
    slot["resolvedValues"] = [delivery["trackingNumber"]]

    text = reply_text(invoke(event))

    assert SPOKEN[delivery["addressLabel"]] in text, text
    street = delivery["deliveryAddress"]
    assert street not in text
    assert not any(part.strip() in text for part in street.split(","))  # not even the town


def test_a_rescheduled_delivery_is_confirmed_with_the_label_too(invoke: Invoke) -> None:
    text = reply_text(invoke(load_event("lexv2/change-delivery-date-confirmed.json")))

    assert "your home address" in text
    assert "Springfield" not in text
