"""The code hook end to end inside moto, with tables built from template.yaml (schema drift fails here)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.validate import validate_parameters
from moto import mock_aws
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.adapters.aws import reset_clients, shared_session
from local.backend import TableNames, create_signing_secrets, create_tables, seed_deliveries
from local.lambda_context import FakeLambdaContext

# The same two keys in every test (tests.support's): the code hook caches what it read for a quarter
# of an hour, and tests seal memory and sign user ids with them as the hook and a trusted party do.
from tests.support import NOW, TEST_SECRETS

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


BACKLOG_QUEUE = "local-sentiment-backlog"


def validate_request(params: dict[str, Any], model: Any, **_: Any) -> None:
    """botocore's own parameter validation, which the layer's clients skip in Lambda (adapters.aws)."""
    validate_parameters(params, model.input_shape)


@pytest.fixture
def dynamodb() -> Iterator[DynamoDBClient]:
    with mock_aws():
        reset_clients()
        # Every request the layer builds is checked against the service model, as botocore would.
        shared_session().events.register("before-parameter-build", validate_request)
        create_signing_secrets(boto3.client("secretsmanager"), TEST_SECRETS)
        yield boto3.client("dynamodb")
    reset_clients()


@pytest.fixture
def tables(dynamodb: DynamoDBClient) -> TableNames:
    """The template's tables with the demo deliveries, and the backlog queue the code hook falls back to."""
    names = create_tables(dynamodb)
    seed_deliveries(dynamodb, names.deliveries, today=NOW.date())  # the day the events were written for
    boto3.client("sqs").create_queue(QueueName=BACKLOG_QUEUE)
    return names


@pytest.fixture
def app(tables: TableNames, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    for variable, value in tables.as_environment().items():
        monkeypatch.setenv(variable, value)
    module = importlib.import_module("deliverybot.app")
    monkeypatch.setattr(module, "utc_now", lambda: NOW)
    return module


@pytest.fixture
def insights(tables: TableNames, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """The insights API handler, on the same tables, with the time pinned to the events'."""
    module = importlib.import_module("functions.insights.app")
    monkeypatch.setattr(module, "now", lambda: NOW)  # today, and the clock items expire against

    def call(event: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = module.lambda_handler(event, FakeLambdaContext())
        return response

    return call


@pytest.fixture
def invoke(app: ModuleType) -> Invoke:
    def call(event: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = app.lambda_handler(event, FakeLambdaContext())
        return response

    return call
