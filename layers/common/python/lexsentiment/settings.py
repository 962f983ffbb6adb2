"""The one place configuration is read: environment variables, validated once per container."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lexsentiment.errors import problems


class ConfigurationError(RuntimeError):
    """Raised at start-up so a bad deployment fails loudly instead of mid-call."""


# Built on first use: each function validates one of these, and unbuilt ones cost no cold start.
SETTINGS_CONFIG = ConfigDict(frozen=True, populate_by_name=True, extra="ignore", defer_build=True)
TableName = Annotated[str, Field(alias="SENTIMENT_TABLE_NAME", min_length=3, max_length=255)]
RetentionDays = Annotated[int, Field(alias="TURN_RETENTION_DAYS", ge=1, le=3650)]
# Summaries, per-conversation intents and user items: kept this long after the customer's latest turn.
ConversationRetentionDays = Annotated[int, Field(alias="CONVERSATION_RETENTION_DAYS", ge=1, le=3650)]
# A Secrets Manager secret's ARN or name, as Secrets Manager allows them.
KEY_STORE_ID_PATTERN = r"^[A-Za-z0-9/_+=.@:-]{1,2048}$"


class InsightsSettings(BaseModel):
    """What the insights API needs: only the sentiment table."""

    model_config = SETTINGS_CONFIG

    sentiment_table_name: TableName


class BacklogSettings(InsightsSettings):
    """What the backlog drain needs: the sentiment table and the turn records' retention."""

    turn_retention_days: RetentionDays = 90
    conversation_retention_days: ConversationRetentionDays = 365

    @model_validator(mode="after")
    def _conversations_outlive_turns(self) -> BacklogSettings:
        _check_retention(self.turn_retention_days, self.conversation_retention_days)
        return self


def _check_retention(turn_days: int, conversation_days: int) -> None:
    # A customer's conversation list is how erasure finds their turn records: it must not go first.
    if conversation_days < turn_days:
        raise ValueError(
            f"CONVERSATION_RETENTION_DAYS ({conversation_days}) must be at least TURN_RETENTION_DAYS ({turn_days})"
        )


class LayerSettings(BaseModel):
    """What the layer around a code hook reads: the same variables whichever bot it wraps."""

    model_config = SETTINGS_CONFIG

    # Without a sentiment table the layer still apologises and offers agents; it records nothing.
    sentiment_table_name: str | None = Field(default=None, alias="SENTIMENT_TABLE_NAME", min_length=3, max_length=255)
    turn_retention_days: RetentionDays = 90
    conversation_retention_days: ConversationRetentionDays = 365
    # Both thresholds apply to Lex's NEGATIVE score (0..1); a score equal to a threshold crosses it.
    response_threshold: float = Field(default=0.5, alias="RESPONSE_THRESHOLD", ge=0, le=1, allow_inf_nan=False)
    agent_handover_threshold: float = Field(
        default=0.8, alias="AGENT_HANDOVER_THRESHOLD", ge=0, le=1, allow_inf_nan=False
    )
    negative_turns_before_handover: int = Field(default=3, alias="NEGATIVE_TURNS_BEFORE_HANDOVER", ge=1, le=20)
    # Where turn records wait when the table cannot take them; without it they go to a recovery log line.
    sentiment_backlog_queue_url: str | None = Field(
        default=None, alias="SENTIMENT_BACKLOG_QUEUE_URL", pattern=r"^https://\S+$", max_length=2048
    )
    # How long a turn may take, at most: every AWS call gets what is left of it (Lex waits 30 s; the
    # function's timeout, a little longer than this, is only a backstop).
    turn_deadline_seconds: float = Field(default=9.0, alias="TURN_DEADLINE_SECONDS", ge=2, le=25, allow_inf_nan=False)
    # Secrets Manager secrets (ARN or name) holding HMAC keys (lexsentiment.trust): one seals the
    # layer's memory in the session attributes, the other checks a trusted party's signed userId.
    memory_seal_secret: str | None = Field(default=None, alias="MEMORY_SEAL_SECRET", pattern=KEY_STORE_ID_PATTERN)
    user_id_signing_secret: str | None = Field(
        default=None, alias="USER_ID_SIGNING_SECRET", pattern=KEY_STORE_ID_PATTERN
    )
    # Debug aid: log the SHAPE of what the customer said (lengths, character classes), never the words.
    log_conversation_shape: bool = Field(default=False, alias="LOG_CONVERSATION_SHAPE")
    tracing_enabled: bool = Field(default=False, alias="TRACING_ENABLED")

    @model_validator(mode="after")
    def _handover_above_response(self) -> LayerSettings:
        if self.response_threshold >= self.agent_handover_threshold:
            raise ValueError(
                f"RESPONSE_THRESHOLD ({self.response_threshold}) must be below "
                f"AGENT_HANDOVER_THRESHOLD ({self.agent_handover_threshold})"
            )
        return self

    @model_validator(mode="after")
    def _conversations_outlive_turns(self) -> LayerSettings:
        _check_retention(self.turn_retention_days, self.conversation_retention_days)
        return self

    @model_validator(mode="after")
    def _recorded_memory_is_sealed(self) -> LayerSettings:
        # What is recorded is what supervisors read: it must not come from memory a client wrote.
        if self.sentiment_table_name and not self.memory_seal_secret:
            raise ValueError("MEMORY_SEAL_SECRET must name a Secrets Manager secret when SENTIMENT_TABLE_NAME is set")
        return self


SettingsT = TypeVar("SettingsT", bound=BaseModel)


def load_settings(environ: Mapping[str, str], model: type[SettingsT]) -> SettingsT:
    """Validate settings from an environment mapping; errors name the variable at fault.

    A bot's own settings model (fields aliased to their variables) is read the same way.
    """
    known = {field.alias for field in model.model_fields.values() if field.alias}
    # Empty values mean "not set" (SAM passes "" for blank parameters), so defaults apply.
    values = {name: value for name, value in environ.items() if name in known and value.strip() != ""}
    try:
        return model.model_validate(values)
    except ValidationError as error:
        # Configuration, not customer input: the value at fault is shown, so the fix is obvious.
        described = [
            f"{problem.location or 'settings'}"
            f"{f'={values[problem.location]!r}' if problem.location in values else ''}: {problem.message}"
            for problem in problems(error)
        ]
        raise ConfigurationError("Invalid configuration: " + "; ".join(described)) from None


@lru_cache(maxsize=1)
def get_insights_settings() -> InsightsSettings:
    return load_settings(os.environ, InsightsSettings)


@lru_cache(maxsize=1)
def get_backlog_settings() -> BacklogSettings:
    return load_settings(os.environ, BacklogSettings)
