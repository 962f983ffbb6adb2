"""One customer utterance as every layer after parsing sees it, whichever Lex version sent it.

A frozen dataclass rather than a pydantic model: it is built by our own parsers from already
validated data on every turn, so a second validation would only add latency to a live call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lexsentiment.policy.sentiment import SentimentScores


class LexVersion(StrEnum):
    V1 = "V1"
    V2 = "V2"


class InvocationSource(StrEnum):
    DIALOG_CODE_HOOK = "DialogCodeHook"
    FULFILLMENT_CODE_HOOK = "FulfillmentCodeHook"


class ConfirmationState(StrEnum):
    NONE = "None"
    CONFIRMED = "Confirmed"
    DENIED = "Denied"


@dataclass(frozen=True, slots=True)
class SlotValue:
    original: str
    interpreted: str


@dataclass(frozen=True, slots=True)
class BotRef:
    name: str
    alias: str
    locale: str
    bot_id: str = ""
    version: str = ""


@dataclass(frozen=True, slots=True)
class Turn:
    lex_version: LexVersion
    conversation_id: str
    user_id: str
    invocation_source: InvocationSource
    intent_name: str
    bot: BotRef
    slots: Mapping[str, SlotValue | None] = field(default_factory=dict)
    confirmation_state: ConfirmationState = ConfirmationState.NONE
    session_attributes: Mapping[str, str] = field(default_factory=dict)
    sentiment: SentimentScores | None = None
    # Identifies the utterance across the dialog and fulfilment hooks it may trigger:
    # V2's originatingRequestId, or (V1 and V2 without it) a digest of conversation and raw scores.
    utterance_key: str = ""
    # True when the key came from Lex itself (unique per utterance), false when we derived it.
    utterance_key_from_lex: bool = False
    input_transcript: str = ""
    # Lex sent a sentimentResponse we could not read: the turn carries on without sentiment, and it is logged.
    sentiment_unreadable: bool = False

    def slot(self, name: str) -> str | None:
        """The interpreted value of a slot, or None when it is unfilled."""
        value = self.slots.get(name)
        return value.interpreted if value is not None else None
