"""Reads the sentiment table for supervisors: key lookups and queries only, never a scan.

Every row passes through `_query` or `_get_all`, which drop the personal items whose `expiresAt` has
passed: DynamoDB deletes expired items only eventually (often days later), and until then they are
still returned.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from lexsentiment import sentiment_keys as keys
from lexsentiment.adapters.aws import KEEP_FOR_REPLY, DeadlineNear, TableAdapter, backoff_seconds, error_code
from lexsentiment.errors import StoreUnavailable
from lexsentiment.insights.models import (
    BotTotals,
    ConversationDetail,
    ConversationSummary,
    DayTotals,
    IntentTotals,
    Page,
    SentimentTotals,
    TurnView,
    UserConversation,
    UserHistory,
)
from lexsentiment.policy.conversation_score import Shift
from lexsentiment.policy.sentiment import SentimentLabel

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef

Item = dict[str, "AttributeValueTypeDef"]
P = ParamSpec("P")
R = TypeVar("R")
# Bounded parallelism for the per-shard queries of one request.
SHARD_READERS = keys.SHARDS
# One conversation's answer: its latest turns, and at most this many 1 MB pages of its partition
# (about 3,000 turns a page). Both bound the response (API Gateway's 6 MB) and the function's time
# when a client keeps reusing one session id.
MAX_TURNS_SHOWN = 500
MAX_CONVERSATION_PAGES = 10
# Keys BatchGetItem leaves unprocessed are asked for again (adapters.aws.backoff_seconds), a few times at most.
BATCH_GET_ATTEMPTS = 5


def _unavailable_on_aws_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Readers see one named outcome for any AWS failure, as the writer does."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (ClientError, BotoCoreError, DeadlineNear) as error:
            raise StoreUnavailable(error_code(error)) from error

    return wrapper


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DynamoDbInsightsStore(TableAdapter):
    def __init__(
        self, table_name: str, client: DynamoDBClient | None = None, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        """`clock` tells which personal items have expired (tests pin it)."""
        super().__init__(table_name, client)
        self._clock = clock

    # --- intents -------------------------------------------------------------------------------

    @_unavailable_on_aws_errors
    def intent_names(self) -> list[str]:
        """Every intent that has been recorded (one index entry per intent shard)."""
        return self._indexed(keys.INTENTS_INDEX_KEY)

    @_unavailable_on_aws_errors
    def intent_days(self, intent: str, first: date, last: date) -> list[DayTotals]:
        """One intent's daily totals, its shards merged, oldest day first; days without turns are absent."""
        rows = self._day_rows({intent: _shards(functools.partial(keys.intent_pk, intent))}, first, last)
        return _by_day(rows[intent])

    @_unavailable_on_aws_errors
    def intents_between(self, first: date, last: date) -> list[IntentTotals]:
        groups = {intent: _shards(functools.partial(keys.intent_pk, intent)) for intent in self.intent_names()}
        totals = [
            IntentTotals(intent, SentimentTotals.sum(_totals(row) for row in rows))
            for intent, rows in self._day_rows(groups, first, last).items()
        ]
        return [item for item in totals if item.totals.turns]

    # --- bots ----------------------------------------------------------------------------------

    @_unavailable_on_aws_errors
    def bots_between(self, first: date, last: date) -> list[BotTotals]:
        """Every bot alias and locale with turns in the range, its shards and days merged."""
        groups = {bot: _shards(functools.partial(keys.bot_pk, bot)) for bot in self._indexed(keys.BOTS_INDEX_KEY)}
        return [
            # The names come from the items, so the key's "#" separators are never parsed apart.
            BotTotals(
                name=rows[0]["botName"]["S"],
                alias=rows[0]["botAlias"]["S"],
                locale=rows[0]["locale"]["S"],
                totals=SentimentTotals.sum(_totals(row) for row in rows),
            )
            for rows in self._day_rows(groups, first, last).values()
            if rows
        ]

    # --- conversations -------------------------------------------------------------------------

    @_unavailable_on_aws_errors
    def conversations(
        self, shift: Shift, since: date, until: date, limit: int, after: str | None = None
    ) -> Page[ConversationSummary]:
        """Conversations of one shift class that started between two days, newest first."""
        request: QueryInputTypeDef = {
            "TableName": self._table_name,
            "IndexName": keys.SHIFT_INDEX,
            "KeyConditionExpression": "GSI1PK = :shift AND GSI1SK BETWEEN :since AND :until",
            "ExpressionAttributeValues": {
                ":shift": {"S": keys.shift_pk(shift.value)},
                ":since": {"S": since.isoformat()},
                ":until": {"S": f"{until.isoformat()}~"},  # "~" sorts after any time of that day
            },
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if after is not None:
            conversation_id = after.split("#", 1)[1]
            request["ExclusiveStartKey"] = {
                "GSI1PK": {"S": keys.shift_pk(shift.value)},
                "GSI1SK": {"S": after},
                "PK": {"S": keys.conversation_pk(conversation_id)},
                "SK": {"S": keys.SUMMARY},
            }
        index_rows, last_key = self._query(request)
        summaries = self._summaries([row["PK"]["S"] for row in index_rows])
        more = last_key is not None and bool(index_rows)
        return Page(items=summaries, after=index_rows[-1]["GSI1SK"]["S"] if more else None)

    @_unavailable_on_aws_errors
    def conversation(self, conversation_id: str) -> ConversationDetail | None:
        """The summary, per-intent totals and latest turns, from one query of the partition.

        The partition sorts INTENT#, then SUMMARY, then TURN# (in record-key order, not time order), so
        the latest turns are known only once every page is read: at most MAX_CONVERSATION_PAGES are.
        """
        request: QueryInputTypeDef = {
            "TableName": self._table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": keys.conversation_pk(conversation_id)}},
        }
        rows, unread = self._query_all(request, max_pages=MAX_CONVERSATION_PAGES)
        summary = next((row for row in rows if row["SK"]["S"] == keys.SUMMARY), None)
        if summary is None:
            return None
        turns = sorted((_turn(row) for row in rows if row["SK"]["S"].startswith("TURN#")), key=_turn_order)
        intents = [
            IntentTotals(row["SK"]["S"].removeprefix("INTENT#"), _totals(row))
            for row in rows
            if row["SK"]["S"].startswith("INTENT#")
        ]
        return ConversationDetail(
            summary=_summary(summary),
            turns=turns[-MAX_TURNS_SHOWN:],
            intents=intents,
            turns_truncated=unread or len(turns) > MAX_TURNS_SHOWN,
        )

    # --- users ---------------------------------------------------------------------------------

    @_unavailable_on_aws_errors
    def user_history(self, user_id: str, limit: int) -> UserHistory | None:
        """The user's totals and newest conversations (TOTAL sorts after CONV#, so it comes first)."""
        rows, _ = self._query(
            {
                "TableName": self._table_name,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": keys.user_pk(user_id)}},
                "ScanIndexForward": False,
                "Limit": limit + 1,
            }
        )
        if not rows or rows[0]["SK"]["S"] != keys.TOTAL:
            return None
        conversations = [
            UserConversation(row["conversationId"]["S"], _moment(row["startedAt"]["S"]), _totals(row))
            for row in rows[1:]
        ]
        return UserHistory(user_id=user_id, totals=_totals(rows[0]), conversations=conversations)

    # --- helpers -------------------------------------------------------------------------------

    def _indexed(self, index_key: str) -> list[str]:
        """The intents or bot keys listed under INTENTS or BOTS (one index entry per shard)."""
        rows, _ = self._query_all(
            {
                "TableName": self._table_name,
                "IndexName": keys.SHIFT_INDEX,
                "KeyConditionExpression": "GSI1PK = :listing",
                "ExpressionAttributeValues": {":listing": {"S": index_key}},
            }
        )
        return sorted({keys.unsharded(row["GSI1SK"]["S"]) for row in rows})

    def _day_rows(self, groups: dict[str, list[str]], first: date, last: date) -> dict[str, list[Item]]:
        """Each group's DAY# items between two days, read from all its shard partitions: one query per
        partition, all of them in one pool of SHARD_READERS threads."""

        def one_partition(partition: str) -> list[Item]:
            rows, _ = self._query_all(
                {
                    "TableName": self._table_name,
                    "KeyConditionExpression": "PK = :pk AND SK BETWEEN :first AND :last",
                    "ExpressionAttributeValues": {
                        ":pk": {"S": partition},
                        ":first": {"S": keys.day_sk(first.isoformat())},
                        ":last": {"S": keys.day_sk(last.isoformat())},
                    },
                }
            )
            return rows

        work = [(group, partition) for group, partitions in groups.items() for partition in partitions]
        found: dict[str, list[Item]] = {group: [] for group in groups}
        # Each read runs in a copy of this context, so the request's deadline holds in the pool too.
        contexts = [copy_context() for _ in work]
        with ThreadPoolExecutor(max_workers=SHARD_READERS) as pool:
            answers = pool.map(
                lambda context, partition: context.run(one_partition, partition),
                contexts,
                [partition for _, partition in work],
            )
            for (group, _), rows in zip(work, answers, strict=True):
                found[group].extend(rows)
        return found

    def _summaries(self, partition_keys: list[str]) -> list[ConversationSummary]:
        found = self._get_all([(pk, keys.SUMMARY) for pk in partition_keys])
        return [_summary(found[pk, keys.SUMMARY]) for pk in partition_keys if (pk, keys.SUMMARY) in found]

    def _get_all(self, item_keys: list[tuple[str, str]]) -> dict[tuple[str, str], Item]:
        """BatchGetItem (at most 100 keys, as every caller here asks), retrying unprocessed keys a few times."""
        found: dict[tuple[str, str], Item] = {}
        if not item_keys:
            return found
        wanted: dict[str, Any] = {
            self._table_name: {"Keys": [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in item_keys]}
        }
        for attempt in range(BATCH_GET_ATTEMPTS):
            if attempt:
                time.sleep(backoff_seconds(attempt))
            response = self.client_within(KEEP_FOR_REPLY).batch_get_item(RequestItems=wanted)
            for row in self._live(response.get("Responses", {}).get(self._table_name, [])):
                found[row["PK"]["S"], row["SK"]["S"]] = row
            wanted = dict(response.get("UnprocessedKeys") or {})
            if not wanted:
                return found
        raise StoreUnavailable("UnprocessedKeys")

    def _query(self, request: QueryInputTypeDef) -> tuple[list[Item], dict[str, Any] | None]:
        """One page: its live items, and the key to continue from (None on the last page)."""
        response = self.client_within(KEEP_FOR_REPLY).query(**request)
        return self._live(response.get("Items", [])), response.get("LastEvaluatedKey")

    def _query_all(self, request: QueryInputTypeDef, max_pages: int | None = None) -> tuple[list[Item], bool]:
        """The live items of every page (or of the first `max_pages`), and whether pages were left unread."""
        rows: list[Item] = []
        pages = 0
        while max_pages is None or pages < max_pages:
            page, last_key = self._query(request)
            rows.extend(page)
            pages += 1
            if last_key is None:
                return rows, False
            request = {**request, "ExclusiveStartKey": last_key}
        return rows, True

    def _live(self, rows: Iterable[Item]) -> list[Item]:
        """Leaves out the rows whose TTL has passed but that DynamoDB has not deleted yet."""
        now = self._clock().timestamp()
        return [row for row in rows if not _expired(row, now)]


def _expired(row: Item, now: float) -> bool:
    # As DynamoDB's TTL: only a number counts; any other value (or none) never expires.
    expires_at = row.get(keys.EXPIRES_AT, {}).get("N")
    return expires_at is not None and float(expires_at) < now


def _shards(partition_of: Callable[[int], str]) -> list[str]:
    return [partition_of(shard) for shard in range(keys.SHARDS)]


def _by_day(rows: list[Item]) -> list[DayTotals]:
    by_day: dict[date, list[SentimentTotals]] = defaultdict(list)
    for row in rows:
        by_day[date.fromisoformat(row["day"]["S"])].append(_totals(row))
    return [DayTotals(day, SentimentTotals.sum(parts)) for day, parts in sorted(by_day.items())]


def _number(row: Item, name: str) -> float:
    value = row.get(name)
    return float(value["N"]) if value and "N" in value else 0.0


def _count(row: Item, name: str) -> int:
    return int(_number(row, name))


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _totals(row: Item) -> SentimentTotals:
    return SentimentTotals(
        turns=_count(row, "turns"),
        positive_sum=_number(row, "positiveSum"),
        negative_sum=_number(row, "negativeSum"),
        neutral_sum=_number(row, "neutralSum"),
        mixed_sum=_number(row, "mixedSum"),
        score_sum=_number(row, "scoreSum"),
        label_turns={
            label: _count(row, f"{label.value.lower()}Turns")
            for label in SentimentLabel
            if f"{label.value.lower()}Turns" in row
        },
        apologies=_count(row, "apologies"),
        handovers=_count(row, "handovers"),
    )


def _summary(row: Item) -> ConversationSummary:
    return ConversationSummary(
        conversation_id=row["conversationId"]["S"],
        user_id=row["userId"]["S"],
        bot_name=row.get("botName", {}).get("S", ""),
        started_at=_moment(row["startedAt"]["S"]),
        last_turn_at=_moment(row["lastTurnAt"]["S"]),
        turns=_count(row, "turns"),
        score_sum=_number(row, "scoreSum"),
        index_score_sum=_number(row, "indexScoreSum"),
        start_score=_number(row, "startScore"),
        end_score=_number(row, "endScore"),
        last_intent=row.get("lastIntent", {}).get("S", ""),
        shift=Shift(row["shift"]["S"]),
        apologies=_count(row, "apologies"),
        handovers=_count(row, "handovers"),
    )


def _turn(row: Item) -> TurnView:
    return TurnView(
        turn_index=_count(row, "turnIndex"),
        recorded_at=_moment(row["recordedAt"]["S"]),
        intent=row["intent"]["S"],
        label=SentimentLabel(row["label"]["S"]),
        score=_number(row, "score"),
        negative=_number(row, "negative"),
        decision=row.get("decision", {}).get("S", ""),
        apologised=row.get("apologised", {}).get("BOOL", False),
        handed_over=row.get("handedOver", {}).get("BOOL", False),
    )


def _turn_order(turn: TurnView) -> tuple[int, datetime]:
    return turn.turn_index, turn.recorded_at
