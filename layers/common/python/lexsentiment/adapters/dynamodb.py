"""DynamoDB repositories: the only code that knows table keys and expressions, and the only boto3 importer.

Sentiment table (single-table design; PK/SK plus GSI1PK/GSI1SK):

  PK                         SK                    what
  CONV#<conversation>        TURN#<record key>     one scored turn (no transcript), expires after the retention
  CONV#<conversation>        SUMMARY               turns, score sum, first/last score, shift; GSI1 = SHIFT#<shift>
  CONV#<conversation>        INTENT#<intent>       the blog's "aggregate per intent per conversation"
  INTENT#<intent>            TOTAL                 per intent, all time
  INTENT#<intent>            DAY#<yyyy-mm-dd>      per intent per day; GSI1 = INTENTDAY#<day> / INTENT#<intent>
  USER#<user>                TOTAL                 per user
  USER#<user>                CONV#<conversation>   one user's conversations (their history)
  BOT#<name>#<alias>#<locale> TOTAL                per bot alias and locale

Every item of a turn is written in ONE TransactWriteItems call whose first item is the turn record
with attribute_not_exists(PK): a retried invocation or a second code hook for the same utterance
cancels the whole transaction, so the aggregates count each utterance exactly once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from lexsentiment.domain.deliveries import Delivery
from lexsentiment.domain.recording import TurnRecord
from lexsentiment.ports import DeliveryStoreUnavailable, RecordOutcome, RecordResult

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

# A caller is waiting on the phone: fail fast and let the dialogue offer an alternative.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
MAX_ATTEMPTS = 2


@lru_cache(maxsize=1)
def dynamodb_client() -> DynamoDBClient:
    """One client per container, built on first use so importing this module touches no AWS."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    return boto3.session.Session().client("dynamodb", config=config)


def error_code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__


