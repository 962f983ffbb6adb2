"""The report and its charts, on demo conversations recorded through the real code hook."""

from __future__ import annotations

import json
import random
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from pathlib import Path

import boto3
import numpy
import pytest
from moto import mock_aws

from lexsentiment.adapters.aws import reset_clients
from lexsentiment.insights.store import DynamoDbInsightsStore
from lexsentiment.policy.conversation_score import Shift
from lexsentiment.policy.scale import SCALE_LIMIT
from local import report as report_tool
from local.backend import create_signing_secrets, create_tables, seed_deliveries
from local.charts import (
    SHIFT_COLOURS,
    Period,
    apologies_and_handovers_figure,
    conversation_trend_figure,
    intent_daily_figure,
    negative_share_figure,
    shifts_daily_figure,
)
from local.cli import ToolError
from local.moto_speedups import item_level_transaction_rollback
from local.report import build_report, main, named_conversation, print_report, write_charts
from local.seed import code_hook_responder, seed
from local.store import Backend
from tests.support import NOW, TEST_SECRETS

TODAY = NOW.date()


@pytest.fixture(scope="module")
def seeded_backend() -> Iterator[Backend]:
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
        yield Backend(tables=tables, client=client, store=None)
    reset_clients()


@pytest.fixture
def seeded_store(seeded_backend: Backend) -> DynamoDbInsightsStore:
    # At the seed's time: the personal items written then expire against this clock, not the real one.
    return DynamoDbInsightsStore(seeded_backend.tables.sentiment, seeded_backend.client, clock=lambda: NOW)


def backend_of(backend: Backend) -> Callable[..., AbstractContextManager[Backend]]:
    """`open_backend` for `report.main`, on these tables and without seeding them."""

    @contextmanager
    def open_seeded(*_: object) -> Iterator[Backend]:
        yield backend

    return open_seeded


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


def test_the_charts_are_pngs_titled_with_the_days_that_have_turns(
    seeded_store: DynamoDbInsightsStore, tmp_path: Path
) -> None:
    report = build_report(seeded_store, TODAY - timedelta(days=9), TODAY, top=3)
    first_day = report.all_intents_daily[0].day  # seeded over 5 days: the report asked for 10

    charts = write_charts(seeded_store, report, tmp_path, None)

    titles = {path.name: png_text_chunks(path)["Title"] for path in charts}
    span = f"{first_day} to {TODAY}"
    assert first_day > report.first
    assert titles == {
        "intent-daily.png": f"Mean sentiment per intent per day, {span}",
        "apologies-handovers-daily.png": f"Apologies and hand-overs per day, {span}",
        "negative-share-daily.png": f"Share of negative turns per day, {span}",
        "shifts-daily.png": f"Conversations per day by sentiment shift, {span}",
        "conversation-trend.png": f"Sentiment trend: conversation {report.soured[0].conversation_id}",
    }


def test_a_day_chart_says_which_days_it_shows_of_the_report_range(seeded_store: DynamoDbInsightsStore) -> None:
    report = build_report(seeded_store, TODAY - timedelta(days=9), TODAY, top=3)
    days = report.all_intents_daily
    period = Period.of([day.day for day in days], report.first, report.last)

    figure = negative_share_figure(days, period)

    (axes,) = figure.axes
    assert axes.get_title() == (
        f"Days with turns: {len(days)} of the report's 10 ({report.first} to {TODAY}); "
        "above each bar, the turns that day"
    )
    assert [text.get_text() for text in axes.texts] == [str(day.totals.turns) for day in days]


def test_one_day_of_data_gets_ticks_on_that_day_only(seeded_store: DynamoDbInsightsStore) -> None:
    report = build_report(seeded_store, TODAY, TODAY, top=3)
    days = report.all_intents_daily
    assert [day.day for day in days] == [TODAY]
    period = Period.of([TODAY], TODAY - timedelta(days=29), TODAY)

    figures = [
        intent_daily_figure(report.daily, period),
        apologies_and_handovers_figure(days, period),
        negative_share_figure(days, period),
        shifts_daily_figure(report.shift_days, period),
    ]

    for figure in figures:
        assert figure.get_suptitle().endswith(f", {TODAY}")
        bottom = figure.axes[-1]
        figure.canvas.draw()
        labels = [label.get_text() for label in bottom.get_xticklabels()]
        assert labels == [TODAY.strftime("%b %d")], figure.get_suptitle()
        low, high = bottom.get_xlim()
        assert high - low <= 1, "the axis spans one day (date units are days)"


