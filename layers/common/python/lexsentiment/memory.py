"""What the layer remembers between turns, kept in Lex session attributes (strings only).

Lex replaces the stored attribute map with the one we return, so every reply carries the
caller's attributes plus these. A client can write session attributes too (Lex V2's runtime API
lets any caller set them), so the memory is sealed (lexsentiment.trust): a set whose seal does not
hold is discarded and the conversation starts afresh. Values are still read defensively (bounded,
UTC, within range), so even a sealed set can never break a turn.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from lexsentiment.policy.conversation_score import MAX_PORTION_TURNS
from lexsentiment.trust import SEAL_LENGTH, seal, seal_holds


class Attr:
    NEGATIVE_TURNS = "negativeTurns"
    SCORED_TURNS = "scoredTurns"
    SCORE_SUM = "sentimentScoreSum"
    FIRST_SCORES = "firstTurnScores"
    RECENT_SCORES = "recentTurnScores"
    STARTED_AT = "conversationStartedAt"
    AGENT_OFFER_REASON = "agentOfferReason"
    AGENT_DECLINED = "agentOfferDeclined"
    INTERRUPTED_INTENT = "interruptedIntent"
    INTERRUPTED_SLOTS = "interruptedSlots"
    DELEGATED_TURN = "delegatedTurnKey"
    DECLINED_TURN = "declinedTurnKey"
    # One HMAC over the attributes above and the conversation id: they are ours only while it holds.
    SEAL = "sentimentMemorySeal"
    # Read by the Amazon Connect flow after the bot closes.
    HANDOVER = "handover"
    HANDOVER_REASON = "handoverReason"
    HANDOVER_INTENT = "handoverIntent"
    HANDOVER_SENTIMENT_SCORE = "handoverSentimentScore"
    CONVERSATION_SENTIMENT_SCORE = "conversationSentimentScore"


OWN_ATTRIBUTES = frozenset(value for name, value in vars(Attr).items() if not name.startswith("_"))
# What the next turn reads back, and so what the seal covers. The hand-over attributes are not read
# back: Amazon Connect takes them from the closing reply itself.
MEMORY_ATTRIBUTES = (
    Attr.NEGATIVE_TURNS,
    Attr.SCORED_TURNS,
    Attr.SCORE_SUM,
    Attr.FIRST_SCORES,
    Attr.RECENT_SCORES,
    Attr.STARTED_AT,
    Attr.AGENT_OFFER_REASON,
    Attr.AGENT_DECLINED,
    Attr.INTERRUPTED_INTENT,
    Attr.INTERRUPTED_SLOTS,
    Attr.DELEGATED_TURN,
    Attr.DECLINED_TURN,
)
_MEMORY_NAMES = frozenset(MEMORY_ATTRIBUTES)
# A conversation's start is never later than now nor older than this (Lex ends a session after at
# most 24 idle hours; a week leaves room for long ones without letting a start drift into the past).
MAX_CONVERSATION_AGE = timedelta(days=7)
# Lex keeps at most 12 KB of session attributes. When the caller's own attributes leave too little
# room, ours are dropped in this order (losing only analytics precision); the caller's never are.
SESSION_ATTRIBUTES_LIMIT = 12_000
EXPENDABLE_ATTRIBUTES = (
    Attr.RECENT_SCORES,
    Attr.FIRST_SCORES,
    Attr.STARTED_AT,
    Attr.INTERRUPTED_SLOTS,
    Attr.SCORE_SUM,
    Attr.SCORED_TURNS,
)


def attributes_size(attributes: Mapping[str, str]) -> int:
    """Bytes of the map as JSON (escapes included): the conservative reading of Lex's limit."""
    return len(json.dumps(attributes, ensure_ascii=False).encode())


# As attributes_size measures it (UTF-8, non-ASCII unescaped), JSON writes a character as at most 6
# bytes (a control character's \uXXXX; any other is at most 4), and a pair adds at most 8 ('"k": "v", ').
_MOST_BYTES_PER_CHARACTER = 6


def _surely_fits(attributes: Mapping[str, str]) -> bool:
    """True when even the worst JSON encoding fits: the usual map, measured without serialising it."""
    # Two more characters per pair, six bytes each, cover the pair's 8 bytes of punctuation.
    characters = sum(len(key) + len(value) + 2 for key, value in attributes.items())
    return characters * _MOST_BYTES_PER_CHARACTER + 2 <= SESSION_ATTRIBUTES_LIMIT


