"""`sentiment_aware`: the decorator a team puts around its existing Lex code hook.

It reads the layer's settings from the environment when it runs (at import, on purpose: a bad
threshold stops the function at start-up naming the variable), builds the recorder they name,
and wraps the handler in the SentimentLayer and Powertools' Lambda context and metrics flush.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypedDict, Unpack, overload

from lexsentiment.layer import Handler, LayerOptions, SentimentLayer, Wording
from lexsentiment.observability import logger, metrics
from lexsentiment.policy.assess import Thresholds
from lexsentiment.recording.record import SentimentRecorder
from lexsentiment.settings import LayerSettings, load_settings
from lexsentiment.snapstart import register_priming
from lexsentiment.trust import KeySource


class LayerKeywords(TypedDict, total=False):
    """The keyword arguments of `sentiment_aware` (see its implementation for defaults)."""

    handover_intent: str
    apology: str
    agent_offer: str
    transfer_message: str
    sorry_message: str
    no_problem: str
    declined_message: str
    opt_out_intents: Collection[str]
    metric_intents: Collection[str] | None
    settings: LayerSettings | None
    recorder: SentimentRecorder | None | Literal["from-settings"]
    memory_key: KeySource | None | Literal["from-settings"]
    user_id_key: KeySource | None | Literal["from-settings"]
    clock: Callable[[], datetime] | None


@overload
def sentiment_aware(handler: Handler, /, **options: Unpack[LayerKeywords]) -> SentimentAwareHandler: ...


@overload
def sentiment_aware(
    handler: None = None, /, **options: Unpack[LayerKeywords]
) -> Callable[[Handler], SentimentAwareHandler]: ...


def sentiment_aware(
    handler: Handler | None = None,
    /,
    *,
    handover_intent: str = "AgentHandover",
    apology: str = Wording.apology,
    agent_offer: str = Wording.agent_offer,
    transfer_message: str = Wording.transfer_message,
    sorry_message: str = Wording.sorry_message,
    no_problem: str = Wording.no_problem,
    declined_message: str = Wording.declined_message,
    opt_out_intents: Collection[str] = (),
    metric_intents: Collection[str] | None = None,
    settings: LayerSettings | None = None,
    recorder: SentimentRecorder | None | Literal["from-settings"] = "from-settings",
    memory_key: KeySource | None | Literal["from-settings"] = "from-settings",
    user_id_key: KeySource | None | Literal["from-settings"] = "from-settings",
    clock: Callable[[], datetime] | None = None,
) -> SentimentAwareHandler | Callable[[Handler], SentimentAwareHandler]:
    """Wrap a Lex code hook (V2 or V1) in the sentiment layer; usable bare or with keyword arguments.

    Settings are read here, at import, on purpose: a bad threshold stops the function at start-up
    with a message naming the variable, instead of failing customers one call at a time.
    `settings`, `recorder`, the two keys and `clock` exist for tests and local tools; a deployed bot
    leaves them out (the keys then come from the Secrets Manager secrets its settings name).
    """
    layer_settings = settings or load_settings(os.environ, LayerSettings)
    options = LayerOptions(
        handover_intent=handover_intent,
        wording=Wording(apology, agent_offer, transfer_message, sorry_message, no_problem, declined_message),
        opt_out_intents=frozenset(opt_out_intents),
        metric_intents=frozenset(metric_intents) if metric_intents is not None else None,
    )
    thresholds = Thresholds(
        response=layer_settings.response_threshold,
        handover=layer_settings.agent_handover_threshold,
        negative_turns_before_handover=layer_settings.negative_turns_before_handover,
    )
    turn_recorder = recorder_from(layer_settings) if recorder == "from-settings" else recorder
    seal_key = (
        _key_from(layer_settings.memory_seal_secret, "MEMORY_SEAL_SECRET")
        if memory_key == "from-settings"
        else memory_key
    )
    signing_key = (
        _key_from(layer_settings.user_id_signing_secret, "USER_ID_SIGNING_SECRET")
        if user_id_key == "from-settings"
        else user_id_key
    )
    if seal_key is None:
        logger.warning("session_memory_unsealed", extra={"missing_setting": "MEMORY_SEAL_SECRET"})

    def wrap(team_handler: Handler) -> SentimentAwareHandler:
        layer = SentimentLayer(
            team_handler,
            options,
            thresholds,
            turn_recorder,
            clock or _utc_now,
            log_shape=layer_settings.log_conversation_shape,
            turn_deadline_seconds=layer_settings.turn_deadline_seconds,
            memory_key=seal_key,
            user_id_key=signing_key,
        )

        @metrics.log_metrics
        def without_context(event: dict[str, Any], context: Any) -> dict[str, Any]:
            return layer(event, context)

        code_hook = logger.inject_lambda_context(log_event=False, clear_state=True)(without_context)

        if layer_settings.tracing_enabled:
            # Imported only when switched on: the X-Ray SDK adds measurable cold-start time.
            from aws_lambda_powertools import Tracer

            code_hook = Tracer().capture_lambda_handler(code_hook, capture_response=False)

        # With SnapStart on, the snapshot holds what the first turn would build; harmless when it is off.
        register_priming(layer_settings)
        return SentimentAwareHandler(team_handler, layer, code_hook, without_context)

    return wrap(handler) if handler is not None else wrap


class SentimentAwareHandler:
    """What `sentiment_aware` returns: the Lambda handler, carrying the layer and the team's own handler."""

    def __init__(
        self,
        handler: Handler,
        layer: SentimentLayer,
        code_hook: Callable[..., dict[str, Any]],
        without_context: Callable[..., dict[str, Any]],
    ) -> None:
        functools.update_wrapper(self, handler)
        self.__wrapped__ = handler  # the team's handler, undecorated (for its own unit tests)
        self.sentiment_layer = layer  # the layer without Powertools' Lambda context (for tests and tools)
        self._code_hook = code_hook
        self._without_context = without_context

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if context is None:
            # A team's own unit test often passes no context: the same turn, without Powertools' context keys.
            return self._without_context(event, context)
        return self._code_hook(event, context)


def recorder_from(settings: LayerSettings) -> SentimentRecorder | None:
    """The durable DynamoDB recorder the settings name, or None (said once) when there is no sentiment table."""
    if not settings.sentiment_table_name:
        logger.warning("sentiment_recording_off", extra={"missing_setting": "SENTIMENT_TABLE_NAME"})
        return None
    from lexsentiment.recording.backlog import SqsSentimentBacklog
    from lexsentiment.recording.durable import DurableSentimentRecorder
    from lexsentiment.recording.table import DynamoDbSentimentRecorder

    queue_url = settings.sentiment_backlog_queue_url
    return DurableSentimentRecorder(
        table=DynamoDbSentimentRecorder(
            settings.sentiment_table_name,
            timedelta(days=settings.turn_retention_days),
            conversation_retention=timedelta(days=settings.conversation_retention_days),
        ),
        backlog=SqsSentimentBacklog(queue_url) if queue_url else None,
    )


def _key_from(secret_id: str | None, setting: str) -> KeySource | None:
    if not secret_id:
        return None
    from lexsentiment.adapters.secrets import SecretsManagerKey

    return SecretsManagerKey(secret_id, setting=setting)


def _utc_now() -> datetime:
    return datetime.now(UTC)
