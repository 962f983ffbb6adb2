"""DeliveryBot's Lex code hook (Lex V2 and legacy V1 events, told apart by their shape).

Settings are read at import on purpose: a bad threshold stops the function at start-up
with a message naming the variable, instead of failing customers one call at a time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from lexsentiment.adapters.dynamodb import DynamoDbDeliveryRepository, DynamoDbSentimentRecorder
from lexsentiment.adapters.sqs_backlog import SqsSentimentBacklog
from lexsentiment.code_hook import respond
from lexsentiment.domain.sentiment_policy import Thresholds
from lexsentiment.durable_recording import DurableSentimentRecorder
from lexsentiment.observability import logger, metrics
from lexsentiment.service import Dependencies
from lexsentiment.settings import get_settings

settings = get_settings()
dependencies = Dependencies(
    deliveries=DynamoDbDeliveryRepository(settings.deliveries_table_name),
    recorder=DurableSentimentRecorder(
        table=DynamoDbSentimentRecorder(settings.sentiment_table_name, timedelta(days=settings.turn_retention_days)),
        backlog=SqsSentimentBacklog(settings.sentiment_backlog_queue_url)
        if settings.sentiment_backlog_queue_url
        else None,
    ),
    thresholds=Thresholds(
        response=settings.response_threshold,
        handover=settings.agent_handover_threshold,
        negative_turns_before_handover=settings.negative_turns_before_handover,
    ),
)


def utc_now() -> datetime:
    return datetime.now(UTC)


@logger.inject_lambda_context(log_event=False, clear_state=True)
@metrics.log_metrics
def _code_hook(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(event, dependencies, utc_now(), log_shape=settings.log_conversation_shape)


if settings.tracing_enabled:
    # Imported only when switched on: the X-Ray SDK adds measurable cold-start time.
    from aws_lambda_powertools import Tracer

    _code_hook = Tracer(service="delivery-bot").capture_lambda_handler(_code_hook, capture_response=False)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response: dict[str, Any] = _code_hook(event, context)
    return response
