"""AWS clients of the layer, built lazily once per container with a caller-on-the-phone budget.

Within the layer, the adapters package is the only code that imports boto3 or botocore (ruff's
banned-api rule and an import-linter contract hold everything else to that). A bot's own table
module may use these factories too, so its look-ups share the same short timeouts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

# A caller is waiting on the phone: fail fast and let the dialogue offer an alternative.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
MAX_ATTEMPTS = 2


def tight_config() -> Config:
    """Standard retries, at most two attempts, short timeouts: worst case a few seconds, inside Lex's 30."""
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )


@lru_cache(maxsize=1)
def sqs_client() -> SQSClient:
    """Built on first use (only when the sentiment table has failed), with the same tight budget."""
    import boto3

    return boto3.session.Session().client("sqs", config=tight_config())


@lru_cache(maxsize=1)
def dynamodb_client() -> DynamoDBClient:
    """One client per container, built on first use so importing this module touches no AWS."""
    import boto3

    return boto3.session.Session().client("dynamodb", config=tight_config())


# Causes (error_code values) that say "not now" rather than "not this request": throttling, the
# service's own faults, and the network. A caller may stop calling for a while after one of them.
UNAVAILABLE_CAUSES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionCanceledException",
        "ResourceNotFoundException",
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionClosedError",
        "ProxyConnectionError",
        "DeadlineNear",
    }
)


def is_unavailable(cause: str) -> bool:
    return cause in UNAVAILABLE_CAUSES


def error_code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__


class TableAdapter:
    """One table, through the given client or (by default) the container's shared one, built on first use."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        return self._client or dynamodb_client()
