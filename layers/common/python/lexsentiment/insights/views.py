"""JSON shapes of the insights API and the report's --json output: stable camelCase field names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lexsentiment.insights.models import (
    BotTotals,
    ConversationDetail,
    ConversationSummary,
    DayTotals,
    IntentTotals,
    SentimentTotals,
    TurnView,
    UserHistory,
)


def totals_view(totals: SentimentTotals) -> dict[str, Any]:
    return {
        "turns": totals.turns,
        "meanScore": _rounded(totals.mean_score),
        "meanNegative": _rounded(totals.mean_negative, 4),
        "negativeShare": _rounded(totals.negative_share, 4),
        "labels": {label.value: count for label, count in sorted(totals.label_turns.items())},
        "apologies": totals.apologies,
        "handovers": totals.handovers,
    }


def intents_view(first: date, last: date, intents: list[IntentTotals]) -> dict[str, Any]:
    """Intents ranked by mean negative score, the most upsetting first."""
    ranked = sorted(intents, key=lambda item: (-(item.totals.mean_negative or 0.0), item.intent))
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "intents": [{"intent": item.intent, **totals_view(item.totals)} for item in ranked],
    }


def bots_view(first: date, last: date, bots: list[BotTotals]) -> dict[str, Any]:
    """Bot aliases and locales ranked as the intents are: the most upsetting first."""
    ranked = sorted(bots, key=lambda item: (-(item.totals.mean_negative or 0.0), item.name, item.alias, item.locale))
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "bots": [
            {"botName": item.name, "botAlias": item.alias, "locale": item.locale, **totals_view(item.totals)}
            for item in ranked
        ],
    }


def intent_days_view(intent: str, first: date, last: date, days: list[DayTotals]) -> dict[str, Any]:
    return {
        "intent": intent,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": [{"day": item.day.isoformat(), **totals_view(item.totals)} for item in days],
    }


def summary_view(summary: ConversationSummary) -> dict[str, Any]:
    return {
        "conversationId": summary.conversation_id,
        "userId": summary.user_id,
        "botName": summary.bot_name,
        "startedAt": _moment(summary.started_at),
        "lastTurnAt": _moment(summary.last_turn_at),
        "turns": summary.turns,
        "score": _rounded(summary.mean_score),
        "startScore": _rounded(summary.start_score),
        "endScore": _rounded(summary.end_score),
        "shift": summary.shift.value,
        "trend": _rounded(summary.trend),
        "lastIntent": summary.last_intent,
        "apologies": summary.apologies,
        "handovers": summary.handovers,
    }


def conversations_view(
    shift: str, first: date, last: date, summaries: list[ConversationSummary], next_token: str | None
) -> dict[str, Any]:
    return {
        "shift": shift,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "conversations": [summary_view(summary) for summary in summaries],
        "next": next_token,
    }


def turn_view(turn: TurnView) -> dict[str, Any]:
    return {
        "turnIndex": turn.turn_index,
        "recordedAt": _moment(turn.recorded_at),
        "intent": turn.intent,
        "label": turn.label.value,
        "score": _rounded(turn.score),
        "negative": _rounded(turn.negative, 4),
        "decision": turn.decision,
        "apologised": turn.apologised,
        "handedOver": turn.handed_over,
    }


def conversation_view(detail: ConversationDetail) -> dict[str, Any]:
    return {
        "conversation": {**summary_view(detail.summary), "trend": _rounded(detail.trend)},
        "turns": [turn_view(turn) for turn in detail.turns],
        "turnsTruncated": detail.turns_truncated,
        "intents": [{"intent": item.intent, **totals_view(item.totals)} for item in detail.intents],
    }


def user_view(history: UserHistory) -> dict[str, Any]:
    return {
        "userId": history.user_id,
        "totals": totals_view(history.totals),
        "conversations": [
            {
                "conversationId": item.conversation_id,
                "startedAt": _moment(item.started_at),
                **totals_view(item.totals),
            }
            for item in history.conversations
        ],
    }


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _moment(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
