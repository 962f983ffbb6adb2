"""The layer's two shared error ideas: a store that could not answer, and a validation error told without its input."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


class StoreUnavailable(RuntimeError):
    """A table could not answer (throttled, down, timed out, or returned an unreadable item).

    `cause` is an AWS error code or an exception type name: never a message, which can carry input.
    """

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Problem:
    location: str  # dotted field path, "" for the whole object
    kind: str  # pydantic's error type, e.g. "missing", "extra_forbidden"
    message: str  # pydantic's message, which never quotes the input


def problems(error: ValidationError) -> list[Problem]:
    """What was wrong, field by field, with the input values left out (they may be customer text)."""
    return [
        Problem(
            location=".".join(str(part) for part in detail["loc"]),
            kind=detail["type"],
            message=detail["msg"].removeprefix("Value error, "),
        )
        for detail in error.errors(include_url=False, include_input=False, include_context=False)
    ]


def invalid_fields(error: ValidationError, limit: int = 10) -> list[str]:
    """The sorted, distinct field paths at fault, for a log line."""
    return sorted({problem.location or "event" for problem in problems(error)})[:limit]
