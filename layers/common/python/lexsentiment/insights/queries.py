"""The questions the insights API accepts, validated; bad input becomes a clear 400, never a 500."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from lexsentiment.errors import problems
from lexsentiment.policy.conversation_score import Shift

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 7
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Lex's own intent-name pattern; ids are opaque but bounded and printable.
IntentName = Annotated[str, StringConstraints(pattern=r"^([0-9a-zA-Z][_-]?)+$", max_length=100)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f]+$", min_length=1, max_length=256)]
_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#(.+)$")


QueryT = TypeVar("QueryT", bound=BaseModel)
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(9999, 1, 1)


class InvalidQuery(ValueError):
    """A question the API cannot answer as asked; the message says what to change."""


class DateRange(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    # Bounded so that the defaults a range fills in (a week either side) stay valid dates.
    first: date | None = Field(default=None, alias="from", ge=EARLIEST_DAY, le=LATEST_DAY)
    last: date | None = Field(default=None, alias="to", ge=EARLIEST_DAY, le=LATEST_DAY)

    @model_validator(mode="after")
    def _ordered_and_bounded(self) -> DateRange:
        if self.first is not None and self.last is not None:
            if self.first > self.last:
                raise ValueError("'from' must not be after 'to'")
            if (self.last - self.first).days >= MAX_RANGE_DAYS:
                raise ValueError(f"the range may span at most {MAX_RANGE_DAYS} days")
        return self

    def resolved(self, today: date) -> tuple[date, date]:
        """Missing ends default to the last seven days up to today."""
        last = self.last or (self.first + timedelta(days=DEFAULT_RANGE_DAYS - 1) if self.first else today)
        first = self.first or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        return first, last


class ConversationsQuery(DateRange):
    shift: Shift
    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    next: str | None = Field(default=None, max_length=1024)


class UserQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def parse_query(model: type[QueryT], parameters: dict[str, str] | None) -> QueryT:
    try:
        return model.model_validate(parameters or {})
    except ValidationError as error:
        raise InvalidQuery(_explain(error)) from None


def _explain(error: ValidationError) -> str:
    parts = []
    for problem in problems(error):
        message = "is not a known parameter" if problem.kind == "extra_forbidden" else problem.message
        parts.append(f"{problem.location}: {message}" if problem.location else message)
    return "; ".join(parts)


def encode_cursor(after: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def decode_cursor(token: str, first: date, last: date) -> str:
    """The position a `next` token stands for, checked to lie inside the asked range.

    The token only positions a query whose partition (the shift class) comes from the request
    itself, so a forged token can move within that answer but never reach other keys.
    """
    try:
        padded = token + "=" * (-len(token) % 4)
        decoded: Any = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidQuery("next: not a token this API issued") from None
    after = decoded.get("after") if isinstance(decoded, dict) else None
    # Printable only: a lone surrogate or a control character would fail later, in the store's request.
    match = _CURSOR.match(after) if isinstance(after, str) and len(after) <= 512 and after.isprintable() else None
    if match is None:
        raise InvalidQuery("next: not a token this API issued")
    try:
        # The pattern admits impossible times (month 13, hour 99): only a real one positions a query.
        started = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).date()
    except ValueError:
        raise InvalidQuery("next: not a token this API issued") from None
    if not first <= started <= last:
        raise InvalidQuery("next: the token belongs to another date range")
    return str(after)
