"""Lex V2 code-hook input event, as documented (unknown keys ignored, absent or null parts tolerated)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lexsentiment.lex.keys import bounded_id, derived_utterance_key
from lexsentiment.lex.turn import (
    BotRef,
    ConfirmationState,
    InvocationSource,
    LexVersion,
    SlotValue,
    Turn,
)
from lexsentiment.policy.sentiment import SentimentScores

_WIRE = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class LexV2SlotValue(BaseModel):
    model_config = _WIRE
    original_value: str | None = Field(default=None, alias="originalValue")
    interpreted_value: str | None = Field(default=None, alias="interpretedValue")


class LexV2Slot(BaseModel):
    model_config = _WIRE
    shape: str | None = None
    value: LexV2SlotValue | None = None

    def to_slot_value(self) -> SlotValue | None:
        if self.value is None:
            return None
        interpreted = self.value.interpreted_value or self.value.original_value
        if not interpreted:
            return None
        return SlotValue(original=self.value.original_value or interpreted, interpreted=interpreted)


class LexV2Intent(BaseModel):
    model_config = _WIRE
    name: str = Field(min_length=1, max_length=100)
    slots: dict[str, LexV2Slot | None] | None = None
    state: str | None = None
    confirmation_state: ConfirmationState = Field(default=ConfirmationState.NONE, alias="confirmationState")

    @field_validator("confirmation_state", mode="before")
    @classmethod
    def _none_when_null(cls, value: object) -> object:
        return ConfirmationState.NONE if value is None else value

    def slot_values(self) -> dict[str, SlotValue | None]:
        return {name: slot.to_slot_value() if slot else None for name, slot in (self.slots or {}).items()}


class LexV2SentimentResponse(BaseModel):
    model_config = _WIRE
    sentiment: str | None = None
    sentiment_score: dict[str, Any] | None = Field(default=None, alias="sentimentScore")

    def to_scores(self) -> SentimentScores | None:
        scores = self.sentiment_score or {}
        return SentimentScores.from_untrusted(
            self.sentiment,
            scores.get("positive"),
            scores.get("negative"),
            scores.get("neutral"),
            scores.get("mixed"),
        )


class LexV2Interpretation(BaseModel):
    model_config = _WIRE
    intent: LexV2Intent | None = None
    # Kept raw and read on demand: a sentimentResponse we cannot read means "no sentiment for
    # this turn", never a failed turn.
    sentiment_response: Any = Field(default=None, alias="sentimentResponse")

    def sentiment(self) -> SentimentScores | None:
        if not isinstance(self.sentiment_response, dict):
            return None
        try:
            return LexV2SentimentResponse.model_validate(self.sentiment_response).to_scores()
        except ValidationError:
            return None


class LexV2SessionState(BaseModel):
    model_config = _WIRE
    session_attributes: dict[str, str] | None = Field(default=None, alias="sessionAttributes")
    intent: LexV2Intent | None = None
    originating_request_id: str | None = Field(default=None, alias="originatingRequestId")


class LexV2Bot(BaseModel):
    model_config = _WIRE
    # Lex's own limits (names 100, locale ids a few characters): anything longer is not from Lex.
    bot_id: str = Field(default="", alias="id", max_length=100)
    name: str = Field(default="", max_length=100)
    locale_id: str = Field(alias="localeId", min_length=1, max_length=32)
    version: str = Field(default="", max_length=100)
    alias_id: str = Field(default="", alias="aliasId", max_length=100)
    alias_name: str = Field(default="", alias="aliasName", max_length=100)


class LexV2Event(BaseModel):
    model_config = _WIRE
    message_version: str | None = Field(default=None, alias="messageVersion")
    invocation_source: Literal["DialogCodeHook", "FulfillmentCodeHook"] = Field(alias="invocationSource")
    session_id: str = Field(alias="sessionId", min_length=1)
    input_transcript: str = Field(default="", alias="inputTranscript")
    bot: LexV2Bot
    interpretations: list[LexV2Interpretation] = Field(default_factory=list)
    session_state: LexV2SessionState = Field(alias="sessionState")
    request_attributes: dict[str, str] | None = Field(default=None, alias="requestAttributes")

    @field_validator("input_transcript", mode="before")
    @classmethod
    def _null_transcript(cls, value: object) -> object:
        return "" if value is None else value

    def active_intent(self) -> LexV2Intent | None:
        """sessionState.intent is authoritative; the top interpretation stands in when it is missing."""
        if self.session_state.intent is not None:
            return self.session_state.intent
        return self.interpretations[0].intent if self.interpretations else None

    def sentiment_interpretation(self) -> LexV2Interpretation | None:
        """interpretations[0] if it has sentiment, else the active intent's interpretation, else any that has it."""
        with_sentiment = [item for item in self.interpretations if item.sentiment_response is not None]
        if not with_sentiment:
            return None
        if with_sentiment[0] is self.interpretations[0]:
            return with_sentiment[0]
        active = self.active_intent()
        for interpretation in with_sentiment:
            if active is not None and interpretation.intent is not None and interpretation.intent.name == active.name:
                return interpretation
        return with_sentiment[0]

    def to_turn(self) -> Turn:
        intent = self.active_intent()
        attributes = dict(self.session_state.session_attributes or {})
        interpretation = self.sentiment_interpretation()
        sentiment = interpretation.sentiment() if interpretation else None
        request_id = self.session_state.originating_request_id
        session_id = bounded_id(self.session_id)
        if request_id:
            utterance_key = bounded_id(request_id)
        elif sentiment is not None:
            utterance_key = derived_utterance_key(session_id, repr(sentiment))
        else:
            utterance_key = ""
        # V2 events have no user field: the session stands for the user unless a trusted party
        # signed a userId attribute (the layer checks that: lexsentiment.trust).
        return Turn(
            lex_version=LexVersion.V2,
            conversation_id=session_id,
            user_id=session_id,
            invocation_source=InvocationSource(self.invocation_source),
            intent_name=intent.name if intent else "",
            bot=BotRef(
                name=self.bot.name,
                alias=self.bot.alias_name or self.bot.alias_id,
                locale=self.bot.locale_id,
                bot_id=self.bot.bot_id,
                version=self.bot.version,
            ),
            slots=intent.slot_values() if intent else {},
            confirmation_state=intent.confirmation_state if intent else ConfirmationState.NONE,
            session_attributes=attributes,
            sentiment=sentiment,
            utterance_key=utterance_key,
            utterance_key_from_lex=bool(request_id),
            input_transcript=self.input_transcript,
            sentiment_unreadable=interpretation is not None and sentiment is None,
        )