class DynamoDbDeliveryRepository:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        return self._client or dynamodb_client()

    def find(self, tracking_number: str) -> Delivery | None:
        try:
            response = self.client.get_item(
                TableName=self._table_name,
                Key={"trackingNumber": {"S": tracking_number}},
                ProjectionExpression="trackingNumber, deliveryDate, deliveryAddress",
            )
        except (ClientError, BotoCoreError) as error:
            raise DeliveryStoreUnavailable(error_code(error)) from error
        item = response.get("Item")
        return _delivery(item) if item else None

    def reschedule(self, tracking_number: str, new_date: date) -> Delivery | None:
        try:
            response = self.client.update_item(
                TableName=self._table_name,
                Key={"trackingNumber": {"S": tracking_number}},
                UpdateExpression="SET deliveryDate = :date",
                ConditionExpression="attribute_exists(trackingNumber)",
                ExpressionAttributeValues={":date": {"S": new_date.isoformat()}},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return None
            raise DeliveryStoreUnavailable(error_code(error)) from error
        except BotoCoreError as error:
            raise DeliveryStoreUnavailable(error_code(error)) from error
        return _delivery(response.get("Attributes", {}))


def _delivery(item: dict[str, Any]) -> Delivery:
    try:
        return Delivery(
            tracking_number=item["trackingNumber"]["S"],
            delivery_date=date.fromisoformat(item["deliveryDate"]["S"]),
            delivery_address=item["deliveryAddress"]["S"],
        )
    except (KeyError, TypeError, ValueError) as error:
        # A broken item must not turn into an invented date for the customer.
        raise DeliveryStoreUnavailable("InvalidDeliveryItem") from error


class DynamoDbSentimentRecorder:
    TTL_ATTRIBUTE = "expiresAt"  # template.yaml's TimeToLiveSpecification names the same attribute

    def __init__(self, table_name: str, retention: timedelta, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._retention = retention
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        return self._client or dynamodb_client()

    def record(self, record: TurnRecord) -> RecordResult:
        try:
            self.client.transact_write_items(TransactItems=self.transact_items(record))
        except ClientError as error:
            if _duplicate_turn(error):
                return RecordResult(RecordOutcome.DUPLICATE)
            return RecordResult(RecordOutcome.FAILED, error_code(error))
        except BotoCoreError as error:
            return RecordResult(RecordOutcome.FAILED, error_code(error))
        return RecordResult(RecordOutcome.RECORDED)

    def transact_items(self, record: TurnRecord) -> list[TransactWriteItemTypeDef]:
        conversation = f"CONV#{record.conversation_id}"
        intent = f"INTENT#{record.intent_name}"
        day = record.recorded_at.date().isoformat()
        at = _timestamp(record.recorded_at)
        bot = record.bot
        return [
            {
                "Put": {
                    "TableName": self._table_name,
                    "Item": self._turn_item(record, conversation, at),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            self._summary_update(record, conversation, at),
            self._aggregate(record, conversation, intent, "ConversationIntent", at),
            self._aggregate(record, intent, "TOTAL", "Intent", at),
            self._aggregate(
                record,
                intent,
                f"DAY#{day}",
                "IntentDay",
                at,
                {"GSI1PK": _s(f"INTENTDAY#{day}"), "GSI1SK": _s(intent), "day": _s(day)},
            ),
            self._aggregate(record, f"USER#{record.user_id}", "TOTAL", "User", at),
            self._aggregate(
                record,
                f"USER#{record.user_id}",
                conversation,
                "UserConversation",
                at,
                {"conversationId": _s(record.conversation_id)},
            ),
            self._aggregate(record, f"BOT#{bot.name}#{bot.alias}#{bot.locale}", "TOTAL", "Bot", at),
        ]

    def _turn_item(self, record: TurnRecord, conversation: str, at: str) -> dict[str, AttributeValueTypeDef]:
        scores = record.sentiment
        expires_at = int((record.recorded_at + self._retention).timestamp())
        return {
            "PK": _s(conversation),
            "SK": _s(f"TURN#{record.record_key}"),
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

    def _summary_update(self, record: TurnRecord, conversation: str, at: str) -> TransactWriteItemTypeDef:
        bot = record.bot
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"PK": _s(conversation), "SK": _s("SUMMARY")},
                "UpdateExpression": (
                    "SET entity = :entity, conversationId = :conversation, userId = :user, botName = :bot, "
                    "botAlias = :alias, locale = :locale, startedAt = if_not_exists(startedAt, :at), "
                    "lastTurnAt = :at, firstScore = if_not_exists(firstScore, :first), lastScore = :score, "
                    "lastIntent = :intent, shift = :shift, GSI1PK = :shiftKey, GSI1SK = :shiftSort "
                    "ADD turns :one, scoreSum :score, apologies :apologised, handovers :handedOver"
                ),
                "ExpressionAttributeValues": {
                    ":entity": _s("ConversationSummary"),
                    ":conversation": _s(record.conversation_id),
                    ":user": _s(record.user_id),
                    ":bot": _s(bot.name),
                    ":alias": _s(bot.alias),
                    ":locale": _s(bot.locale),
                    ":at": _s(at),
                    ":first": _n(record.first_score),
                    ":score": _n(record.score),
                    ":intent": _s(record.intent_name),
                    ":shift": _s(record.shift.value),
                    ":shiftKey": _s(f"SHIFT#{record.shift.value}"),
                    ":shiftSort": _s(f"{at}#{record.conversation_id}"),
                    ":one": _n(1),
                    ":apologised": _n(int(record.apologised)),
                    ":handedOver": _n(int(record.handed_over)),
                },
            }
        }

    def _aggregate(
        self,
        record: TurnRecord,
        partition: str,
        sort: str,
        entity: str,
        at: str,
        extra: dict[str, AttributeValueTypeDef] | None = None,
    ) -> TransactWriteItemTypeDef:
        """Atomic counters for one aggregate; means are derived on read (sum / turns)."""
        scores = record.sentiment
        values: dict[str, AttributeValueTypeDef] = {
            ":entity": _s(entity),
            ":at": _s(at),
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
        assignments = ["entity = :entity", "lastTurnAt = :at"]
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


def _duplicate_turn(error: ClientError) -> bool:
    """Only a failed condition on the turn record (item 0) means "already recorded"."""
    if error_code(error) != "TransactionCanceledException":
        return False
    reasons = error.response.get("CancellationReasons") or []
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _s(value: str) -> AttributeValueTypeDef:
    return {"S": value}


def _n(value: float | int) -> AttributeValueTypeDef:
    # Through repr, so 2.6722797e-05 stays exact; DynamoDB numbers are decimal strings.
    return {"N": format(Decimal(repr(value)), "f")}
