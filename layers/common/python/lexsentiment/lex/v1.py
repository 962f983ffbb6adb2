"""Legacy Lex V1 code-hook input event (V1 reached end of life on 15 September 2025; recorded traffic remains)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

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

# Validators are built on the first V1 event: a V2 bot's containers never pay for them at cold start.
_WIRE = ConfigDict(extra="ignore", populate_by_name=True, frozen=True, defer_build=True)

# V1 sends the four scores as text, not JSON: "{Positive: 0.0052, Negative: 0.63, Neutral: 0.36, Mixed: 2.6E-5}".
# Key case, order, spacing and line breaks vary between captures; exponents are Java-style.
_SCORE_PAIR = re.compile(r"(positive|negative|neutral|mixed)\s*:\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)", re.IGNORECASE)
_MAX_SCORE_TEXT = 512  # real strings are under 100 characters; longer ones are junk, not worth a regex pass


def parse_v1_score_text(label: str | None, text: str) -> SentimentScores | None:
    """The scores in a V1 sentimentScore string, or None when any of the four is missing or unreadable."""
    if len(text) > _MAX_SCORE_TEXT:
        return None
    pairs = {name.lower(): value for name, value in _SCORE_PAIR.findall(text)}
    return SentimentScores.from_untrusted(
        label, pairs.get("positive"), pairs.get("negative"), pairs.get("neutral"), pairs.get("mixed")
    )


class LexV1SentimentResponse(BaseModel):
    model_config = _WIRE
    # The Lambda event spells these sentimentLabel/sentimentScore; the runtime API capitalises them.
    label: str | None = Field(default=None, validation_alias=AliasChoices("sentimentLabel", "SentimentLabel"))
    score_text: str | None = Field(default=None, validation_alias=AliasChoices("sentimentScore", "SentimentScore"))

    @field_validator("label", "score_text", mode="before")
    @classmethod
    def _text_or_none(cls, value: object) -> object:
        return value if isinstance(value, str) else None

    def to_scores(self) -> SentimentScores | None:
        if not self.score_text:
            return None
        return parse_v1_score_text(self.label, self.score_text)


class LexV1Intent(BaseModel):
    model_config = _WIRE
    name: str = Field(min_length=1, max_length=100)
    slots: dict[str, str | None] | None = None
    slot_details: dict[str, Any] | None = Field(default=None, alias="slotDetails")
    confirmation_status: ConfirmationState = Field(default=ConfirmationState.NONE, alias="confirmationStatus")

    @field_validator("confirmation_status", mode="before")
    @classmethod
    def _none_when_null(cls, value: object) -> object:
        return ConfirmationState.NONE if value is None else value

    @field_validator("slot_details", mode="before")
    @classmethod
    def _details_are_optional(cls, value: object) -> object:
        # slotDetails only refines originalValue; a shape we do not expect must not cost the turn.
        return value if isinstance(value, dict) else None

    def slot_values(self) -> dict[str, SlotValue | None]:
        values: dict[str, SlotValue | None] = {}
        for name, value in (self.slots or {}).items():
            if not value:
                values[name] = None
                continue
            details = (self.slot_details or {}).get(name)
            original = details.get("originalValue") if isinstance(details, dict) else None
            values[name] = SlotValue(
                original=original if isinstance(original, str) and original else value, interpreted=value
            )
        return values


class LexV1Bot(BaseModel):
    model_config = _WIRE
    # Lex's own limits: anything longer is not from Lex.
    name: str = Field(default="", max_length=100)
    alias: str | None = Field(default=None, max_length=100)
    version: str | None = Field(default=None, max_length=100)


class LexV1Event(BaseModel):
    model_config = _WIRE
    message_version: str | None = Field(default=None, alias="messageVersion")
    invocation_source: Literal["DialogCodeHook", "FulfillmentCodeHook"] = Field(alias="invocationSource")
    user_id: str = Field(alias="userId", min_length=1)
    input_transcript: str = Field(default="", alias="inputTranscript")
    bot: LexV1Bot = Field(default_factory=LexV1Bot)
    current_intent: LexV1Intent = Field(alias="currentIntent")
    session_attributes: dict[str, str] | None = Field(default=None, alias="sessionAttributes")
    request_attributes: dict[str, str] | None = Field(default=None, alias="requestAttributes")
    sentiment_response: LexV1SentimentResponse | None = Field(default=None, alias="sentimentResponse")
    sentiment_unreadable: bool = False

    @model_validator(mode="before")
    @classmethod
    def _garbled_sentiment_is_missing(cls, data: Any) -> Any:
        # A sentimentResponse we cannot read means "no sentiment for this turn", never a failed turn.
        if isinstance(data, dict) and "sentimentResponse" in data and not isinstance(data["sentimentResponse"], dict):
            data = {**data, "sentimentResponse": None, "sentiment_unreadable": data["sentimentResponse"] is not None}
        return data

    @field_validator("input_transcript", mode="before")
    @classmethod
    def _null_transcript(cls, value: object) -> object:
        return "" if value is None else value

    def to_turn(self) -> Turn:
        # userId is unique per client only, so the bot name joins it to make the conversation key.
        user_id = bounded_id(self.user_id)
        conversation_id = bounded_id(f"{self.bot.name or 'bot'}:{user_id}")
        sentiment = self.sentiment_response.to_scores() if self.sentiment_response else None
        raw_scores = self.sentiment_response.score_text if self.sentiment_response else None
        utterance_key = derived_utterance_key(conversation_id, raw_scores) if sentiment and raw_scores else ""
        unreadable = self.sentiment_unreadable or (self.sentiment_response is not None and sentiment is None)
        return Turn(
            lex_version=LexVersion.V1,
            conversation_id=conversation_id,
            user_id=user_id,
            invocation_source=InvocationSource(self.invocation_source),
            intent_name=self.current_intent.name,
            bot=BotRef(name=self.bot.name, alias=self.bot.alias or "", locale="", version=self.bot.version or ""),
            slots=self.current_intent.slot_values(),
            confirmation_state=self.current_intent.confirmation_status,
            session_attributes=dict(self.session_attributes or {}),
            sentiment=sentiment,
            utterance_key=utterance_key,
            input_transcript=self.input_transcript,
            sentiment_unreadable=unreadable,
        )
