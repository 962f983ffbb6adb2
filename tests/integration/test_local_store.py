"""The lasting local store, and the faster moto transactions it runs on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mypy_boto3_dynamodb import DynamoDBClient
from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

from local.demo_data import demo_delivery_date
from local.moto_speedups import item_level_transaction_rollback
from local.store import local_store


def test_the_local_store_lasts_between_commands(tmp_path: Path) -> None:
    snapshot = tmp_path / "dynamodb.json"
    with local_store(snapshot) as store:
        assert store.is_empty()
        store.client.put_item(TableName=store.tables.sentiment, Item={"PK": {"S": "CONV#x"}, "SK": {"S": "SUMMARY"}})

    with local_store(snapshot) as store:
        assert not store.is_empty()
        delivery = store.client.get_item(TableName=store.tables.deliveries, Key={"trackingNumber": {"S": "21132"}})
        # The demo deliveries are dated from the day the store was made: 21132 arrives four days later.
        made = datetime.now(UTC).date()
        assert delivery["Item"]["deliveryDate"]["S"] == demo_delivery_date("21132", made).isoformat()


def test_a_snapshot_of_another_table_layout_is_set_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = tmp_path / "dynamodb.json"
    snapshot.write_text(json.dumps({"layout": "old", "deliveries": [], "sentiment": []}))

    with local_store(snapshot) as store:
        assert store.is_empty()

    assert (tmp_path / "dynamodb.stale.json").exists()
    assert "another table layout" in capsys.readouterr().out


def test_the_faster_transactions_still_roll_back_a_cancelled_transaction(dynamodb: DynamoDBClient) -> None:
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for key in ("existing", "guard"):
        dynamodb.put_item(TableName="t", Item={"PK": {"S": key}, "n": {"N": "1"}})
    add_one: TransactWriteItemTypeDef = {
        "Update": {
            "TableName": "t",
            "Key": {"PK": {"S": "existing"}},
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    put_new: TransactWriteItemTypeDef = {"Put": {"TableName": "t", "Item": {"PK": {"S": "new"}}}}
    failing_check: TransactWriteItemTypeDef = {
        "ConditionCheck": {
            "TableName": "t",
            "Key": {"PK": {"S": "guard"}},
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }

    with item_level_transaction_rollback():
        with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
            dynamodb.transact_write_items(TransactItems=[add_one, put_new, failing_check])
        assert {item["PK"]["S"] for item in dynamodb.scan(TableName="t")["Items"]} == {"existing", "guard"}
        dynamodb.transact_write_items(TransactItems=[add_one, put_new])

    items = {item["PK"]["S"]: item for item in dynamodb.scan(TableName="t")["Items"]}
    assert set(items) == {"existing", "guard", "new"}
    assert items["existing"]["n"] == {"N": "2"}  # the cancelled ADD left no trace
