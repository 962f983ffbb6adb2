"""Sentiment report for people working locally: which intents and bots upset customers, which conversations soured.

    python -m local.report [--days 30 | --from YYYY-MM-DD --to YYYY-MM-DD] [--top 10] [--json]
                           [--charts DIR] [--conversation ID] [--backend embedded|aws] [--stack-name NAME]

Reads through the same insights store as the API (queries only). On an empty local store it first
records demo conversations through the code hook, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from lexsentiment.insights import views
from lexsentiment.insights.models import (
    BotTotals,
    ConversationDetail,
    ConversationSummary,
    DayTotals,
    IntentTotals,
    SentimentTotals,
)
from lexsentiment.insights.queries import MAX_PAGE_SIZE
from lexsentiment.insights.store import DynamoDbInsightsStore
from lexsentiment.policy.conversation_score import Shift
from lexsentiment.policy.scale import shown
from local.charts import (
    Period,
    apologies_and_handovers_figure,
    conversation_trend_figure,
    intent_daily_figure,
    negative_share_figure,
    save,
    shifts_daily_figure,
)
from local.cli import ToolError, command
from local.seed import DEFAULT_CONVERSATIONS, code_hook_responder, seed
from local.store import open_backend, use_tables

DEFAULT_CHART_DIR = Path(".local/charts")


@dataclass(frozen=True)
class Report:
    first: date
    last: date
    intents: list[IntentTotals]
    bots: list[BotTotals]
    daily: dict[str, list[DayTotals]]
    soured: list[ConversationSummary]
    # Conversations that started on each day, by shift class.
    shift_days: dict[Shift, Counter[date]]

    @property
    def shift_counts(self) -> dict[Shift, int]:
        return {shift: days.total() for shift, days in self.shift_days.items()}

    @property
    def all_intents_daily(self) -> list[DayTotals]:
        """Every intent's turns summed per day, oldest day first."""
        by_day: dict[date, SentimentTotals] = {}
        for days in self.daily.values():
            for day in days:
                by_day[day.day] = by_day.get(day.day, SentimentTotals()) + day.totals
        return [DayTotals(day, totals) for day, totals in sorted(by_day.items())]

    def as_json(self) -> dict[str, Any]:
        return {
            **views.intents_view(self.first, self.last, self.intents),
            "bots": views.bots_view(self.first, self.last, self.bots)["bots"],
            "shiftCounts": {shift.value: count for shift, count in self.shift_counts.items()},
            "largestNegativeShifts": [
                {**views.summary_view(item), "shiftSize": round(item.shift_size, 2)} for item in self.soured
            ],
        }


def build_report(store: DynamoDbInsightsStore, first: date, last: date, top: int) -> Report:
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as progress:
        intents = store.intent_names()
        reading = progress.add_task("Reading intents", total=len(intents) + 1 + len(Shift))
        daily: dict[str, list[DayTotals]] = {}
        for intent in intents:
            daily[intent] = store.intent_days(intent, first, last)
            progress.advance(reading)
        progress.update(reading, description="Reading bots")
        bots = store.bots_between(first, last)
        progress.advance(reading)
        shift_days: dict[Shift, Counter[date]] = {}
        soured: list[ConversationSummary] = []
        for shift in Shift:
            progress.update(reading, description=f"Reading {shift.value} conversations")
            conversations = _all_conversations(store, shift, first, last)
            shift_days[shift] = Counter(item.started_at.date() for item in conversations)
            if shift is not Shift.NEGATIVE_TO_POSITIVE:
                soured.extend(item for item in conversations if item.shift_size < 0)
            progress.advance(reading)
    totals = [IntentTotals(intent, SentimentTotals.sum(day.totals for day in days)) for intent, days in daily.items()]
    return Report(
        first=first,
        last=last,
        intents=[item for item in totals if item.totals.turns],
        bots=bots,
        daily=daily,
        soured=sorted(soured, key=lambda item: (item.shift_size, item.conversation_id))[:top],
        shift_days=shift_days,
    )


