"""Configuration errors stop start-up with a message naming the setting."""

from __future__ import annotations

import importlib
import sys

import pytest

from lexsentiment.settings import ConfigurationError, Settings, get_settings, load_settings

TABLES = {"DELIVERIES_TABLE_NAME": "deliveries", "SENTIMENT_TABLE_NAME": "sentiment"}


def test_defaults_are_the_documented_thresholds() -> None:
    settings = load_settings(TABLES, Settings)

    assert settings.response_threshold == 0.5
    assert settings.agent_handover_threshold == 0.8
    assert settings.negative_turns_before_handover == 3
    assert not settings.log_conversation_shape


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"RESPONSE_THRESHOLD": "1.7"}, "RESPONSE_THRESHOLD"),
        ({"AGENT_HANDOVER_THRESHOLD": "-0.1"}, "AGENT_HANDOVER_THRESHOLD"),
        ({"RESPONSE_THRESHOLD": "high"}, "RESPONSE_THRESHOLD"),
        ({"RESPONSE_THRESHOLD": "nan"}, "RESPONSE_THRESHOLD"),
        ({"RESPONSE_THRESHOLD": "0.8", "AGENT_HANDOVER_THRESHOLD": "0.8"}, "AGENT_HANDOVER_THRESHOLD"),
        ({"RESPONSE_THRESHOLD": "0.9"}, "RESPONSE_THRESHOLD"),
        ({"NEGATIVE_TURNS_BEFORE_HANDOVER": "0"}, "NEGATIVE_TURNS_BEFORE_HANDOVER"),
        ({"DELIVERIES_TABLE_NAME": ""}, "DELIVERIES_TABLE_NAME"),
    ],
)
def test_bad_settings_are_rejected_naming_the_variable(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        load_settings({**TABLES, **overrides}, Settings)


def test_the_code_hook_fails_at_import_on_a_threshold_of_1_7(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESPONSE_THRESHOLD", "1.7")
    get_settings.cache_clear()
    monkeypatch.delitem(sys.modules, "functions.delivery_bot.app", raising=False)
    try:
        with pytest.raises(ConfigurationError, match="RESPONSE_THRESHOLD='1.7'"):
            importlib.import_module("functions.delivery_bot.app")
    finally:
        get_settings.cache_clear()
