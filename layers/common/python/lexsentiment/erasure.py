"""Erasure on request: one customer's items, and every item of each of their conversations, deleted.

The customer's partition (USER#<user>: TOTAL, and one CONV#<startedAt>#<id> item per conversation)
lists their conversations. Each conversation's whole partition goes (turn records, SUMMARY, INTENT#...)
and, with those items, their GSI1 index entries. The anonymous intent and bot totals stay.

The customer's own items go last, so an erasure cut short (the caller's time ran out, or a fault) is
continued by asking again: their partition still lists what is left. A second request finds nothing.
Queries and batched deletes only, never a scan. The key layout is in sentiment_keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from lexsentiment import sentiment_keys as keys
from lexsentiment.adapters.aws import TableAdapter, backoff_seconds, error_code
from lexsentiment.errors import StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef, WriteRequestTypeDef

Key = dict[str, "AttributeValueTypeDef"]
BATCH_SIZE = 25  # BatchWriteItem's limit
# Deletes a BatchWriteItem leaves unprocessed are sent again (adapters.aws.backoff_seconds), a few times at most.
UNPROCESSED_ATTEMPTS = 6


@dataclass(frozen=True, slots=True)
class Erased:
    """What one erasure removed (or, in a dry run, would remove); `complete` False: ask again to continue."""

    conversations: int
    items: int
    complete: bool


class _OutOfTime(Exception):
    """The caller's time ran out before the next call to the table."""


def _always() -> bool:
    return True


class DynamoDbErasure(TableAdapter):
    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient | None = None,
        *,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(table_name, client)
        self._pause = pause

    def erase_user(self, user_id: str, *, has_time: Callable[[], bool] = _always, dry_run: bool = False) -> Erased:
        """Delete (with `dry_run`, only count) the customer's items, stopping early when `has_time` says no.

        `has_time` is asked before every call to the table. Raises StoreUnavailable on any AWS failure.
        """
        run = _Run(self.client, self._table_name, self._pause, has_time, dry_run)
        try:
            run.erase(user_id)
        except _OutOfTime:
            return Erased(run.conversations, run.items, complete=False)
        except (ClientError, BotoCoreError) as error:
            raise StoreUnavailable(error_code(error)) from error
        return Erased(run.conversations, run.items, complete=True)


@dataclass
class _Run:
    """One erasure's calls and counts."""

    client: DynamoDBClient
    table_name: str
    pause: Callable[[float], None]
    has_time: Callable[[], bool]
    dry_run: bool
    conversations: int = 0
    items: int = 0

    def erase(self, user_id: str) -> None:
        listed = list(self._rows(keys.user_pk(user_id), "PK, SK, conversationId"))
        for row in listed:
            if "conversationId" in row:
                self._delete_all(self._rows(keys.conversation_pk(row["conversationId"]["S"]), "PK, SK"))
                self.conversations += 1
        self._delete_all(iter(listed))

    def _rows(self, partition: str, projection: str) -> Iterator[Key]:
        """Every item of one partition (the projected attributes), page by page."""
        request: QueryInputTypeDef = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ProjectionExpression": projection,
        }
        while True:
            self._check_time()
            response = self.client.query(**request)
            yield from response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            request = {**request, "ExclusiveStartKey": last}

    def _delete_all(self, rows: Iterator[Key]) -> None:
        batch: list[Key] = []
        for row in rows:
            batch.append({"PK": row["PK"], "SK": row["SK"]})
            if len(batch) == BATCH_SIZE:
                self._delete(batch)
                batch = []
        if batch:
            self._delete(batch)

    def _delete(self, batch: list[Key]) -> None:
        self._check_time()
        if not self.dry_run:
            self._delete_now(batch)
        self.items += len(batch)

    def _delete_now(self, batch: list[Key]) -> None:
        requests: list[WriteRequestTypeDef] = [{"DeleteRequest": {"Key": key}} for key in batch]
        for attempt in range(UNPROCESSED_ATTEMPTS):
            if attempt:
                self.pause(backoff_seconds(attempt))
                self._check_time()  # a throttled table must not carry the erasure past its deadline
            response = self.client.batch_write_item(RequestItems={self.table_name: requests})
            unprocessed = response.get("UnprocessedItems", {}).get(self.table_name, [])
            requests = [{"DeleteRequest": item["DeleteRequest"]} for item in unprocessed if "DeleteRequest" in item]
            if not requests:
                return
        raise StoreUnavailable("UnprocessedItems")

    def _check_time(self) -> None:
        if not self.has_time():
            raise _OutOfTime
