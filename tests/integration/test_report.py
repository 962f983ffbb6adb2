"""The report and its charts, on demo conversations recorded through the real code hook."""

from __future__ import annotations

import json
import random
import struct
import zlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from lexsentiment.adapters.aws import reset_clients
from lexsentiment.adapters.insights_store import DynamoDbInsightsStore
from lexsentiment.policy.conversation_score import Shift
from local.backend import create_signing_secrets, create_tables, seed_deliveries
from local.moto_speedups import item_level_transaction_rollback
from local.report import build_report, print_report, write_charts
from local.seed import code_hook_responder, seed
from tests.support import NOW, TEST_SECRETS

TODAY = NOW.date()


@pytest.fixture(scope="module")
def seeded_store() -> Iterator[DynamoDbInsightsStore]:
    """Thirty demo conversations recorded once through the code hook, shared by this module's report tests."""
    with pytest.MonkeyPatch.context() as patch, mock_aws(), item_level_transaction_rollback():
        reset_clients()
        create_signing_secrets(boto3.client("secretsmanager"), TEST_SECRETS)  # the key the hook may have cached
        client = boto3.client("dynamodb")
        tables = create_tables(client)
        seed_deliveries(client, tables.deliveries)
        for variable, value in tables.as_environment().items():
            patch.setenv(variable, value)
        patch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
        patch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
        seed(code_hook_responder(), conversations=30, days=5, rng=random.Random(3), now=NOW)
        # At the seed's time: the personal items written then expire against this clock, not the real one.
        yield DynamoDbInsightsStore(tables.sentiment, client, clock=lambda: NOW)
    reset_clients()


def png_text_chunks(path: Path) -> dict[str, str]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    chunks: dict[str, str] = {}
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        if kind == b"tEXt":
            key, value = body.split(b"\0", 1)
            chunks[key.decode()] = value.decode("latin-1")
        position += 12 + length
    return chunks


def test_the_report_shows_every_intent_and_the_most_soured_conversations(seeded_store: DynamoDbInsightsStore) -> None:
    report = build_report(seeded_store, TODAY - timedelta(days=6), TODAY, top=5)

    assert {item.intent for item in report.intents} >= {"CheckDeliveryStatus", "AgentHandover"}
    assert sum(report.shift_counts.values()) == 30
    assert report.soured, "the soured persona should produce negative shifts"
    shifts = [item.shift_size for item in report.soured]
    assert shifts == sorted(shifts) and all(shift < 0 for shift in shifts)
    document = report.as_json()
    assert set(document) == {"from", "to", "intents", "bots", "shiftCounts", "largestNegativeShifts"}
    negatives = [row["meanNegative"] for row in document["intents"]]
    assert negatives == sorted(negatives, reverse=True)
    json.dumps(document)


def test_the_report_has_a_bot_section_in_text_and_json(
    seeded_store: DynamoDbInsightsStore, capsys: pytest.CaptureFixture[str]
) -> None:
    report = build_report(seeded_store, TODAY - timedelta(days=6), TODAY, top=5)

    (bot,) = report.as_json()["bots"]
    assert (bot["botName"], bot["botAlias"], bot["locale"]) == ("DeliveryBot", "live", "en_US")
    assert bot["turns"] == sum(item.totals.turns for item in report.intents)
    print_report(report)
    text = capsys.readouterr().out
    assert "Sentiment by bot" in text
    assert "DeliveryBot" in text and "en_US" in text


def test_the_charts_are_pngs_with_their_titles(seeded_store: DynamoDbInsightsStore, tmp_path: Path) -> None:
    report = build_report(seeded_store, TODAY - timedelta(days=6), TODAY, top=3)

    daily, trend = write_charts(seeded_store, report, tmp_path, None)

    assert (
        png_text_chunks(daily)["Title"] == f"Mean sentiment per intent per day, {TODAY - timedelta(days=6)} to {TODAY}"
    )
    assert png_text_chunks(trend)["Title"] == f"Sentiment trend: conversation {report.soured[0].conversation_id}"


def test_seeded_conversations_cover_every_shift_class(seeded_store: DynamoDbInsightsStore) -> None:
    first = TODAY - timedelta(days=6)
    found = {shift: seeded_store.conversations(shift, first, TODAY, 100).items for shift in Shift}

    assert all(found.values()), {shift.value: len(items) for shift, items in found.items()}
