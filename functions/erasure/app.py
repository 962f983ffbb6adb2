"""Erasure on request (HTTP API, IAM auth): DELETE /users/{userId} removes one customer's sentiment data.

200 with counts when it erased something, 204 when there was nothing (again) to erase, 202 when the
customer has more than one invocation can delete: what is left is erased by repeating the request.
The only function allowed to delete, and only on the sentiment table. It never logs the ids it erases.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import TypeAdapter, ValidationError

from lexsentiment.erasure import DynamoDbErasure, Erased
from lexsentiment.errors import StoreUnavailable
from lexsentiment.insights.queries import Identifier
from lexsentiment.observability import logger, metrics
from lexsentiment.settings import get_insights_settings

erasure = DynamoDbErasure(get_insights_settings().sentiment_table_name)
app = APIGatewayHttpResolver()
_identifier: TypeAdapter[str] = TypeAdapter(Identifier)
# Left of the invocation before each call to the table: one more call at the client's worst case
# (two attempts of its timeouts), the pauses for unprocessed deletes, and the answer, inside the
# function's timeout (API Gateway waits 30 s at most).
DEADLINE_RESERVE_MS = 10_000


@app.delete("/users/<user_id>")
def forget_user(user_id: str) -> Response[str]:
    try:
        user = _identifier.validate_python(unquote(user_id))
    except ValidationError:
        logger.info("bad_request", extra={"route": app.current_event.route_key, "problem": "userId"})
        return _answer(400, {"message": "userId: not a valid value"})
    context = app.lambda_context
    erased = erasure.erase_user(user, has_time=lambda: context.get_remaining_time_in_millis() > DEADLINE_RESERVE_MS)
    # Counts only: the customer's and their conversations' ids never reach a log.
    logger.info(
        "user_erased",
        extra={"conversations": erased.conversations, "items": erased.items, "complete": erased.complete},
    )
    metrics.add_metric(name="ErasedItems", unit=MetricUnit.Count, value=erased.items)
    if not erased.complete:
        return _answer(202, {**_counts(erased), "message": "Still erasing: repeat the request to continue."})
    if erased.items == 0:
        return Response(status_code=204)
    return _answer(200, _counts(erased))


@app.exception_handler(StoreUnavailable)
def store_unavailable(error: StoreUnavailable) -> Response[str]:
    logger.error("erasure_store_unavailable", extra={"error_code": error.cause})
    return _answer(
        503, {"message": "The sentiment store is unavailable; repeat the request shortly to finish the erasure."}
    )


def _counts(erased: Erased) -> dict[str, int]:
    return {"conversations": erased.conversations, "items": erased.items}


def _answer(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = app.resolve(event, context)
    metrics.add_metric(name="ErasureRequests", unit=MetricUnit.Count, value=1)
    if response.get("statusCode", 500) >= 500:
        metrics.add_metric(name="ErasureErrors", unit=MetricUnit.Count, value=1)
    return response
