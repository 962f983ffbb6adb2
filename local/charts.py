"""PNG charts like Contact Lens's trend view: one conversation's turn scores, and intents day by day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lexsentiment.insights.models import ConversationDetail, DayTotals
from lexsentiment.policy.conversation_score import trend_slope_of
from lexsentiment.policy.scale import SCALE_LIMIT


def conversation_trend_chart(detail: ConversationDetail, path: Path) -> Path:
    """Turn scores on -5..+5 with the zero line and the least-squares trend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = [turn.score for turn in detail.turns]
    numbers = list(range(1, len(scores) + 1))
    title = f"Sentiment trend: conversation {detail.summary.conversation_id}"
    figure, axes = plt.subplots(figsize=(8, 3.6), dpi=100)
    axes.axhline(0, color="#888888", linewidth=0.8)
    for above, colour in ((True, "#2e7d32"), (False, "#c62828")):
        where = [(score >= 0) == above for score in scores]
        axes.fill_between(numbers, scores, 0, where=where, color=colour, alpha=0.2, interpolate=True)
    axes.plot(numbers, scores, marker="o", color="#1f4e79", label="turn score")
    if len(scores) >= 2:
        slope = trend_slope_of(scores)
        mean = sum(scores) / len(scores)
        middle = (len(scores) + 1) / 2
        axes.plot(
            numbers,
            [mean + slope * (number - middle) for number in numbers],
            linestyle="--",
            color="#555555",
            label=f"trend {slope:+.2f} per turn",
        )
    axes.set(
        title=title, xlabel="customer turn", ylabel="sentiment (-5..+5)", ylim=(-SCALE_LIMIT - 0.5, SCALE_LIMIT + 0.5)
    )
    axes.set_xticks(numbers)
    axes.legend(loc="lower left", fontsize="small")
    figure.tight_layout()
    return _save(figure, path, title)


def intent_daily_chart(series: dict[str, list[DayTotals]], first: date, last: date, path: Path) -> Path:
    """Each intent's mean turn score per day."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    title = f"Mean sentiment per intent per day, {first.isoformat()} to {last.isoformat()}"
    figure, axes = plt.subplots(figsize=(9, 4), dpi=100)
    axes.axhline(0, color="#888888", linewidth=0.8)
    for intent, days in sorted(series.items()):
        points = [(day.day, day.totals.mean_score) for day in days if day.totals.mean_score is not None]
        if points:
            axes.plot(
                [mdates.date2num(day) for day, _ in points], [score for _, score in points], marker=".", label=intent
            )
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    axes.set(title=title, ylabel="mean sentiment (-5..+5)", ylim=(-SCALE_LIMIT - 0.5, SCALE_LIMIT + 0.5))
    axes.legend(loc="lower left", fontsize="small")
    figure.autofmt_xdate()
    figure.tight_layout()
    return _save(figure, path, title)


def _save(figure: object, path: Path, title: str) -> Path:
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Title": title})  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    return path