def print_report(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table

    # Wide enough for ids and dates even when the output is piped (rich would assume 80 columns).
    console = Console(width=None if sys.stdout.isatty() else 120)
    intents = Table(title=f"Sentiment by intent, {report.first} to {report.last} (most upsetting first)")
    for column in ("Intent", "Turns", "Mean (-5..+5)", "% negative", "Apologies", "Handovers"):
        intents.add_column(column, justify="left" if column == "Intent" else "right")
    for row in views.intents_view(report.first, report.last, report.intents)["intents"]:
        intents.add_row(row["intent"], *_totals_cells(row))
    console.print(intents)
    bots = Table(title=f"Sentiment by bot, {report.first} to {report.last} (most upsetting first)")
    for column in ("Bot", "Alias", "Locale", "Turns", "Mean (-5..+5)", "% negative", "Apologies", "Handovers"):
        bots.add_column(column, justify="left" if column in {"Bot", "Alias", "Locale"} else "right")
    for row in views.bots_view(report.first, report.last, report.bots)["bots"]:
        # A Lex V1 bot has no locale.
        bots.add_row(row["botName"], row["botAlias"], row["locale"] or "-", *_totals_cells(row))
    console.print(bots)
    counts = ", ".join(f"{shift.value.replace('_', ' ')}: {count}" for shift, count in report.shift_counts.items())
    console.print(f"Conversations started in the period by shift: {counts}")
    soured = Table(title="Largest negative shifts (start to end of the conversation)")
    for column in ("Conversation", "Started", "Turns", "Start", "End", "Shift", "Score", "Handover"):
        soured.add_column(column, justify="left" if column in {"Conversation", "Started"} else "right")
    for item in report.soured:
        soured.add_row(
            item.conversation_id,
            item.started_at.strftime("%Y-%m-%d %H:%M"),
            str(item.turns),
            shown(item.start_score),
            shown(item.end_score),
            f"{item.shift_size:+.1f}",
            shown(item.mean_score),
            "yes" if item.handovers else "no",
        )
    console.print(soured)


def _totals_cells(row: dict[str, Any]) -> list[str]:
    """Turns, mean, share negative, apologies, handovers: the columns every totals table ends with."""
    return [
        str(row["turns"]),
        shown(row["meanScore"]),
        f"{100 * (row['negativeShare'] or 0):.0f}%",
        str(row["apologies"]),
        str(row["handovers"]),
    ]


def named_conversation(store: DynamoDbInsightsStore, conversation_id: str) -> ConversationDetail:
    detail = store.conversation(conversation_id)
    if detail is None:
        raise ToolError(
            f"no conversation {conversation_id!r} in the store: pick an id from the report's table of "
            "largest negative shifts, or leave out --conversation"
        )
    return detail


def write_charts(
    store: DynamoDbInsightsStore, report: Report, directory: Path, conversation: ConversationDetail | None
) -> list[Path]:
    """The day-by-day charts, and the trend of the given conversation (by default the most soured)."""
    if conversation is None and report.soured:
        conversation = store.conversation(report.soured[0].conversation_id)
    days = report.all_intents_daily
    period = Period.of(
        [day.day for day in days] + [day for counts in report.shift_days.values() for day in counts],
        report.first,
        report.last,
    )
    figures = {
        "intent-daily.png": intent_daily_figure(report.daily, period),
        "apologies-handovers-daily.png": apologies_and_handovers_figure(days, period),
        "negative-share-daily.png": negative_share_figure(days, period),
        "shifts-daily.png": shifts_daily_figure(report.shift_days, period),
    }
    if conversation is not None:
        figures["conversation-trend.png"] = conversation_trend_figure(conversation)
    return [save(figure, directory / name) for name, figure in figures.items()]


class _OneLineParser(argparse.ArgumentParser):
    """argparse ends a mistake with the usage and exit status 2; our tools end it with one line (local.cli)."""

    def error(self, message: str) -> NoReturn:
        raise ToolError(f"{message} (see --help)")


@command("report")
def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30, help="the N days up to --to or today (default 30)")
    parser.add_argument("--from", dest="first", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, help="last day (YYYY-MM-DD)")
    parser.add_argument("--top", type=int, default=10, help="how many soured conversations to list")
    parser.add_argument("--json", action="store_true", help="print JSON for machines instead of tables")
    parser.add_argument("--charts", type=Path, default=None, help=f"write PNG charts here (e.g. {DEFAULT_CHART_DIR})")
    parser.add_argument("--conversation", help="chart this conversation's trend (default: the most soured)")
    parser.add_argument("--backend", choices=("embedded", "aws"), default=os.environ.get("BACKEND", "embedded"))
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME"))
    args = parser.parse_args(argv)
    if args.days < 1:
        raise ToolError(f"--days must be 1 or more, not {args.days}")
    if args.top < 0:
        raise ToolError(f"--top must be 0 or more, not {args.top}")
    if args.conversation is not None and args.charts is None:
        raise ToolError("--conversation chooses the conversation to chart: add --charts DIR")
    last = args.last or datetime.now(UTC).date()
    first = args.first or last - timedelta(days=args.days - 1)
    if first > last:
        raise ToolError(f"--from {first} is after {'--to' if args.last else 'today'} ({last})")

    with open_backend(args.backend, args.stack_name) as backend:
        if backend.store is not None and backend.store.is_empty():
            print(
                f"The local store is empty: recording {DEFAULT_CONVERSATIONS} demo conversations through the "
                "code hook first (about a minute, once).",
                file=sys.stderr,
            )
            use_tables(backend.tables)
            seed(code_hook_responder(), DEFAULT_CONVERSATIONS, 14, random.Random(7), datetime.now(UTC))  # noqa: S311
        store = DynamoDbInsightsStore(backend.tables.sentiment, backend.client)
        # Before the report's reading, so that a wrong id fails at once.
        conversation = named_conversation(store, args.conversation) if args.conversation is not None else None
        report = build_report(store, first, last, args.top)
        charts = write_charts(store, report, args.charts, conversation) if args.charts else []
    if args.json:
        print(json.dumps({**report.as_json(), "charts": [str(path) for path in charts]}, indent=2))
    else:
        print_report(report)
        for path in charts:
            print(f"Chart written: {path}")
    return 0


def _all_conversations(
    store: DynamoDbInsightsStore, shift: Shift, first: date, last: date
) -> list[ConversationSummary]:
    found: list[ConversationSummary] = []
    after: str | None = None
    while True:
        page = store.conversations(shift, first, last, MAX_PAGE_SIZE, after)
        found.extend(page.items)
        if page.after is None:
            return found
        after = page.after


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


if __name__ == "__main__":
    sys.exit(main())
