"""The local tools' tables: created from template.yaml (for moto), or found in a deployed stack."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from local.cli import ToolError
from local.demo_data import demo_deliveries
from local.template import create_table_request, load_template, table_resources

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_secretsmanager import SecretsManagerClient

# Logical ids in template.yaml -> the environment variable the code hook reads the table name from.
TABLE_SETTINGS = {"DeliveriesTable": "DELIVERIES_TABLE_NAME", "SentimentTable": "SENTIMENT_TABLE_NAME"}
DEFAULT_REGION = "us-east-1"
# The secrets the layer's keys come from (template.yaml's MemorySealSecret and UserIdSigningSecret).
LOCAL_SECRETS = {"MEMORY_SEAL_SECRET": "local-memory-seal", "USER_ID_SIGNING_SECRET": "local-user-id-signing"}


@dataclass(frozen=True)
class TableNames:
    """The tables, and the signing secrets (by name) that go with them."""

    deliveries: str
    sentiment: str
    memory_seal_secret: str = LOCAL_SECRETS["MEMORY_SEAL_SECRET"]
    user_id_signing_secret: str = LOCAL_SECRETS["USER_ID_SIGNING_SECRET"]

    def as_environment(self) -> dict[str, str]:
        return {
            "DELIVERIES_TABLE_NAME": self.deliveries,
            "SENTIMENT_TABLE_NAME": self.sentiment,
            "MEMORY_SEAL_SECRET": self.memory_seal_secret,
            "USER_ID_SIGNING_SECRET": self.user_id_signing_secret,
        }


def create_signing_secrets(client: SecretsManagerClient, keys: dict[str, str] | None = None) -> None:
    """The two signing secrets, with random keys as the template's GenerateSecretString makes them
    (or the given ones by setting name, for tests that seal and sign as the hook and a trusted party do)."""
    for setting, name in LOCAL_SECRETS.items():
        key = (keys or {}).get(setting) or secrets.token_urlsafe(48)
        client.create_secret(Name=name, SecretString=key)


def create_tables(client: DynamoDBClient, prefix: str = "local-") -> TableNames:
    """Every table of template.yaml, with the template's own keys and indexes."""
    names = {}
    for logical_id, properties in table_resources(load_template()).items():
        table_name = f"{prefix}{logical_id}"
        client.create_table(**create_table_request(table_name, properties))
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        names[logical_id] = table_name
    return TableNames(deliveries=names["DeliveriesTable"], sentiment=names["SentimentTable"])


def seed_deliveries(client: DynamoDBClient, table_name: str, today: date | None = None) -> int:
    """The demo deliveries, dated from `today` (the UTC date by default), over whatever they were."""
    deliveries = demo_deliveries(today or datetime.now(UTC).date())
    for delivery in deliveries:
        client.put_item(TableName=table_name, Item={key: {"S": value} for key, value in delivery.items()})
    return len(deliveries)


def fake_aws_environment() -> None:
    """Fake credentials and a region, so nothing local can reach a real AWS account by accident."""
    for variable, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", DEFAULT_REGION),
    }.items():
        os.environ[variable] = value
    os.environ.pop("AWS_PROFILE", None)


def require_aws_access() -> None:
    """Fail before any work when boto3 has no region or no credentials, rather than deep inside a call."""
    import boto3
    from botocore.exceptions import NoCredentialsError, NoRegionError

    session = boto3.Session()
    if session.region_name is None:
        raise NoRegionError()
    if session.get_credentials() is None:
        raise NoCredentialsError()


def aws_tables(stack_name: str | None) -> TableNames:
    """Real tables: from DELIVERIES_TABLE_NAME/SENTIMENT_TABLE_NAME, else from the deployed stack's outputs."""
    deliveries = os.environ.get("DELIVERIES_TABLE_NAME")
    sentiment = os.environ.get("SENTIMENT_TABLE_NAME")
    seal = os.environ.get("MEMORY_SEAL_SECRET")
    if deliveries and sentiment and seal:
        signing = os.environ.get("USER_ID_SIGNING_SECRET", "")
        return TableNames(deliveries, sentiment, memory_seal_secret=seal, user_id_signing_secret=signing)
    if not stack_name:
        raise ToolError(
            "BACKEND=aws needs DELIVERIES_TABLE_NAME, SENTIMENT_TABLE_NAME and MEMORY_SEAL_SECRET, or STACK_NAME."
        )
    import boto3
    from botocore.exceptions import ClientError

    try:
        stacks = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ValidationError":
            raise
        # CloudFormation's answer for a stack that does not exist (in this region).
        raise ToolError(f"No stack {stack_name!r} in this region: check STACK_NAME and AWS_DEFAULT_REGION") from None
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stacks[0].get("Outputs", [])}
    return TableNames(
        deliveries=outputs["DeliveriesTableName"],
        sentiment=outputs["SentimentTableName"],
        memory_seal_secret=outputs["MemorySealSecretArn"],
        user_id_signing_secret=outputs["UserIdSigningSecretArn"],
    )
