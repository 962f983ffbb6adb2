"""How the bot reacts to the customer's feelings: carry on, apologise, or offer a human agent."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from lexsentiment.policy.sentiment import SentimentScores


class Decision(StrEnum):
    NONE = "none"
    APOLOGISE = "apologise"
    OFFER_AGENT = "offer_agent"


class HandoverReason(StrEnum):
    """The layer's own reasons; a handler reports its own (such as "lookup_failed") as plain strings."""

    CUSTOMER_REQUEST = "customer_request"
    NEGATIVE_SENTIMENT = "negative_sentiment"
    REPEATED_NEGATIVE = "repeated_negative"
    HANDLER_OFFER = "handler_offer"  # the handler offered an agent itself without naming a reason


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Both apply to the NEGATIVE score; a score equal to a threshold crosses it."""

    response: float
    handover: float
    negative_turns_before_handover: int


@dataclass(frozen=True, slots=True)
class Assessment:
    decision: Decision
    negative_streak: int
    reason: HandoverReason | None = None
    # A declined offer holds until a calmer turn (below the handover threshold): until then a single
    # very negative turn only earns an apology.
    agent_declined: bool = False

    @property
    def upset(self) -> bool:
        return self.decision is not Decision.NONE


def assess(
    sentiment: SentimentScores | None,
    negative_streak: int,
    thresholds: Thresholds,
    *,
    agent_declined: bool = False,
) -> Assessment:
    """The decision for one utterance and the new count of consecutive upset turns.

    Unknown sentiment is not calm: it neither extends nor breaks the streak. Once the customer
    has declined an agent, a very negative turn only earns an apology (asking again at once would
    nag) until a calmer turn comes between; a renewed run of upset turns still escalates.
    """
    if sentiment is None:
        return Assessment(Decision.NONE, negative_streak, agent_declined=agent_declined)
    negative = sentiment.negative
    declined = agent_declined and negative >= thresholds.handover
    if negative < thresholds.response:
        return Assessment(Decision.NONE, 0, agent_declined=declined)
    streak = negative_streak + 1
    if negative >= thresholds.handover and not declined:
        return Assessment(Decision.OFFER_AGENT, streak, HandoverReason.NEGATIVE_SENTIMENT)
    if streak >= thresholds.negative_turns_before_handover:
        return Assessment(Decision.OFFER_AGENT, streak, HandoverReason.REPEATED_NEGATIVE, agent_declined=declined)
    return Assessment(Decision.APOLOGISE, streak, agent_declined=declined)


def reassess(
    sentiment: SentimentScores | None,
    counted_streak: int,
    thresholds: Thresholds,
    *,
    agent_declined: bool = False,
) -> Assessment:
    """assess() for an utterance that was already counted (the second code hook Lex calls for it).

    Gives the same decision the first call gave, without counting the utterance twice. The declined
    flag is as the first call left it: a "no" sets it on that call, and its own calm words must not
    clear it on the second.
    """
    streak_before = counted_streak
    if sentiment is not None and sentiment.negative >= thresholds.response:
        streak_before = max(counted_streak - 1, 0)
    return replace(
        assess(sentiment, streak_before, thresholds, agent_declined=agent_declined), agent_declined=agent_declined
    )
