"""What a supervisor reads back: aggregates, conversations and their turns (read side, no AWS)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from lexsentiment.policy.conversation_score import Shift, trend_slope, trend_slope_of
from lexsentiment.policy.scale import mean_score
from lexsentiment.policy.sentiment import SentimentLabel

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SentimentTotals:
    """Counters kept by every aggregate item; means are derived here, never stored."""

    turns: int = 0
    positive_sum: float = 0.0
    negative_sum: float = 0.0
    neutral_sum: float = 0.0
    mixed_sum: float = 0.0
    score_sum: float = 0.0
    label_turns: dict[SentimentLabel, int] = field(default_factory=dict)
    apologies: int = 0
    handovers: int = 0

    def __add__(self, other: SentimentTotals) -> SentimentTotals:
        return SentimentTotals(
            turns=self.turns + other.turns,
            positive_sum=self.positive_sum + other.positive_sum,
            negative_sum=self.negative_sum + other.negative_sum,
            neutral_sum=self.neutral_sum + other.neutral_sum,
            mixed_sum=self.mixed_sum + other.mixed_sum,
            score_sum=self.score_sum + other.score_sum,
            label_turns={
                label: self.label_turns.get(label, 0) + other.label_turns.get(label, 0)
                for label in SentimentLabel
                if label in self.label_turns or label in other.label_turns
            },
            apologies=self.apologies + other.apologies,
            handovers=self.handovers + other.handovers,
        )

    @staticmethod
    def sum(parts: Iterable[SentimentTotals]) -> SentimentTotals:
        total = SentimentTotals()
        for part in parts:
            total = total + part
        return total

    @property
    def mean_score(self) -> float | None:
        """Mean turn score on -5..+5."""
        return mean_score(self.score_sum, self.turns)

    @property
    def mean_negative(self) -> float | None:
        """Mean of Lex's negative probability (0..1)."""
        return self.negative_sum / self.turns if self.turns else None

    @property
    def negative_share(self) -> float | None:
        """Share of turns Lex labelled NEGATIVE (0..1)."""
        return self.label_turns.get(SentimentLabel.NEGATIVE, 0) / self.turns if self.turns else None


@dataclass(frozen=True, slots=True)
class IntentTotals:
    intent: str
    totals: SentimentTotals


@dataclass(frozen=True, slots=True)
class BotTotals:
    """One bot alias in one locale (Lex V1 bots have no locale: "")."""

    name: str
    alias: str
    locale: str
    totals: SentimentTotals


@dataclass(frozen=True, slots=True)
class DayTotals:
    day: date
    totals: SentimentTotals


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    conversation_id: str
    user_id: str
    bot_name: str
    started_at: datetime
    last_turn_at: datetime
    turns: int
    score_sum: float
    index_score_sum: float
    start_score: float
    end_score: float
    last_intent: str
    shift: Shift
    apologies: int
    handovers: int

    @property
    def mean_score(self) -> float | None:
        return mean_score(self.score_sum, self.turns)

    @property
    def trend(self) -> float:
        return trend_slope(self.turns, self.score_sum, self.index_score_sum)

    @property
    def shift_size(self) -> float:
        """End minus start: negative when the customer left unhappier than they came."""
        return self.end_score - self.start_score


@dataclass(frozen=True, slots=True)
class TurnView:
    turn_index: int
    recorded_at: datetime
    intent: str
    label: SentimentLabel
    score: float
    negative: float
    decision: str
    apologised: bool
    handed_over: bool


@dataclass(frozen=True, slots=True)
class ConversationDetail:
    summary: ConversationSummary
    # The latest turns, oldest first; `turns_truncated` when earlier ones were left out.
    turns: list[TurnView]
    intents: list[IntentTotals]
    turns_truncated: bool = False

    @property
    def trend(self) -> float:
        """From the turns themselves when all are here; otherwise the summary's, which counts every turn."""
        if self.turns_truncated:
            return self.summary.trend
        return trend_slope_of([turn.score for turn in self.turns])


@dataclass(frozen=True, slots=True)
class UserConversation:
    conversation_id: str
    started_at: datetime
    totals: SentimentTotals


@dataclass(frozen=True, slots=True)
class UserHistory:
    user_id: str
    totals: SentimentTotals
    conversations: list[UserConversation]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):  # noqa: UP046 - PEP 695 syntax needs Python 3.12; we support 3.11
    items: list[T]
    # Sort key of the last item when more may follow; the API turns it into an opaque token.
    after: str | None
