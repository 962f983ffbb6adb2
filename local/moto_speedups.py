"""Make moto's TransactWriteItems cost what the transaction touches, not what the tables hold.

moto 5 deep-copies every table a transaction names, once per item of the transaction, so that it
can roll back a cancelled transaction. The code hook writes 9 items per turn, so a local store with
a few thousand items spends seconds per turn copying (and seeding a few hundred conversations runs
for many minutes and gigabytes). While this patch is active, moto's table copies are skipped and
the rollback is done here instead: the items a transaction touches are saved first and put back
(or removed) if the transaction is cancelled, which keeps the all-or-nothing outcome. Local tools
only; the tests run on moto as shipped, plus one test that checks this rollback.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock


@contextmanager
def item_level_transaction_rollback() -> Iterator[None]:
    import moto.dynamodb.models as models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    shipped = DynamoDBBackend.transact_write_items

    class _CopyWithoutTables:
        """moto.dynamodb.models' `copy`, except that tables come back as themselves."""

        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = [_saved_item(self, operation) for operation in transact_items]
        try:
            shipped(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed([entry for entry in saved if entry is not None]):
                if attributes is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise

    with (
        mock.patch.object(models, "copy", _CopyWithoutTables()),
        mock.patch.object(DynamoDBBackend, "transact_write_items", transact_write_items),
    ):
        yield


def _saved_item(backend: Any, operation: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any] | None] | None:
    """(table, key, attributes before the transaction or None if absent) for one transaction item."""
    (body,) = operation.values()
    table_name = body.get("TableName")
    if table_name not in backend.tables:
        return None
    table = backend.tables[table_name]
    if "Key" in body:
        key = dict(body["Key"])
    else:
        key = {table.hash_key_attr: body["Item"][table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = body["Item"][table.range_key_attr]
    current = backend.get_item(table_name, key)
    return table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current is not None else None
