"""CONVERSATION_RETENTION_DAYS: read by the code hook's layer and the backlog drain, bounded like the template."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from lexsentiment.settings import BacklogSettings, ConfigurationError, LayerSettings, load_settings
from local.template import load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
# What each model needs besides the retention (the drain cannot run without its table).
BASES = [(LayerSettings, {}), (BacklogSettings, {"SENTIMENT_TABLE_NAME": "sentiment"})]


@pytest.mark.parametrize(("model", "base"), BASES)
def test_the_conversation_retention_is_read_and_defaults_to_the_templates(
    model: type[BaseModel], base: dict[str, str]
) -> None:
    default = TEMPLATE["Parameters"]["ConversationRetentionDays"]["Default"]

    assert load_settings(base, model).conversation_retention_days == default  # type: ignore[attr-defined]
    thirty = {**base, "CONVERSATION_RETENTION_DAYS": "30", "TURN_RETENTION_DAYS": "30"}
    assert load_settings(thirty, model).conversation_retention_days == 30  # type: ignore[attr-defined]


@pytest.mark.parametrize("days", ["0", "3651", "a year"])
@pytest.mark.parametrize(("model", "base"), BASES)
def test_a_retention_outside_the_templates_bounds_names_the_variable(
    model: type[BaseModel], base: dict[str, str], days: str
) -> None:
    parameter = TEMPLATE["Parameters"]["ConversationRetentionDays"]
    assert (parameter["MinValue"], parameter["MaxValue"]) == (1, 3650)

    with pytest.raises(ConfigurationError, match="CONVERSATION_RETENTION_DAYS"):
        load_settings({**base, "CONVERSATION_RETENTION_DAYS": days}, model)


@pytest.mark.parametrize("function", ["DeliveryBotFunction", "SentimentBacklogFunction"])
def test_both_writers_get_the_conversation_retention(function: str) -> None:
    variables = RESOURCES[function]["Properties"]["Environment"]["Variables"]

    assert variables["CONVERSATION_RETENTION_DAYS"] == {"Ref": "ConversationRetentionDays"}
    assert variables["TURN_RETENTION_DAYS"] == {"Ref": "TurnRetentionDays"}
