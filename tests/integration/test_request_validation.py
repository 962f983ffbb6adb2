"""The layer's clients skip botocore's parameter validation in Lambda; these tests put it back."""

from __future__ import annotations

import pytest
from botocore.exceptions import ParamValidationError
from mypy_boto3_dynamodb import DynamoDBClient

from lexsentiment.adapters.aws import dynamodb_client, tight_config


def test_in_lambda_the_clients_leave_validation_to_the_service() -> None:
    assert tight_config().parameter_validation is False  # type: ignore[attr-defined]


@pytest.mark.usefixtures("dynamodb")
def test_under_test_every_request_the_layer_builds_is_validated_as_botocore_would() -> None:
    client: DynamoDBClient = dynamodb_client()

    with pytest.raises(ParamValidationError):
        client.get_item(TableName="local-SentimentTable")  # type: ignore[call-arg]  # no Key
