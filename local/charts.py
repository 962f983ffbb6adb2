"""PNG charts a supervisor reads at a glance, like Contact Lens's: one conversation's turns and its
events, and the report's days (sentiment per intent, apologies and hand-overs, negative turns, shifts).

Each `*_figure` function builds a matplotlib Figure (tests inspect it) and `save` writes it as a PNG
whose Title is the figure's title. Figures are built without pyplot: no GUI backend, no global state.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexsentiment.insights.models import ConversationDetail, DayTotals
from lexsentiment.policy.assess import Decision
from lexsentiment.policy.conversation_score import Shift, trend_slope_of
from lexsentiment.policy.scale import SCALE_LIMIT

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SCORE_LIMITS = (-SCALE_LIMIT - 0.5, SCALE_LIMIT + 0.5)
MAX_DAY_TICKS = 14
MAX_LABELLED_BARS = 31  # above this many days, per-bar counts would overlap
APOLOGY_COLOUR = "#ef6c00"
OFFER_COLOUR = "#6a1b9a"
HANDOVER_COLOUR = "#c62828"
SHIFT_COLOURS = {
    Shift.POSITIVE_TO_NEGATIVE: "#c62828",
    Shift.STABLE: "#9e9e9e",
    Shift.NEGATIVE_TO_POSITIVE: "#2e7d32",
}
# The events a conversation's strip shows, top row first, as Contact Lens marks its events on the timeline.
EVENT_ROWS = ("apology", "agent offer", "hand-over")


@dataclass(frozen=True, slots=True)
class Period:
    """The days a day-by-day chart spans: first to last day with data, inside the report's range.

    A chart spans its data rather than the whole range asked for, so one day of data is one day
    wide; the subtitle says how that compares with the report's range.
    """

    first: date
    last: date
    requested_first: date
    requested_last: date
    days_with_data: int

    @classmethod
    def of(cls, days: Iterable[date], requested_first: date, requested_last: date) -> Period:
        inside = sorted({day for day in days if requested_first <= day <= requested_last})
        if not inside:
            return cls(requested_first, requested_last, requested_first, requested_last, 0)
        return cls(inside[0], inside[-1], requested_first, requested_last, len(inside))

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range((self.last - self.first).days + 1)]

    def title(self, subject: str) -> str:
        if self.first == self.last:
            return f"{subject}, {self.first.isoformat()}"
        return f"{subject}, {self.first.isoformat()} to {self.last.isoformat()}"

    @property
    def subtitle(self) -> str:
        requested = (self.requested_last - self.requested_first).days + 1
        asked = f"{self.requested_first.isoformat()} to {self.requested_last.isoformat()}"
        if not self.days_with_data:
            return f"No turns recorded in the report's range ({asked})"
        return f"Days with turns: {self.days_with_data} of the report's {requested} ({asked})"


def conversation_trend_figure(detail: ConversationDetail) -> Figure:
    """Turn scores on -5..+5 with the zero line and the least-squares trend; above them, the
    turns where the bot apologised, offered an agent and handed over."""
    from matplotlib.figure import Figure

    turns = detail.turns
    numbers = [turn.turn_index + 1 for turn in turns] if turns else []
    scores = [turn.score for turn in turns]
    summary = detail.summary
    figure = Figure(figsize=(9, 4.8), dpi=100, layout="constrained")
    events, axes = figure.subplots(2, 1, sharex=True, height_ratios=(1, 4))
    figure.suptitle(f"Sentiment trend: conversation {summary.conversation_id}")
    events.set_title(
        f"Started {summary.started_at:%Y-%m-%d %H:%M} UTC, {summary.turns} customer turns, "
        f"start {summary.start_score:+.1f}, end {summary.end_score:+.1f} ({summary.shift.value.replace('_', ' ')})",
        fontsize="small",
    )

    marked = {
        "apology": [number for number, turn in zip(numbers, turns, strict=True) if turn.apologised],
        "agent offer": [
            number for number, turn in zip(numbers, turns, strict=True) if turn.decision == Decision.OFFER_AGENT
        ],
        "hand-over": [number for number, turn in zip(numbers, turns, strict=True) if turn.handed_over],
    }
    styles = {"apology": ("D", APOLOGY_COLOUR), "agent offer": ("^", OFFER_COLOUR), "hand-over": ("X", HANDOVER_COLOUR)}
    for row, name in enumerate(EVENT_ROWS):
        marker, colour = styles[name]
        where = marked[name]
        events.plot(where, [row] * len(where), linestyle="none", marker=marker, markersize=10, color=colour, label=name)
    events.set_yticks(range(len(EVENT_ROWS)), EVENT_ROWS)
    events.set_ylim(len(EVENT_ROWS) - 0.5, -0.5)
    events.tick_params(axis="x", bottom=False)
    events.grid(axis="x", color="#dddddd")

    axes.axhline(0, color="#888888", linewidth=0.8)
    for number in marked["hand-over"]:
        axes.axvline(number, color=HANDOVER_COLOUR, linestyle=":", linewidth=1.2)
    for above, colour in ((True, "#2e7d32"), (False, "#c62828")):
        where_side = [(score >= 0) == above for score in scores]
        axes.fill_between(numbers, scores, 0, where=where_side, color=colour, alpha=0.2, interpolate=True)
    axes.plot(numbers, scores, marker="o", color="#1f4e79", label="turn score")
    if len(scores) >= 2:
        slope = trend_slope_of(scores)
        start, end = _inside_limits(
            numbers[0], numbers[-1], sum(scores) / len(scores), slope, (numbers[0] + numbers[-1]) / 2
        )
        axes.plot(
            [start[0], end[0]],
            [start[1], end[1]],
            linestyle="--",
            color="#555555",
            label=f"trend {slope:+.2f} per turn",
        )
    axes.set(xlabel="customer turn", ylabel="sentiment (-5..+5)", ylim=SCORE_LIMITS)
    axes.set_xticks(numbers)
    if numbers:
        axes.set_xlim(numbers[0] - 0.5, numbers[-1] + 0.5)
    if detail.turns_truncated:
        axes.set_xlabel(f"customer turn (the latest {len(turns)} shown)")
    axes.grid(axis="x", color="#eeeeee")
    _legend(
        figure,
        axes,
        loc="outside lower center",
        ncol=2,
        fontsize="small",
        frameon=False,
    )
    return figure


def intent_daily_figure(series: dict[str, list[DayTotals]], period: Period) -> Figure:
    """Each intent's mean turn score per day (a marker's area grows with its turns), and below it
    the turns per day, stacked by intent: a two-turn day shows as the thin evidence it is."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5.6), dpi=100, layout="constrained")
    means, turns = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    figure.suptitle(period.title("Mean sentiment per intent per day"))
    means.set_title(period.subtitle + "; marker area grows with the turns", fontsize="small")
    means.axhline(0, color="#888888", linewidth=0.8)
    busiest = max((day.totals.turns for days in series.values() for day in days), default=1)
    bottoms = dict.fromkeys(period.days, 0)
    for intent, days in sorted(series.items()):
        shown = [day for day in days if period.first <= day.day <= period.last and day.totals.mean_score is not None]
        if not shown:
            continue
        by_day = {day.day: day.totals.mean_score for day in shown}
        # NaN on a day without turns breaks the line there, rather than drawing through a day with no data.
        (line,) = means.plot(
            [_day_number(day) for day in period.days],
            [by_day.get(day, math.nan) for day in period.days],
            linewidth=1.2,
            label=intent,
        )
        means.scatter(
            [_day_number(day.day) for day in shown],
            [day.totals.mean_score for day in shown],
            s=[15 + 185 * day.totals.turns / busiest for day in shown],
            color=line.get_color(),
            alpha=0.8,
            zorder=3,
        )
        heights = [day.totals.turns for day in shown]
        turns.bar(
            [_day_number(day.day) for day in shown],
            heights,
            width=0.8,
            bottom=[bottoms[day.day] for day in shown],
            color=line.get_color(),
        )
        for day in shown:
            bottoms[day.day] += day.totals.turns
    _label_bars(turns, [(_day_number(day), count, str(count)) for day, count in bottoms.items() if count])
    means.set(ylabel="mean sentiment (-5..+5)", ylim=SCORE_LIMITS)
    turns.set(ylabel="turns")
    turns.set_ylim(0, max(bottoms.values(), default=0) * 1.2 or 1)
    _day_axis(turns, period)
    _legend(figure, means, loc="outside right upper", fontsize="small", title="intent")
    return figure


