"""Reads the sentiment table for supervisors: key lookups and queries only, never a scan."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from lexsentiment.adapters import sentiment_keys as keys
from lexsentiment.adapters.aws import TableAdapter, error_code
from lexsentiment.errors import StoreUnavailable
from lexsentiment.insights.models import (
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
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef

Item = dict[str, "AttributeValueTypeDef"]
P = ParamSpec("P")
R = TypeVar("R")
# Bounded parallelism for the per-shard queries of one request.
SHARD_READERS = keys.SHARDS


def _unavailable_on_aws_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Readers see one named outcome for any AWS failure, as the writer does."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (ClientError, BotoCoreError) as error:
            raise StoreUnavailable(error_code(error)) from error

    return wrapper


class DynamoDbInsightsStore(TableAdapter):
    # --- intents -------------------------------------------------------------------------------

    @_unavailable_on_aws_errors
    def intent_names(self) -> list[str]:
        """Every intent that has been recorded (one index entry per intent shard)."""
        rows = self._query_all(
            {
                "TableName": self._table_name,
                "IndexName": keys.SHIFT_INDEX,
                "KeyConditionExpression": "GSI1PK = :intents",
                "ExpressionAttributeValues": {":intents": {"S": keys.INTENTS_INDEX_KEY}},
            }
        )
        return sorted({row["GSI1SK"]["S"].rsplit("#S", 1)[0] for row in rows})

    @_unavailable_on_aws_errors
    def intent_days(self, intent: str, first: date, last: date) -> list[DayTotals]:
        """One intent's daily totals, its shards merged, oldest day first; days without turns are absent."""

        def one_shard(shard: int) -> list[Item]:
            return self._query_all(
                {
                    "TableName": self._table_name,
                    "KeyConditionExpression": "PK = :pk AND SK BETWEEN :first AND :last",
                    "ExpressionAttributeValues": {
                        ":pk": {"S": keys.intent_pk(intent, shard)},
                        ":first": {"S": keys.day_sk(first.isoformat())},
                        ":last": {"S": keys.day_sk(last.isoformat())},
                    },
                }
            )

        by_day: dict[date, list[SentimentTotals]] = defaultdict(list)
        with ThreadPoolExecutor(max_workers=SHARD_READERS) as pool:
            for rows in pool.map(one_shard, range(keys.SHARDS)):
                for row in rows:
                    by_day[date.fromisoformat(row["day"]["S"])].append(_totals(row))
        return [DayTotals(day, SentimentTotals.sum(parts)) for day, parts in sorted(by_day.items())]

    @_unavailable_on_aws_errors
    def intents_between(self, first: date, last: date) -> list[IntentTotals]:
        totals = [
            IntentTotals(intent, SentimentTotals.sum(day.totals for day in self.intent_days(intent, first, last)))
            for intent in self.intent_names()
        ]
        return [item for item in totals if item.totals.turns]

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
        response = self.client.query(**request)
        index_rows = response.get("Items", [])
        summaries = self._summaries([row["PK"]["S"] for row in index_rows])
        more = "LastEvaluatedKey" in response and bool(index_rows)
        return Page(items=summaries, after=index_rows[-1]["GSI1SK"]["S"] if more else None)

    @_unavailable_on_aws_errors
    def conversation(self, conversation_id: str) -> ConversationDetail | None:
        rows = self._query_all(
            {
                "TableName": self._table_name,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": keys.conversation_pk(conversation_id)}},
            }
        )
        summary = next((row for row in rows if row["SK"]["S"] == keys.SUMMARY), None)
        if summary is None:
            return None
        turns = sorted((_turn(row) for row in rows if row["SK"]["S"].startswith("TURN#")), key=_turn_order)
        intents = [
            IntentTotals(row["SK"]["S"].removeprefix("INTENT#"), _totals(row))
            for row in rows
            if row["SK"]["S"].startswith("INTENT#")
        ]
        return ConversationDetail(summary=_summary(summary), turns=turns, intents=intents)

    # --- users ---------------------------------------------------------------------------------

    @_unavailable_on_aws_errors
    def user_history(self, user_id: str, limit: int) -> UserHistory | None:
        """The user's totals and newest conversations (TOTAL sorts after CONV#, so it comes first)."""
        response = self.client.query(
            TableName=self._table_name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.user_pk(user_id)}},
            ScanIndexForward=False,
            Limit=limit + 1,
        )
        rows = response.get("Items", [])
        if not rows or rows[0]["SK"]["S"] != keys.TOTAL:
            return None
        conversations = [
            UserConversation(row["conversationId"]["S"], _moment(row["startedAt"]["S"]), _totals(row))
            for row in rows[1:]
        ]
        return UserHistory(user_id=user_id, totals=_totals(rows[0]), conversations=conversations)

    # --- bots ----------------------------------------------------------------------------------

    @_unavailable_on_aws_errors
    def bot_totals(self, name: str, alias: str, locale: str) -> SentimentTotals:
        rows = self._get_all([(keys.bot_pk(name, alias, locale, shard), keys.TOTAL) for shard in range(keys.SHARDS)])
        return SentimentTotals.sum(_totals(row) for row in rows.values())

    # --- helpers -------------------------------------------------------------------------------

    def _summaries(self, partition_keys: list[str]) -> list[ConversationSummary]:
        found = self._get_all([(pk, keys.SUMMARY) for pk in partition_keys])
        return [_summary(found[pk, keys.SUMMARY]) for pk in partition_keys if (pk, keys.SUMMARY) in found]

    def _get_all(self, item_keys: list[tuple[str, str]]) -> dict[tuple[str, str], Item]:
        """BatchGetItem (at most 100 keys, as every caller here asks), retrying unprocessed keys."""
        found: dict[tuple[str, str], Item] = {}
        if not item_keys:
            return found
        wanted: dict[str, Any] = {
            self._table_name: {"Keys": [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in item_keys]}
        }
        while wanted:
            response = self.client.batch_get_item(RequestItems=wanted)
            for row in response.get("Responses", {}).get(self._table_name, []):
                found[row["PK"]["S"], row["SK"]["S"]] = row
            wanted = dict(response.get("UnprocessedKeys") or {})
        return found

    def _query_all(self, request: QueryInputTypeDef) -> list[Item]:
        return list(self._pages(request))

    def _pages(self, request: QueryInputTypeDef) -> Iterator[Item]:
        while True:
            response = self.client.query(**request)
            yield from response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            request = {**request, "ExclusiveStartKey": last}


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
