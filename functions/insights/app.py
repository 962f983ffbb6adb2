"""Sentiment insights API (HTTP API, IAM auth): intents, daily series, conversations by shift, users, bots."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import TypeAdapter, ValidationError

from lexsentiment.adapters.aws import invocation_deadline
from lexsentiment.errors import StoreUnavailable
from lexsentiment.insights import views
from lexsentiment.insights.queries import (
    ConversationsQuery,
    DateRange,
    Identifier,
    IntentName,
    InvalidQuery,
    UserQuery,
    decode_cursor,
    encode_cursor,
    parse_query,
)
from lexsentiment.insights.store import DynamoDbInsightsStore
from lexsentiment.observability import logger, metrics
from lexsentiment.settings import get_insights_settings

ANSWER_RESERVE_SECONDS = 1.0


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


# The clock is looked up on each read, so that a test can pin the time items expire against.
store = DynamoDbInsightsStore(get_insights_settings().sentiment_table_name, clock=lambda: now())
app = APIGatewayHttpResolver()
_intent_name: TypeAdapter[str] = TypeAdapter(IntentName)
_identifier: TypeAdapter[str] = TypeAdapter(Identifier)


@app.get("/intents")
def list_intents() -> dict[str, Any]:
    first, last = parse_query(DateRange, app.current_event.query_string_parameters).resolved(today())
    return views.intents_view(first, last, store.intents_between(first, last))


@app.get("/intents/<intent>")
def intent_series(intent: str) -> dict[str, Any]:
    name = _path_value(_intent_name, "intent", intent)
    first, last = parse_query(DateRange, app.current_event.query_string_parameters).resolved(today())
    return views.intent_days_view(name, first, last, store.intent_days(name, first, last))


@app.get("/bots")
def list_bots() -> dict[str, Any]:
    """Each bot alias and locale with turns in the range (default the last seven days), most upsetting first."""
    first, last = parse_query(DateRange, app.current_event.query_string_parameters).resolved(today())
    return views.bots_view(first, last, store.bots_between(first, last))


@app.get("/conversations")
def list_conversations() -> dict[str, Any]:
    query = parse_query(ConversationsQuery, app.current_event.query_string_parameters)
    first, last = query.resolved(today())
    after = decode_cursor(query.next, first, last) if query.next else None
    page = store.conversations(query.shift, first, last, query.limit, after)
    next_token = encode_cursor(page.after) if page.after else None
    return views.conversations_view(query.shift.value, first, last, page.items, next_token)


@app.get("/conversations/<conversation_id>")
def get_conversation(conversation_id: str) -> dict[str, Any]:
    """The conversation's summary, per-intent totals and its latest 500 turns, oldest first.

    `turnsTruncated` is true when turns were left out (`conversation.turns` still counts them all, and
    `conversation.trend` is then the summary's, over every turn). Turn records sort by idempotency key,
    not time, so for a conversation too long to read whole (MAX_CONVERSATION_PAGES) they are the latest
    of the pages read. Real conversations are far shorter; the caps keep the answer inside API
    Gateway's 6 MB, and the function's time bounded, when a client reuses one session id.
    """
    detail = store.conversation(_path_value(_identifier, "conversationId", conversation_id))
    if detail is None:
        raise NotFoundError("No such conversation")
    return views.conversation_view(detail)


@app.get("/users/<user_id>")
def get_user(user_id: str) -> dict[str, Any]:
    query = parse_query(UserQuery, app.current_event.query_string_parameters)
    history = store.user_history(_path_value(_identifier, "userId", user_id), query.limit)
    if history is None:
        raise NotFoundError("No such user")
    return views.user_view(history)


@app.exception_handler(InvalidQuery)
def bad_request(error: InvalidQuery) -> Response[str]:
    logger.info("bad_request", extra={"route": app.current_event.route_key, "problem": str(error)})
    return _error(400, str(error))


@app.exception_handler(StoreUnavailable)
def store_unavailable(error: StoreUnavailable) -> Response[str]:
    logger.error("insights_store_unavailable", extra={"error_code": error.cause})
    return _error(503, "The sentiment store is unavailable; try again shortly.")


def _path_value(adapter: TypeAdapter[str], name: str, raw: str) -> str:
    try:
        return adapter.validate_python(unquote(raw))
    except ValidationError:
        raise InvalidQuery(f"{name}: not a valid value") from None


def _error(status: int, message: str) -> Response[str]:
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps({"message": message})
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Every read gets what is left of the invocation less time to answer: a hung table is a 503, not a timeout.
    with invocation_deadline(context, ANSWER_RESERVE_SECONDS):
        response = app.resolve(event, context)
    # routeKey is one of our route templates (never a raw path), so the dimension stays bounded.
    metrics.add_dimension(name="route", value=str(event.get("routeKey", "unknown"))[:100])
    metrics.add_metric(name="InsightsRequests", unit=MetricUnit.Count, value=1)
    if response.get("statusCode", 500) >= 500:
        metrics.add_metric(name="InsightsErrors", unit=MetricUnit.Count, value=1)
    return response
