"""The sentiment table's write side: the only code that knows its update expressions.

Every item of a scored turn is written in ONE TransactWriteItems call whose first item is the turn
record with attribute_not_exists(PK): a retried invocation or a second code hook for the same
utterance cancels the whole transaction, so the aggregates count each utterance exactly once.
The key layout is in sentiment_keys.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from lexsentiment import sentiment_keys as keys
from lexsentiment.adapters.aws import KEEP_FOR_BACKLOG, DeadlineNear, TableAdapter, error_code
from lexsentiment.recording.record import RecordOutcome, RecordResult, TurnRecord

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef


class DynamoDbSentimentRecorder(TableAdapter):
    TTL_ATTRIBUTE = keys.EXPIRES_AT  # template.yaml's TimeToLiveSpecification names the same attribute
    # Aggregates that name a customer or a conversation expire; the anonymous intent and bot totals never do.
    PERSONAL_AGGREGATES = frozenset({"ConversationIntent", "User", "UserConversation"})

    def __init__(
        self,
        table_name: str,
        retention: timedelta,
        client: DynamoDBClient | None = None,
        *,
        conversation_retention: timedelta | None = None,
    ) -> None:
        """`retention` keeps turn records; `conversation_retention` (by default the same) keeps the
        personal items (summary, per-conversation intents, user items), counted from each turn."""
        super().__init__(table_name, client)
        self._retention = retention
        self._conversation_retention = conversation_retention or retention

    def _personal_expiry(self, record: TurnRecord) -> AttributeValueTypeDef:
        return _n(int((record.recorded_at + self._conversation_retention).timestamp()))

    def record(self, record: TurnRecord) -> RecordResult:
        try:
            self.client_within(KEEP_FOR_BACKLOG).transact_write_items(TransactItems=self.transact_items(record))
            return RecordResult(RecordOutcome.RECORDED)
        except ClientError as error:
            older = _cancelled_because(error, OLDER_THAN_SUMMARY) and not _cancelled_because(error, DUPLICATE_TURN)
            if not older:
                return _not_recorded(error)
        except (BotoCoreError, DeadlineNear) as error:
            return _not_recorded(error)
        # A turn older than the summary's latest (replayed from the backlog after newer turns were
        # written): count it, but leave the conversation's latest state as the newer turn set it.
        try:
            self.client_within(KEEP_FOR_BACKLOG).transact_write_items(
                TransactItems=self.transact_items(record, latest=False)
            )
        except (ClientError, BotoCoreError, DeadlineNear) as error:
            return _not_recorded(error)
        return RecordResult(RecordOutcome.RECORDED)

    def transact_items(self, record: TurnRecord, *, latest: bool = True) -> list[TransactWriteItemTypeDef]:
        """The turn's items; `latest` also moves the summary's latest state, if no newer turn did."""
        conversation = keys.conversation_pk(record.conversation_id)
        shard = keys.shard_of(record.conversation_id)
        intent = record.intent_name
        day = record.recorded_at.date().isoformat()
        at = _timestamp(record.recorded_at)
        started_at = _timestamp(record.started_at)
        bot = record.bot
        bot_key = keys.bot_key(bot.name, bot.alias, bot.locale)
        bot_names = {"botName": _s(bot.name), "botAlias": _s(bot.alias), "locale": _s(bot.locale)}
        return [
            {
                "Put": {
                    "TableName": self._table_name,
                    "Item": self._turn_item(record, conversation, at),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            self._summary_update(record, conversation, at, started_at, latest=latest),
            self._aggregate(record, conversation, keys.conversation_intent_sk(intent), "ConversationIntent"),
            self._aggregate(
                record,
                keys.intent_pk(intent, shard),
                keys.TOTAL,
                "IntentShard",
                {
                    "intent": _s(intent),
                    "GSI1PK": _s(keys.INTENTS_INDEX_KEY),
                    "GSI1SK": _s(keys.sharded_index_sk(intent, shard)),
                },
            ),
            self._aggregate(
                record, keys.intent_pk(intent, shard), keys.day_sk(day), "IntentDayShard", {"day": _s(day)}
            ),
            self._aggregate(record, keys.user_pk(record.user_id), keys.TOTAL, "User"),
            self._aggregate(
                record,
                keys.user_pk(record.user_id),
                keys.user_conversation_sk(started_at, record.conversation_id),
                "UserConversation",
                {"conversationId": _s(record.conversation_id), "startedAt": _s(started_at)},
            ),
            self._aggregate(
                record,
                keys.bot_pk(bot_key, shard),
                keys.TOTAL,
                "BotShard",
                {
                    **bot_names,
                    "GSI1PK": _s(keys.BOTS_INDEX_KEY),
                    "GSI1SK": _s(keys.sharded_index_sk(bot_key, shard)),
                },
            ),
            self._aggregate(
                record, keys.bot_pk(bot_key, shard), keys.day_sk(day), "BotDayShard", {**bot_names, "day": _s(day)}
            ),
        ]

    def _turn_item(self, record: TurnRecord, conversation: str, at: str) -> dict[str, AttributeValueTypeDef]:
        scores = record.sentiment
        expires_at = int((record.recorded_at + self._retention).timestamp())
        return {
            "PK": _s(conversation),
            "SK": _s(keys.turn_sk(record.record_key)),
            "entity": _s("Turn"),
            "conversationId": _s(record.conversation_id),
            "turnIndex": _n(record.turn_index),
            "recordedAt": _s(at),
            "intent": _s(record.intent_name),
            "lexVersion": _s(record.lex_version.value),
            "label": _s(scores.label.value),
            "positive": _n(scores.positive),
            "negative": _n(scores.negative),
            "neutral": _n(scores.neutral),
            "mixed": _n(scores.mixed),
            "score": _n(record.score),
            "decision": _s(record.decision.value),
            "apologised": {"BOOL": record.apologised},
            "handedOver": {"BOOL": record.handed_over},
            self.TTL_ATTRIBUTE: _n(expires_at),
        }

    def _summary_update(
        self, record: TurnRecord, conversation: str, at: str, started_at: str, *, latest: bool
    ) -> TransactWriteItemTypeDef:
        """Counters always; the latest state (scores, shift, index key) only from a newer turn.

        Sums are order-independent, so a turn replayed late from the backlog adds up to the same
        totals; the latest state is guarded by the turn index, so it never goes back in time.
        GSI1SK is set once: the index entry moves only when the shift class changes.
        """
        bot = record.bot
        assignments = [
            "entity = :entity",
            "conversationId = :conversation",
            "userId = :user",
            "botName = :bot",
            "botAlias = :alias",
            "locale = :locale",
            "startedAt = if_not_exists(startedAt, :startedAt)",
            "GSI1SK = if_not_exists(GSI1SK, :shiftSort)",
        ]
        values: dict[str, AttributeValueTypeDef] = {
            ":entity": _s("ConversationSummary"),
            ":conversation": _s(record.conversation_id),
            ":user": _s(record.user_id),
            ":bot": _s(bot.name),
            ":alias": _s(bot.alias),
            ":locale": _s(bot.locale),
            ":startedAt": _s(started_at),
            ":shiftSort": _s(keys.shift_sk(started_at, record.conversation_id)),
            ":one": _n(1),
            ":score": _n(record.score),
            ":indexScore": _n(record.turn_index * record.score),
            ":apologised": _n(int(record.apologised)),
            ":handedOver": _n(int(record.handed_over)),
        }
        update: dict[str, Any] = {
            "TableName": self._table_name,
            "Key": {"PK": _s(conversation), "SK": _s(keys.SUMMARY)},
        }
        if latest:
            assignments += [
                "lastTurnIndex = :turnIndex",
                "lastTurnAt = :at",
                "startScore = :start",
                "endScore = :end",
                "lastScore = :score",
                "lastIntent = :intent",
                "shift = :shift",
                "GSI1PK = :shiftKey",
                # Renewed by each newer turn; a turn replayed late does not move the expiry back.
                f"{self.TTL_ATTRIBUTE} = :expiresAt",
            ]
            values |= {
                ":expiresAt": self._personal_expiry(record),
                ":turnIndex": _n(record.turn_index),
                ":at": _s(at),
                ":start": _n(record.start_score),
                ":end": _n(record.end_score),
                ":intent": _s(record.intent_name),
                ":shift": _s(record.shift.value),
                ":shiftKey": _s(keys.shift_pk(record.shift.value)),
            }
            update["ConditionExpression"] = "attribute_not_exists(lastTurnIndex) OR lastTurnIndex < :turnIndex"
        update["UpdateExpression"] = (
            f"SET {', '.join(assignments)} "
            "ADD turns :one, scoreSum :score, indexScoreSum :indexScore, apologies :apologised, handovers :handedOver"
        )
        update["ExpressionAttributeValues"] = values
        return {"Update": update}  # type: ignore[typeddict-item]

    def _aggregate(
        self,
        record: TurnRecord,
        partition: str,
        sort: str,
        entity: str,
        extra: dict[str, AttributeValueTypeDef] | None = None,
    ) -> TransactWriteItemTypeDef:
        """Atomic counters for one aggregate (order-independent); means are derived on read (sum / turns)."""
        scores = record.sentiment
        values: dict[str, AttributeValueTypeDef] = {
            ":entity": _s(entity),
            ":one": _n(1),
            ":positive": _n(scores.positive),
            ":negative": _n(scores.negative),
            ":neutral": _n(scores.neutral),
            ":mixed": _n(scores.mixed),
            ":score": _n(record.score),
            ":apologised": _n(int(record.apologised)),
            ":handedOver": _n(int(record.handed_over)),
        }
        names = {"#labelTurns": f"{scores.label.value.lower()}Turns"}
        assignments = ["entity = :entity"]
        if entity in self.PERSONAL_AGGREGATES:
            # Renewed by every turn; one replayed late from the backlog sets it back by that delay at most.
            values[":expiresAt"] = self._personal_expiry(record)
            assignments.append(f"{self.TTL_ATTRIBUTE} = :expiresAt")
        for name, value in (extra or {}).items():
            # Placeholders for extra names: some (such as "day") are DynamoDB reserved words.
            names[f"#{name}"] = name
            values[f":{name}"] = value
            assignments.append(f"#{name} = :{name}")
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"PK": _s(partition), "SK": _s(sort)},
                "UpdateExpression": (
                    f"SET {', '.join(assignments)} "
                    "ADD turns :one, positiveSum :positive, negativeSum :negative, neutralSum :neutral, "
                    "mixedSum :mixed, scoreSum :score, #labelTurns :one, apologies :apologised, handovers :handedOver"
                ),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }


def _not_recorded(error: ClientError | BotoCoreError | DeadlineNear) -> RecordResult:
    """DUPLICATE when the turn record already exists, otherwise FAILED with the cause."""
    if isinstance(error, ClientError) and _cancelled_because(error, DUPLICATE_TURN):
        return RecordResult(RecordOutcome.DUPLICATE)
    return RecordResult(RecordOutcome.FAILED, _cause(error))


# Why an item of a cancelled transaction failed "for now": another writer, or the table's throughput.
_TRANSIENT_CANCELLATIONS = frozenset({"TransactionConflict", "ProvisionedThroughputExceeded", "ThrottlingError"})


def _cause(error: ClientError | BotoCoreError | DeadlineNear) -> str:
    """The error code; a cancelled transaction that no retry will mend (a validation error, an item
    collection at its size limit) is named by that reason, so it is "not this request" rather than
    "not now" (adapters.aws.is_unavailable) and the backlog drain does not hold its batch back for it."""
    code = error_code(error)
    if not isinstance(error, ClientError) or code != "TransactionCanceledException":
        return code
    failed = [reason for reason in _cancellation_codes(error) if reason not in {"None", "ConditionalCheckFailed"}]
    if not failed or any(reason in _TRANSIENT_CANCELLATIONS for reason in failed):
        return code
    return f"{code}:{failed[0]}"


# Positions in transact_items: the turn record's condition, then the summary's.
DUPLICATE_TURN = 0
OLDER_THAN_SUMMARY = 1


def _cancelled_because(error: ClientError, item: int) -> bool:
    """True when that item's condition failed. For the turn record that alone settles it (the turn is
    already recorded, whatever else went wrong); for the summary, nothing else may have failed."""
    if error_code(error) != "TransactionCanceledException":
        return False
    codes = _cancellation_codes(error)
    if len(codes) <= item or codes[item] != "ConditionalCheckFailed":
        return False
    return item == DUPLICATE_TURN or all(code in {"None", "ConditionalCheckFailed"} for code in codes)


def _cancellation_codes(error: ClientError) -> list[str]:
    """Why each item of a cancelled transaction failed, in transact_items' order ("None": it did not)."""
    return [reason.get("Code", "None") for reason in error.response.get("CancellationReasons") or []]


def _timestamp(moment: datetime) -> str:
    # Stored times sort as strings (index keys, cursors): every aware time is written as the same UTC instant.
    utc = moment.astimezone(UTC) if moment.utcoffset() is not None else moment
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _s(value: str) -> AttributeValueTypeDef:
    return {"S": value}


def _n(value: float | int) -> AttributeValueTypeDef:
    # Through repr, so 2.6722797e-05 stays exact; DynamoDB numbers are decimal strings.
    return {"N": format(Decimal(repr(value)), "f")}
