"""The deliveries table (DynamoDB): the only DeliveryBot code that knows its item shape.

It uses the layer's DynamoDB client, so the bot's look-ups share the layer's short timeouts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from deliverybot.deliveries import AddressLabel, Delivery
from lexsentiment.adapters.aws import KEEP_FOR_RECORDING, DeadlineNear, TableAdapter, error_code
from lexsentiment.errors import StoreUnavailable


class DynamoDbDeliveryRepository(TableAdapter):
    def find(self, tracking_number: str) -> Delivery | None:
        try:
            response = self.client_within(KEEP_FOR_RECORDING).get_item(
                TableName=self._table_name,
                Key={"trackingNumber": {"S": tracking_number}},
                # Never the street address: nothing the bot says needs it (see AddressLabel).
                ProjectionExpression="trackingNumber, deliveryDate, addressLabel",
            )
        except (ClientError, BotoCoreError, DeadlineNear) as error:
            raise StoreUnavailable(error_code(error)) from error
        item = response.get("Item")
        return _delivery(item) if item else None

    def reschedule(self, tracking_number: str, new_date: date) -> Delivery | None:
        try:
            response = self.client_within(KEEP_FOR_RECORDING).update_item(
                TableName=self._table_name,
                Key={"trackingNumber": {"S": tracking_number}},
                UpdateExpression="SET deliveryDate = :date",
                ConditionExpression="attribute_exists(trackingNumber)",
                ExpressionAttributeValues={":date": {"S": new_date.isoformat()}},
                # UpdateItem has no projection: the whole item comes back, and only its label is read.
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return None
            raise StoreUnavailable(error_code(error)) from error
        except (DeadlineNear, BotoCoreError) as error:
            raise StoreUnavailable(error_code(error)) from error
        return _delivery(response.get("Attributes", {}))


def _delivery(item: dict[str, Any]) -> Delivery:
    try:
        return Delivery(
            tracking_number=item["trackingNumber"]["S"],
            delivery_date=date.fromisoformat(item["deliveryDate"]["S"]),
            address_label=AddressLabel.of(item.get("addressLabel", {}).get("S")),
        )
    except (KeyError, TypeError, ValueError) as error:
        # A broken item must not turn into an invented date for the customer.
        raise StoreUnavailable("InvalidDeliveryItem") from error