def within_limit(attributes: dict[str, str]) -> dict[str, str]:
    """The attributes, with our expendable ones dropped until the map fits Lex's limit (if it can)."""
    if _surely_fits(attributes):
        return attributes
    fitted = dict(attributes)
    for name in EXPENDABLE_ATTRIBUTES:
        if attributes_size(fitted) <= SESSION_ATTRIBUTES_LIMIT:
            break
        fitted.pop(name, None)
    return fitted


def sealed_within_limit(attributes: dict[str, str], conversation_id: str, key: bytes | None) -> dict[str, str]:
    """The reply's attributes fitted to Lex's limit, then sealed (without a key: fitted only)."""
    if key is None:
        return within_limit(attributes)
    attributes[Attr.SEAL] = "-" * SEAL_LENGTH  # the seal's room counts while fitting
    fitted = within_limit(attributes)
    fitted[Attr.SEAL] = seal(key, conversation_id, fitted, MEMORY_ATTRIBUTES)
    return fitted


class MemoryTrust(StrEnum):
    NONE = "none"  # no memory came with the turn: a new conversation
    SEALED = "sealed"  # our seal holds: the memory is the one we wrote for this conversation
    REJECTED = "rejected"  # memory whose seal does not hold (changed, moved, made up): discarded
    UNVERIFIABLE = "unverifiable"  # the key could not be had: discarded, as nothing can be trusted
    UNSEALED = "unsealed"  # no key configured (a trial without recording): taken as sent


def remembered(
    attributes: Mapping[str, str], conversation_id: str, key: bytes | None, *, sealed: bool
) -> tuple[ConversationMemory, MemoryTrust]:
    """The memory a turn arrived with, and how far it is trusted; anything unproven starts afresh."""
    if Attr.SEAL not in attributes and _MEMORY_NAMES.isdisjoint(attributes):
        return FRESH_MEMORY, MemoryTrust.NONE
    if not sealed:
        return ConversationMemory.from_attributes(attributes), MemoryTrust.UNSEALED
    if key is None:
        return FRESH_MEMORY, MemoryTrust.UNVERIFIABLE
    if not seal_holds(key, conversation_id, attributes, MEMORY_ATTRIBUTES, attributes.get(Attr.SEAL)):
        return FRESH_MEMORY, MemoryTrust.REJECTED
    return ConversationMemory.from_attributes(attributes), MemoryTrust.SEALED