def apologies_and_handovers_figure(days: list[DayTotals], period: Period) -> Figure:
    """How often the bot apologised and handed the customer over, day by day."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    axes = figure.subplots()
    figure.suptitle(period.title("Apologies and hand-overs per day"))
    axes.set_title(period.subtitle, fontsize="small")
    shown = _within(days, period)
    for offset, (name, colour, counts) in zip(
        (-0.2, 0.2),
        (
            ("apologies", APOLOGY_COLOUR, [day.totals.apologies for day in shown]),
            ("hand-overs", HANDOVER_COLOUR, [day.totals.handovers for day in shown]),
        ),
        strict=True,
    ):
        places = [_day_number(day.day) + offset for day in shown]
        axes.bar(places, counts, width=0.4, color=colour, label=name)
        _label_bars(axes, [(place, count, str(count)) for place, count in zip(places, counts, strict=True)])
    axes.set(ylabel="count")
    axes.set_ylim(0, max([1, *(day.totals.apologies for day in shown), *(day.totals.handovers for day in shown)]) * 1.2)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _day_axis(axes, period)
    _legend(figure, axes, loc="outside right upper", fontsize="small")
    return figure


def negative_share_figure(days: list[DayTotals], period: Period) -> Figure:
    """The share of turns Lex labelled NEGATIVE, day by day; each bar says how many turns it stands on."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    axes = figure.subplots()
    figure.suptitle(period.title("Share of negative turns per day"))
    axes.set_title(period.subtitle + "; above each bar, the turns that day", fontsize="small")
    shown = [day for day in _within(days, period) if day.totals.negative_share is not None]
    shares = [100 * (day.totals.negative_share or 0) for day in shown]
    axes.bar([_day_number(day.day) for day in shown], shares, width=0.8, color=HANDOVER_COLOUR, alpha=0.75)
    _label_bars(
        axes,
        [(_day_number(day.day), share, str(day.totals.turns)) for day, share in zip(shown, shares, strict=True)],
    )
    axes.set(ylabel="negative turns", ylim=(0, 115))
    axes.set_yticks(range(0, 101, 25))
    axes.yaxis.set_major_formatter(PercentFormatter())
    _day_axis(axes, period)
    return figure


