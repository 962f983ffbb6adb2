"""This turn as the layer judged it: what a decorated handler may read, and the one thing it may report.

A handler never has to use it. Inside a `@sentiment_aware` handler, `turn_sentiment()` returns the
current turn's view; a handler that wants its own words for an upset customer reads `upset`, and
one whose job failed (a store down, a number that matches nothing, twice) calls `report_failure`
so the layer may offer an agent even after the customer declined one.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, replace

from lexsentiment.lex.turn import Turn
from lexsentiment.memory import REASON_PATTERN, ConversationMemory
from lexsentiment.policy.assess import Assessment, Decision, HandoverReason
from lexsentiment.policy.scale import mean_score
from lexsentiment.policy.sentiment import SentimentScores


@dataclass(frozen=True, slots=True)
class ReportedFailure:
    reason: str
    # The slot whose value failed: cleared when the interrupted intent resumes, so it is asked for anew.
    slot: str | None = None


class TurnSentiment:
    """Read-only facts about the turn, plus `report_failure`."""

    __slots__ = ("_assessment", "_failure", "_memory", "resumed_after_decline", "turn", "turn_score")

    def __init__(
        self,
        turn: Turn,
        assessment: Assessment,
        turn_score: float | None,
        memory: ConversationMemory,
        *,
        resumed_after_decline: bool = False,
    ) -> None:
        self.turn = turn
        self.turn_score = turn_score  # -5..+5, None when Lex sent no readable sentiment
        self.resumed_after_decline = resumed_after_decline  # the customer just said no to an agent
        self._assessment = assessment
        self._memory = memory
        self._failure: ReportedFailure | None = None

    @property
    def decision(self) -> Decision:
        return self._assessment.decision

    @property
    def reason(self) -> HandoverReason | None:
        """Why an agent would be offered on this turn (sentiment reasons only)."""
        return self._assessment.reason

    @property
    def upset(self) -> bool:
        """At or above the response threshold: the layer apologises for this turn."""
        return self._assessment.upset

    @property
    def negative_streak(self) -> int:
        """Consecutive upset turns, this one included."""
        return self._assessment.negative_streak

    @property
    def scores(self) -> SentimentScores | None:
        return self.turn.sentiment

    @property
    def negative_score(self) -> float | None:
        return self.turn.sentiment.negative if self.turn.sentiment else None

    @property
    def conversation_score(self) -> float | None:
        """The mean turn score so far (-5..+5), as Contact Lens scores a conversation."""
        return mean_score(self._memory.score_sum, self._memory.scored_turns)

    @property
    def failure(self) -> ReportedFailure | None:
        return self._failure

    def resumed_as(self, turn: Turn) -> TurnSentiment:
        """The view for the intent a declined offer resumes: no apology or offer rides on the "no"."""
        calm = replace(self._assessment, decision=Decision.NONE, reason=None)
        return TurnSentiment(turn, calm, self.turn_score, self._memory, resumed_after_decline=True)

    def report_failure(self, reason: str = "handler_failure", *, slot: str | None = None) -> None:
        """The handler could not do its job: the layer may offer an agent for `reason`.

        `reason` reaches the Amazon Connect flow as `handoverReason`: a short snake_case word
        (anything else is recorded as "handler_failure"). Naming the `slot` whose value failed
        makes a declined offer resume the intent with that slot asked for again.
        """
        self._failure = ReportedFailure(reason if REASON_PATTERN.match(reason) else "handler_failure", slot)


_current: ContextVar[TurnSentiment | None] = ContextVar("lexsentiment_turn_sentiment", default=None)


def answering(view: TurnSentiment) -> Token[TurnSentiment | None]:
    """Called by the layer: until `answered(token)`, turn_sentiment() returns this view."""
    return _current.set(view)


def answered(token: Token[TurnSentiment | None]) -> None:
    _current.reset(token)


def turn_sentiment() -> TurnSentiment:
    """The current turn's sentiment view; only inside a handler wrapped by `sentiment_aware`."""
    current = _current.get()
    if current is None:
        raise LookupError("turn_sentiment() is only available while a @sentiment_aware handler answers a turn")
    return current