@dataclass(frozen=True, slots=True)
class ConversationMemory:
    negative_turns: int = 0
    scored_turns: int = 0
    score_sum: float = 0.0
    # The first and the latest few turn scores: enough for the start and end portions.
    first_scores: tuple[float, ...] = ()
    recent_scores: tuple[float, ...] = ()
    started_at: datetime | None = None
    # Set while an agent offer waits for its yes or no: why it was made, and what it interrupted.
    agent_offer_reason: str | None = None
    agent_declined: bool = False
    interrupted_intent: str | None = None
    interrupted_slots: dict[str, str | None] = field(default_factory=dict)
    delegated_turn_key: str | None = None
    # The utterance that said no to an agent, while Lex still owes it the fulfilment hook's call.
    declined_turn_key: str | None = None

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, str]) -> ConversationMemory:
        return cls(
            negative_turns=_count(attributes.get(Attr.NEGATIVE_TURNS)),
            scored_turns=_count(attributes.get(Attr.SCORED_TURNS)),
            score_sum=_number(attributes.get(Attr.SCORE_SUM)) or 0.0,
            first_scores=_scores(attributes.get(Attr.FIRST_SCORES)),
            recent_scores=_scores(attributes.get(Attr.RECENT_SCORES)),
            started_at=_moment(attributes.get(Attr.STARTED_AT)),
            agent_offer_reason=_reason(attributes.get(Attr.AGENT_OFFER_REASON)),
            agent_declined=attributes.get(Attr.AGENT_DECLINED) == "true",
            interrupted_intent=_intent_name(attributes.get(Attr.INTERRUPTED_INTENT)),
            interrupted_slots=_slot_map(attributes.get(Attr.INTERRUPTED_SLOTS)),
            delegated_turn_key=attributes.get(Attr.DELEGATED_TURN) or None,
            declined_turn_key=attributes.get(Attr.DECLINED_TURN) or None,
        )

    def after_turn(
        self, score: float | None, now: datetime, *, negative_turns: int, agent_declined: bool
    ) -> ConversationMemory:
        """This turn counted in (its score, when it has one) with the new streak; one copy, on the hot path."""
        if score is None:
            return replace(
                self,
                negative_turns=negative_turns,
                agent_declined=agent_declined,
                delegated_turn_key=None,
                declined_turn_key=None,
            )
        first_scores = self.first_scores
        if len(first_scores) < MAX_PORTION_TURNS and self.scored_turns < MAX_PORTION_TURNS:
            first_scores = (*first_scores, score)
        return replace(
            self,
            negative_turns=negative_turns,
            agent_declined=agent_declined,
            delegated_turn_key=None,
            declined_turn_key=None,
            scored_turns=self.scored_turns + 1,
            score_sum=self.score_sum + score,
            first_scores=first_scores,
            recent_scores=(*self.recent_scores, score)[-MAX_PORTION_TURNS:],
            started_at=_clamped(self.started_at, now),
        )

    def without_offer(self, *, delegated_turn_key: str | None = None) -> ConversationMemory:
        """An offer waits for the very next turn only: any other reply forgets it."""
        if self.agent_offer_reason is None and self.interrupted_intent is None and not self.interrupted_slots:
            if delegated_turn_key == self.delegated_turn_key:
                return self
        return replace(
            self,
            agent_offer_reason=None,
            interrupted_intent=None,
            interrupted_slots={},
            delegated_turn_key=delegated_turn_key,
        )

    def to_attributes(self) -> dict[str, str]:
        """Our keys only; an empty value means the key is dropped from the session."""
        return {
            Attr.NEGATIVE_TURNS: str(self.negative_turns),
            Attr.SCORED_TURNS: str(self.scored_turns),
            Attr.SCORE_SUM: f"{self.score_sum:.4f}" if self.scored_turns else "",
            Attr.FIRST_SCORES: ",".join(f"{score:.4f}" for score in self.first_scores),
            Attr.RECENT_SCORES: ",".join(f"{score:.4f}" for score in self.recent_scores),
            Attr.STARTED_AT: self.started_at.isoformat(timespec="milliseconds") if self.started_at else "",
            Attr.AGENT_OFFER_REASON: self.agent_offer_reason or "",
            Attr.AGENT_DECLINED: "true" if self.agent_declined else "",
            Attr.INTERRUPTED_INTENT: self.interrupted_intent or "",
            Attr.INTERRUPTED_SLOTS: json.dumps(self.interrupted_slots, sort_keys=True)
            if self.interrupted_intent
            else "",
            Attr.DELEGATED_TURN: self.delegated_turn_key or "",
            Attr.DECLINED_TURN: self.declined_turn_key or "",
        }


def _count(value: str | None) -> int:
    try:
        number = int(value or 0)
    except ValueError:
        return 0
    return min(max(number, 0), 10_000)


def _number(value: str | None) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _scores(value: str | None) -> tuple[float, ...]:
    if not value:
        return ()
    numbers = tuple(_number(part) for part in value.split(",")[:MAX_PORTION_TURNS])
    return tuple(number for number in numbers if number is not None and -5.0 <= number <= 5.0)


def _moment(value: str | None) -> datetime | None:
    if not value or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        # Always UTC from here on: stored sort keys and the API's cursors compare UTC text.
        return moment.astimezone(UTC)
    except OverflowError:  # year 9999 west of UTC, or year 1 east of it
        return None


def _clamped(started_at: datetime | None, now: datetime) -> datetime:
    if started_at is None or started_at > now:
        return now
    return max(started_at, now - MAX_CONVERSATION_AGE)


# Lex's own intent-name pattern: an interrupted intent is one the bot named, never free text.
_INTENT_NAME = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")


def _intent_name(value: str | None) -> str | None:
    return value if value and _INTENT_NAME.match(value) else None


# A hand-over reason is a short snake_case word: the layer's own, or one a handler reported.
REASON_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _reason(value: str | None) -> str | None:
    return value if value and REASON_PATTERN.match(value) else None


def _slot_map(value: str | None) -> dict[str, str | None]:
    if not value:
        return {}
    try:
        decoded = json.loads(value)
    except ValueError:
        return {}
    if not isinstance(decoded, dict):
        return {}
    return {str(name): slot if isinstance(slot, str) else None for name, slot in decoded.items()}


FRESH_MEMORY = ConversationMemory()
