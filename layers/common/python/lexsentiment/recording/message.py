"""A turn record on the wire: the SQS backlog message and the recovery log line share this shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from lexsentiment.lex.turn import BotRef, LexVersion
from lexsentiment.policy.assess import Decision
from lexsentiment.policy.conversation_score import Shift
from lexsentiment.policy.sentiment import SentimentLabel, SentimentScores
from lexsentiment.recording.record import TurnRecord

_SCORE = Field(ge=-5, le=5, allow_inf_nan=False)
_PROBABILITY = Field(ge=0, le=1, allow_inf_nan=False)
_TEXT = Field(min_length=1, max_length=512)


class TurnRecordMessage(BaseModel):
    """Version 1. Carries no transcript and no slot values, only ids, scores and decisions."""

    # Built on first use: the code hook needs it only when the table fails, so cold starts skip it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Literal[1] = 1
    conversation_id: str = _TEXT
    user_id: str = _TEXT
    record_key: str = _TEXT
    turn_index: int = Field(ge=0, le=100_000)
    recorded_at: AwareDatetime
    started_at: AwareDatetime
    intent_name: str = _TEXT
    bot_name: str = Field(max_length=256)
    bot_alias: str = Field(max_length=256)
    bot_locale: str = Field(max_length=32)
    lex_version: LexVersion
    label: SentimentLabel
    positive: float = _PROBABILITY
    negative: float = _PROBABILITY
    neutral: float = _PROBABILITY
    mixed: float = _PROBABILITY
    score: float = _SCORE
    decision: Decision
    apologised: bool
    handed_over: bool
    start_score: float = _SCORE
    end_score: float = _SCORE
    shift: Shift

    @classmethod
    def of(cls, record: TurnRecord) -> TurnRecordMessage:
        return cls(**_fields(record))

    @classmethod
    def unchecked_json(cls, record: TurnRecord) -> str:
        """The record as JSON without validation: for the recovery line when validation itself fails,
        so the one remaining copy of a turn is never lost to a value the checks did not foresee."""
        try:
            return cls.model_construct(**_fields(record)).model_dump_json(warnings=False)
        except Exception:  # a value JSON cannot hold as it is (a lone surrogate): every field as text
            return json.dumps(_fields(record), default=str)

    def to_record(self) -> TurnRecord:
        return TurnRecord(
            conversation_id=self.conversation_id,
            user_id=self.user_id,
            record_key=self.record_key,
            turn_index=self.turn_index,
            recorded_at=_utc(self.recorded_at),
            intent_name=self.intent_name,
            bot=BotRef(name=self.bot_name, alias=self.bot_alias, locale=self.bot_locale),
            lex_version=self.lex_version,
            sentiment=SentimentScores(self.label, self.positive, self.negative, self.neutral, self.mixed),
            score=self.score,
            decision=self.decision,
            apologised=self.apologised,
            handed_over=self.handed_over,
            started_at=_utc(self.started_at),
            start_score=self.start_score,
            end_score=self.end_score,
            shift=self.shift,
        )


def _fields(record: TurnRecord) -> dict[str, Any]:
    scores = record.sentiment
    return {
        "conversation_id": record.conversation_id,
        "user_id": record.user_id,
        "record_key": record.record_key,
        "turn_index": record.turn_index,
        "recorded_at": record.recorded_at,
        "started_at": record.started_at,
        "intent_name": record.intent_name,
        "bot_name": record.bot.name,
        "bot_alias": record.bot.alias,
        "bot_locale": record.bot.locale,
        "lex_version": record.lex_version,
        "label": scores.label,
        "positive": scores.positive,
        "negative": scores.negative,
        "neutral": scores.neutral,
        "mixed": scores.mixed,
        "score": record.score,
        "decision": record.decision,
        "apologised": record.apologised,
        "handed_over": record.handed_over,
        "start_score": record.start_score,
        "end_score": record.end_score,
        "shift": record.shift,
    }


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
