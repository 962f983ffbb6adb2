"""Fixtures for every test: fake AWS credentials, the code hook's settings, a Lambda context."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from local.lambda_context import FakeLambdaContext

# Set before any test module imports the handler: settings are read at import, on purpose.
TEST_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "DELIVERIES_TABLE_NAME": "local-DeliveriesTable",
    "SENTIMENT_TABLE_NAME": "local-SentimentTable",
    "MEMORY_SEAL_SECRET": "local-memory-seal",
    "USER_ID_SIGNING_SECRET": "local-user-id-signing",
    "SENTIMENT_BACKLOG_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/local-sentiment-backlog",
    "RESPONSE_THRESHOLD": "0.5",
    "AGENT_HANDOVER_THRESHOLD": "0.8",
    "POWERTOOLS_METRICS_NAMESPACE": "DeliveryBot",
    "POWERTOOLS_SERVICE_NAME": "delivery-bot",
}
os.environ.update(TEST_ENVIRONMENT)

# CI runs the same examples every time (a red build must be reproducible); local runs explore anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
os.environ.pop("AWS_PROFILE", None)


class _JsonLines(logging.Handler):
    """The code hook's log lines, formatted exactly as Lambda would print them."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        from lexsentiment.observability import logger

        self.lines.append(logger.registered_formatter.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    from lexsentiment.observability import logger

    handler = _JsonLines()
    level = logger.log_level
    logger.setLevel(logging.DEBUG)
    logging.getLogger(logger.name).addHandler(handler)
    yield handler.lines
    logging.getLogger(logger.name).removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture(autouse=True)
def _reset_metrics() -> Iterator[None]:
    from lexsentiment.observability import metrics

    yield
    metrics.clear_metrics()
