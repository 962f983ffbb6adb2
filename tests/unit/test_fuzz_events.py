"""Ten thousand hostile events, both formats: every one gets a valid reply for its detected format."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from lexsentiment.lex.events import detect_version
from lexsentiment.memory import OWN_ATTRIBUTES, SESSION_ATTRIBUTES_LIMIT, attributes_size
from lexsentiment.observability import logger, metrics
from tests.strategies import hostile_events
from tests.support import assert_valid_response, fake_delivery_bot, session_attributes

DELIVERY_BOT = fake_delivery_bot(keyed=True)
# Our attributes that are never dropped (hand-over context, offer state, counters) fit in this many bytes.
ROOM_FOR_ESSENTIALS = 600


@pytest.fixture(scope="module", autouse=True)
def _quiet_logs() -> Iterator[None]:
    """Ten thousand turns of INFO lines would only fill memory; warnings and errors still count."""
    level = logger.log_level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(event=hostile_events())
def test_hostile_events_always_get_a_valid_reply(event: Any) -> None:
    version = detect_version(event).value
    caller_attributes = _string_attributes(event)

    response = DELIVERY_BOT(event, None)
    metrics.clear_metrics()

    assert_valid_response(response, version)
    attributes = session_attributes(response)
    for key, value in caller_attributes.items():  # the caller's own attributes are never lost
        assert attributes.get(key) == value
    if attributes_size(caller_attributes) + ROOM_FOR_ESSENTIALS <= SESSION_ATTRIBUTES_LIMIT:
        assert attributes_size(attributes) <= SESSION_ATTRIBUTES_LIMIT
    json.dumps(response)


def _string_attributes(event: Any) -> dict[str, str]:
    """The caller's attributes as Lex would hold them (strings only), without the code hook's own."""
    if not isinstance(event, dict):
        return {}
    holder = event if "currentIntent" in event and "sessionState" not in event else event.get("sessionState")
    attributes = holder.get("sessionAttributes") if isinstance(holder, dict) else None
    if not isinstance(attributes, dict):
        return {}
    # Lex holds strings only: the layer keeps the string pairs and drops the rest.
    return {
        key: value
        for key, value in attributes.items()
        if isinstance(key, str) and isinstance(value, str) and key not in OWN_ATTRIBUTES
    }
