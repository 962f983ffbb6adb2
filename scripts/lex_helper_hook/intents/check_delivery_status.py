"""CheckDeliveryStatus with lex-helper (the comparison handler of `make bench`, not product code).

The same work as DeliveryBot's turn, without its sentiment logic and recording: read the trackingNumber
slot, elicit it if missing, let Lex carry on in the dialog hook, and on fulfilment look the delivery up
with one DynamoDB GetItem and answer.
"""

from __future__ import annotations

import os
from datetime import date

import boto3
from lex_helper import LexPlainText, LexRequest, LexResponse, dialog

from scripts.lex_helper_hook.session_attributes import DeliverySessionAttributes

# One client per container, created when lex-helper first imports this module.
dynamodb = boto3.client("dynamodb")
TABLE_NAME = os.environ["DELIVERIES_TABLE_NAME"]


def handler(lex_request: LexRequest[DeliverySessionAttributes]) -> LexResponse[DeliverySessionAttributes]:
    intent = dialog.get_intent(lex_request)
    tracking_number = dialog.get_slot(slot_name="trackingNumber", intent=intent)
    if not tracking_number:
        return dialog.elicit_slot(
            slot_to_elicit="trackingNumber",
            messages=[LexPlainText(content="What is your tracking number?")],
            lex_request=lex_request,
        )
    lex_request.sessionState.sessionAttributes.tracking_number = str(tracking_number)
    if lex_request.invocationSource == "DialogCodeHook":
        return dialog.delegate(lex_request=lex_request)
    item = dynamodb.get_item(
        TableName=TABLE_NAME,
        Key={"trackingNumber": {"S": str(tracking_number)}},
        ProjectionExpression="trackingNumber, deliveryDate, deliveryAddress",
    ).get("Item")
    if item is None:
        message = f"I couldn't find a delivery with tracking number {tracking_number}."
    else:
        day = date.fromisoformat(item["deliveryDate"]["S"])
        message = (
            f"Your package {tracking_number} will arrive on {day:%A, %B} {day.day} "
            f"at your {item['deliveryAddress']['S']}."
        )
    return dialog.close(messages=[LexPlainText(content=message)], lex_request=lex_request)
