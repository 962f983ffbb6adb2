"""The layer's behaviour is configured by the function's environment alone, read when the decorator runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from booktrip_support import AGENT_OFFER, APOLOGY, action, import_app, invoke, load_event, messages

from lexsentiment.settings import ConfigurationError


@pytest.fixture
def redeploy() -> Iterator[None]:
    """Lets a test import the handler in another environment; the default one is restored afterwards."""
    yield
    import_app()


@pytest.mark.usefixtures("redeploy")
def test_a_higher_response_threshold_lets_a_mildly_upset_customer_go_without_an_apology() -> None:
    import_app(RESPONSE_THRESHOLD="0.7")

    reply = invoke(load_event("book-hotel-upset-invalid-nights"))  # negative 0.6

    assert action(reply) == "ElicitSlot"
    assert not any(APOLOGY in text for text in messages(reply))


@pytest.mark.usefixtures("redeploy")
def test_a_lower_handover_threshold_offers_an_agent_sooner() -> None:
    import_app(AGENT_HANDOVER_THRESHOLD="0.6")

    reply = invoke(load_event("book-hotel-upset-invalid-nights"))  # negative 0.6

    assert messages(reply) == [AGENT_OFFER]


@pytest.mark.usefixtures("redeploy")
def test_a_bad_setting_stops_the_function_at_start_up_naming_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="AGENT_HANDOVER_THRESHOLD"):
        import_app(RESPONSE_THRESHOLD="0.9", AGENT_HANDOVER_THRESHOLD="0.8")
