"""Hostile events through lambda_handler with the real DynamoDB adapters (moto): always a valid reply.

The unit suite runs ten thousand of these against fakes; this runs fewer, end to end."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from lexsentiment.lex.events import detect_version
from tests.integration.conftest import Invoke
from tests.strategies import hostile_events
from tests.support import assert_valid_response


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=hostile_events())
def test_hostile_events_through_the_deployed_handler_get_a_valid_reply(invoke: Invoke, event: Any) -> None:
    response = invoke(event)

    assert_valid_response(response, detect_version(event).value)
