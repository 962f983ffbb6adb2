"""DeliveryBot's Lambda entry point: its settings, its deliveries table, and the bot wrapped by the layer.

Settings are read at import on purpose: a bad value stops the function at start-up with a message
naming the variable, instead of failing customers one call at a time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from deliverybot.bot import delivery_bot
from deliverybot.deliveries_table import DynamoDbDeliveryRepository
from lexsentiment.settings import SETTINGS_CONFIG, load_settings


class DeliveryBotSettings(BaseModel):
    """DeliveryBot's own setting; the layer reads its own (thresholds, sentiment table) itself."""

    model_config = SETTINGS_CONFIG

    deliveries_table_name: str = Field(alias="DELIVERIES_TABLE_NAME", min_length=3, max_length=255)


def utc_now() -> datetime:
    return datetime.now(UTC)


settings = load_settings(os.environ, DeliveryBotSettings)
# The clock is looked up on each turn, so a test or a local tool can set the day.
lambda_handler = delivery_bot(DynamoDbDeliveryRepository(settings.deliveries_table_name), clock=lambda: utc_now())