def test_the_day_charts_count_what_the_report_counts(seeded_store: DynamoDbInsightsStore) -> None:
    report = build_report(seeded_store, TODAY - timedelta(days=6), TODAY, top=3)
    days = report.all_intents_daily
    period = Period.of([day.day for day in days], report.first, report.last)

    care = apologies_and_handovers_figure(days, period).axes[0]
    shifts = shifts_daily_figure(report.shift_days, period).axes[0]

    apologies, handovers = (container for container in care.containers)
    assert sum(bar.get_height() for bar in apologies) == sum(item.totals.apologies for item in report.intents)
    assert sum(bar.get_height() for bar in handovers) == sum(item.totals.handovers for item in report.intents)
    assert sum(bar.get_height() for container in shifts.containers for bar in container) == 30
    labels = shifts.get_legend_handles_labels()[1]
    assert labels == [f"{shift.value.replace('_', ' ')} ({report.shift_counts[shift]})" for shift in SHIFT_COLOURS]


def test_the_conversation_chart_marks_the_offer_and_the_handover(seeded_store: DynamoDbInsightsStore) -> None:
    report = build_report(seeded_store, TODAY - timedelta(days=6), TODAY, top=3)
    handed_over = next(item for item in report.soured if item.handovers)
    detail = seeded_store.conversation(handed_over.conversation_id)
    assert detail is not None

    events, scores = conversation_trend_figure(detail).axes

    marked = {line.get_label(): [int(x) for x in numpy.asarray(line.get_xdata())] for line in events.lines}
    turn_numbers = {
        "apology": [turn.turn_index + 1 for turn in detail.turns if turn.apologised],
        "agent offer": [turn.turn_index + 1 for turn in detail.turns if turn.decision == "offer_agent"],
        "hand-over": [turn.turn_index + 1 for turn in detail.turns if turn.handed_over],
    }
    assert marked == turn_numbers
    assert marked["hand-over"] and marked["agent offer"]
    trend = next(line for line in scores.lines if str(line.get_label()).startswith("trend"))
    assert (numpy.abs(numpy.asarray(trend.get_ydata(), dtype=float)) <= SCALE_LIMIT).all()


def test_an_unknown_conversation_is_named_not_skipped(seeded_store: DynamoDbInsightsStore) -> None:
    with pytest.raises(ToolError) as raised:
        named_conversation(seeded_store, "nope")

    assert raised.value.message.startswith("no conversation 'nope' in the store")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--days", "-3"], "report: --days must be 1 or more, not -3"),
        (["--days", "0"], "report: --days must be 1 or more, not 0"),
        (["--days", "two"], "report: argument --days: invalid int value: 'two' (see --help)"),
        (["--top", "-1"], "report: --top must be 0 or more, not -1"),
        (["--from", "2026-11-20", "--to", "2026-11-10"], "report: --from 2026-11-20 is after --to (2026-11-10)"),
        (["--conversation", "nope"], "report: --conversation chooses the conversation to chart: add --charts DIR"),
    ],
)
def test_a_wrong_argument_is_one_line_naming_it(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1

    error = capsys.readouterr().err
    assert "Traceback" not in error and "usage:" not in error
    assert error == message + "\n"


def test_main_says_in_one_line_that_a_conversation_is_unknown(
    seeded_backend: Backend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(report_tool, "open_backend", backend_of(seeded_backend))

    status = main(
        [
            "--from",
            str(TODAY - timedelta(days=6)),
            "--to",
            str(TODAY),
            "--charts",
            str(tmp_path),
            "--conversation",
            "nope",
        ]
    )

    assert status == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("report: no conversation 'nope' in the store")
    assert not list(tmp_path.iterdir())


def test_seeded_conversations_cover_every_shift_class(seeded_store: DynamoDbInsightsStore) -> None:
    first = TODAY - timedelta(days=6)
    found = {shift: seeded_store.conversations(shift, first, TODAY, 100).items for shift in Shift}

    assert all(found.values()), {shift.value: len(items) for shift, items in found.items()}


def test_make_report_json_goes_through_a_pipe(tmp_path: Path) -> None:
    """`make report REPORT_ARGS=--json | python -m json.tool`: stdout holds the JSON and nothing else."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, "DELIVERYBOT_LOCAL_STORE": str(tmp_path / "store.json")}
    root = Path(__file__).resolve().parent.parent.parent
    seeded = subprocess.run(  # a small store, so the report does not seed its 200 conversations first
        [sys.executable, "-m", "local.seed", "--conversations", "3", "--days", "1"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr[-500:]

    reported = subprocess.run(
        ["make", "--no-print-directory", "report", "REPORT_ARGS=--json"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert reported.returncode == 0, reported.stderr[-500:]
    assert json.loads(reported.stdout)["intents"]
