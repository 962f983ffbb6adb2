"""A local DynamoDB that lasts between commands: moto in-process, saved to a snapshot file on exit.

`make invoke`, `make seed` and `make report` each open the store, work on it and save it, so they
share one set of local data without an AWS account, a server or an open port. A file lock keeps two
commands from overwriting each other's work. The snapshot records the template's table layout; when
template.yaml changes the layout, the old snapshot is set aside and the store starts fresh.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local.backend import (
    TableNames,
    aws_tables,
    create_signing_secrets,
    create_tables,
    fake_aws_environment,
    require_aws_access,
    seed_deliveries,
)
from local.moto_speedups import item_level_transaction_rollback
from local.template import TEMPLATE_PATH, load_template, table_resources

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

STATE_DIR = TEMPLATE_PATH.parent / ".local"


def snapshot_path() -> Path:
    """.local/dynamodb.json, or wherever DELIVERYBOT_LOCAL_STORE points (tests use a temporary one)."""
    return Path(os.environ.get("DELIVERYBOT_LOCAL_STORE", STATE_DIR / "dynamodb.json"))


_BATCH = 25  # BatchWriteItem's limit


@dataclass(frozen=True)
class LocalStore:
    tables: TableNames
    client: DynamoDBClient
    restored_items: int

    def is_empty(self) -> bool:
        """True when no sentiment has been recorded yet."""
        return self.client.scan(TableName=self.tables.sentiment, Limit=1, Select="COUNT")["Count"] == 0


@contextmanager
def local_store(snapshot: Path | None = None, *, real_services: tuple[str, ...] = ()) -> Iterator[LocalStore]:
    """The local store, inside moto; `real_services` (such as "comprehend") pass through moto to AWS."""
    snapshot = snapshot or snapshot_path()
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    with _locked(snapshot.with_suffix(".lock")):
        fake_aws_environment()
        from moto import mock_aws

        # Passing a service through means its calls reach AWS: they need real credentials of their own
        # (the environment's are fake here), which the caller gives that service's client.
        config: Any = {"core": {"mock_credentials": False, "passthrough": {"services": list(real_services)}}}
        with mock_aws(config=config) if real_services else mock_aws(), item_level_transaction_rollback():
            import boto3

            client = boto3.client("dynamodb")
            tables = create_tables(client)
            # New keys each run: memory sealed in one run's sessions means nothing in the next.
            create_signing_secrets(boto3.client("secretsmanager"))
            layout = _layout_digest()
            restored = _restore(client, tables, snapshot, layout)
            if restored == 0:
                seed_deliveries(client, tables.deliveries)
            yield LocalStore(tables=tables, client=client, restored_items=restored)
            _save(client, tables, snapshot, layout)


def _restore(client: DynamoDBClient, tables: TableNames, snapshot: Path, layout: str) -> int:
    if not snapshot.exists():
        return 0
    try:
        saved = json.loads(snapshot.read_text(encoding="utf-8"))
    except ValueError:
        saved = {}
    if saved.get("layout") != layout:
        snapshot.replace(snapshot.with_suffix(".stale.json"))
        print(f"The local store was made for another table layout; set it aside as {snapshot.stem}.stale.json.")
        return 0
    restored = 0
    for table_name, items in ((tables.deliveries, saved["deliveries"]), (tables.sentiment, saved["sentiment"])):
        for start in range(0, len(items), _BATCH):
            batch: list[WriteRequestTypeDef] = [
                {"PutRequest": {"Item": item}} for item in items[start : start + _BATCH]
            ]
            client.batch_write_item(RequestItems={table_name: batch})
        restored += len(items)
    return restored


def _save(client: DynamoDBClient, tables: TableNames, snapshot: Path, layout: str) -> None:
    state = {
        "layout": layout,
        "deliveries": _all_items(client, tables.deliveries),
        "sentiment": _all_items(client, tables.sentiment),
    }
    temporary = snapshot.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, snapshot)  # atomic: a crash never leaves half a snapshot


def _all_items(client: DynamoDBClient, table_name: str) -> list[dict[str, Any]]:
    # A scan is right here: this copies a whole local table to disk.
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table_name}
    while True:
        response = client.scan(**request)
        items.extend(response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _layout_digest() -> str:
    tables = table_resources(load_template())
    return hashlib.sha256(json.dumps(tables, sort_keys=True, default=str).encode()).hexdigest()[:16]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Backend:
    tables: TableNames
    client: DynamoDBClient
    store: LocalStore | None  # None when the tables are real ones in AWS


@contextmanager
def open_backend(
    backend: str, stack_name: str | None = None, *, real_services: tuple[str, ...] = ()
) -> Iterator[Backend]:
    """`embedded`: the persistent local store; `aws`: the deployed stack's (or the named) tables.
    `real_services` reach AWS even with the embedded store (see local_store)."""
    if backend == "aws":
        import boto3

        require_aws_access()
        yield Backend(tables=aws_tables(stack_name), client=boto3.client("dynamodb"), store=None)
        return
    with local_store(real_services=real_services) as store:
        yield Backend(tables=store.tables, client=store.client, store=store)


def use_tables(tables: TableNames) -> None:
    """Point the code hook's and the insights API's settings at these tables (before importing them)."""
    os.environ.update(tables.as_environment())