def shifts_daily_figure(shift_days: Mapping[Shift, Mapping[date, int]], period: Period) -> Figure:
    """Conversations per day of their start, stacked by how sentiment moved from start to end."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    axes = figure.subplots()
    figure.suptitle(period.title("Conversations per day by sentiment shift"))
    axes.set_title(period.subtitle + "; by the day each conversation started", fontsize="small")
    bottoms = dict.fromkeys(period.days, 0)
    for shift in SHIFT_COLOURS:
        counts = [shift_days.get(shift, {}).get(day, 0) for day in period.days]
        axes.bar(
            [_day_number(day) for day in period.days],
            counts,
            width=0.8,
            bottom=[bottoms[day] for day in period.days],
            color=SHIFT_COLOURS[shift],
            label=f"{shift.value.replace('_', ' ')} ({sum(counts)})",
        )
        for day, count in zip(period.days, counts, strict=True):
            bottoms[day] += count
    _label_bars(axes, [(_day_number(day), count, str(count)) for day, count in bottoms.items() if count])
    axes.set(ylabel="conversations")
    axes.set_ylim(0, max(bottoms.values(), default=0) * 1.2 or 1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _day_axis(axes, period)
    _legend(figure, axes, loc="outside right upper", fontsize="small", title="shift")
    return figure


def save(figure: Figure, path: Path) -> Path:
    """The figure as a PNG whose Title metadata is the figure's title."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Title": figure.get_suptitle()})
    return path


def _day_axis(axes: Axes, period: Period) -> None:
    """Whole days from the period's first to its last, labelled like "Nov 23", at most MAX_DAY_TICKS of them.

    Without fixed limits, matplotlib pads a single day out to months of empty axis.
    """
    import matplotlib.dates as mdates

    axes.set_xlim(_day_number(period.first) - 0.5, _day_number(period.last) + 0.5)
    interval = max(1, math.ceil(len(period.days) / MAX_DAY_TICKS))
    axes.set_xticks([_day_number(day) for day in period.days[::interval]])
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    axes.set_xticks([_day_number(day) for day in period.days], minor=True)


def _day_number(day: date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))


def _within(days: list[DayTotals], period: Period) -> list[DayTotals]:
    return [day for day in days if period.first <= day.day <= period.last and day.totals.turns]


def _label_bars(axes: Axes, labels: list[tuple[float, float, str]]) -> None:
    """A small text over each bar (x, bar top, text), while the bars are wide enough to carry one."""
    if len(labels) > MAX_LABELLED_BARS:
        return
    for place, top, text in labels:
        axes.annotate(
            text, (place, top), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8
        )


def _legend(figure: Figure, axes: Axes, **options: Any) -> None:
    """The axes' legend on the figure, outside the plot (`loc="outside ..."`), where it covers no data."""
    handles, labels = axes.get_legend_handles_labels()
    figure.legend(handles, labels, **options)


def _inside_limits(
    first: float, last: float, mean: float, slope: float, middle: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The ends of the trend line y = mean + slope * (x - middle) over first..last, cut where it
    would leave -5..+5: a steep trend otherwise runs off the plot."""
    if slope:
        crossings = sorted(middle + (limit - mean) / slope for limit in (-SCALE_LIMIT, SCALE_LIMIT))
        first, last = max(first, crossings[0]), min(last, crossings[1])
    return (first, mean + slope * (first - middle)), (last, mean + slope * (last - middle))
