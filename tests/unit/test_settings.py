"""Configuration errors stop start-up with a message naming the setting."""

from __future__ import annotations

import importlib
import sys

import pytest

from deliverybot.app import DeliveryBotSettings
from lexsentiment.settings import ConfigurationError, LayerSettings, load_settings

TABLES = {
    "DELIVERIES_TABLE_NAME": "deliveries",
    "SENTIMENT_TABLE_NAME": "sentiment",
    "MEMORY_SEAL_SECRET": "memory-seal",
}


def test_defaults_are_the_documented_thresholds() -> None:
    settings = load_settings(TABLES, LayerSettings)

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
        ({"SENTIMENT_TABLE_NAME": "ab"}, "SENTIMENT_TABLE_NAME"),
        # What is recorded is what supervisors read: never from memory a client could have written.
        ({"MEMORY_SEAL_SECRET": ""}, "MEMORY_SEAL_SECRET"),
        # Erasure finds turn records through the customer's conversation list: it must outlive them.
        ({"TURN_RETENTION_DAYS": "400", "CONVERSATION_RETENTION_DAYS": "365"}, "CONVERSATION_RETENTION_DAYS"),
        ({"MEMORY_SEAL_SECRET": "no spaces allowed"}, "MEMORY_SEAL_SECRET"),
        ({"USER_ID_SIGNING_SECRET": "a\nb"}, "USER_ID_SIGNING_SECRET"),
        # Turn records cross the network only encrypted.
        ({"SENTIMENT_BACKLOG_QUEUE_URL": "http://sqs.us-east-1.amazonaws.com/1/q"}, "SENTIMENT_BACKLOG_QUEUE_URL"),
    ],
)
def test_bad_settings_are_rejected_naming_the_variable(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        load_settings({**TABLES, **overrides}, LayerSettings)


def test_delivery_bot_needs_its_deliveries_table() -> None:
    with pytest.raises(ConfigurationError, match="DELIVERIES_TABLE_NAME"):
        load_settings({"DELIVERIES_TABLE_NAME": ""}, DeliveryBotSettings)


def test_without_a_sentiment_table_the_layer_still_runs_and_records_nothing() -> None:
    settings = load_settings({"RESPONSE_THRESHOLD": "0.4"}, LayerSettings)

    assert settings.sentiment_table_name is None
    assert settings.response_threshold == 0.4


def test_the_code_hook_fails_at_import_on_a_threshold_of_1_7(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESPONSE_THRESHOLD", "1.7")
    monkeypatch.delitem(sys.modules, "deliverybot.app", raising=False)
    with pytest.raises(ConfigurationError, match="RESPONSE_THRESHOLD='1.7'"):
        importlib.import_module("deliverybot.app")
