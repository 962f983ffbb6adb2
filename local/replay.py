"""Replay recorded conversations through the simulator and check what the bot did.

    python -m local.replay tests/transcripts/deliverybot.jsonl [--backend embedded|aws]

One conversation per line: {"name": ..., "today": "YYYY-MM-DD"?, "turns": [{"user": "...", "scores":
{...}?, "expect": {...}?}]}. `today` is the day the conversation happens on (the bot's clock, the
simulator's dates, the demo deliveries it starts from on the local store); today when absent.
`scores` are Lex's four sentiment scores for that utterance (scripted); without them VADER decides.
`expect` may hold: action (dialog action), intent, slot (slot to elicit), says (text contained),
exactly (the whole reply), decision (the code hook's sentiment decision), attributes (session
attributes that must have these values), absent (attributes that must not be set). Any other key is
an error (the README has the whole format).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lexsentiment.errors import problems
from local.cli import ToolError, command
from local.simulator.engine import BotTurn, Simulator

# Strict: a misspelled key (`"acton": "Close"`) is an error, not an expectation that always passes.
_STRICT = ConfigDict(extra="forbid", frozen=True)


class Expectation(BaseModel):
    """What one bot reply must show; every key optional, none unknown (the module docstring lists them)."""

    model_config = _STRICT

    action: str | None = None
    intent: str | None = None
    slot: str | None = None
    says: str | None = None
    exactly: str | None = None
    decision: str | None = None
    attributes: dict[str, str] = {}
    absent: list[str] = []


class Scores(BaseModel):
    """Lex's four sentiment scores for the utterance (0..1), as Comprehend gives them."""

    model_config = _STRICT

    positive: float = Field(ge=0, le=1)
    negative: float = Field(ge=0, le=1)
    neutral: float = Field(default=0.0, ge=0, le=1)
    mixed: float = Field(default=0.0, ge=0, le=1)


class TranscriptTurn(BaseModel):
    model_config = _STRICT

    user: str
    scores: Scores | None = None
    expect: Expectation = Expectation()


class Transcript(BaseModel):
    model_config = _STRICT

    name: str
    # The day the conversation happens on (its dates, "next Monday"); today when absent.
    today: date | None = None
    turns: list[TranscriptTurn] = Field(min_length=1)


@dataclass(frozen=True)
class ConversationResult:
    name: str
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def load_transcripts(path: Path) -> list[Transcript]:
    conversations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            conversations.append(Transcript.model_validate(json.loads(line)))
        except json.JSONDecodeError as error:
            # The decoder's message gives the position only, never the text.
            raise ToolError(f"{path}:{number}: not JSON ({error})") from None
        except ValidationError as error:
            # Field paths and pydantic's wording only: the line holds what a customer said.
            faults = "; ".join(f"{problem.location or 'the line'}: {problem.message}" for problem in problems(error))
            raise ToolError(f"{path}:{number}: {faults} (the format is in `python -m local.replay --help`)") from None
    if not conversations:
        raise ToolError(f"{path} holds no conversations (one JSON object per line)")
    return conversations


def check(turn: BotTurn, expect: Expectation) -> list[str]:
    problems = []
    for key, wanted, actual in (
        ("action", expect.action, turn.dialog_action),
        ("intent", expect.intent, turn.intent),
        ("slot", expect.slot, turn.slot_to_elicit),
        ("decision", expect.decision, turn.decision),
        ("exactly", expect.exactly, turn.text),
    ):
        if wanted is not None and wanted != actual:
            problems.append(f"{key}: expected {wanted!r}, got {actual!r}")
    if expect.says is not None and expect.says not in turn.text:
        problems.append(f"says: {expect.says!r} not in {turn.text!r}")
    for name, value in expect.attributes.items():
        if turn.session_attributes.get(name) != value:
            problems.append(f"attribute {name}: expected {value!r}, got {turn.session_attributes.get(name)!r}")
    for name in expect.absent:
        if name in turn.session_attributes:
            problems.append(f"attribute {name} should be absent, is {turn.session_attributes[name]!r}")
    return problems


def replay(
    conversations: Iterable[Transcript], new_simulator: Callable[[str, date | None], Simulator]
) -> list[ConversationResult]:
    from rich.progress import track

    results = []
    items = list(conversations)
    for conversation in track(items, description="Replaying conversations", transient=True, console=_stderr()):
        simulator = new_simulator(conversation.name, conversation.today)
        found = []
        for index, step in enumerate(conversation.turns, start=1):
            turn = simulator.say(step.user, step.scores.model_dump() if step.scores else None)
            found += [f"turn {index} ({step.user!r}): {problem}" for problem in check(turn, step.expect)]
        results.append(ConversationResult(conversation.name, found))
    return results


@command("replay")
def main(argv: list[str] | None = None) -> int:
    from local.chat import simulator_factory
    from local.store import open_backend

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("transcripts", type=Path, nargs="?", default=Path("tests/transcripts/deliverybot.jsonl"))
    parser.add_argument("--backend", choices=("embedded", "aws"), default=os.environ.get("BACKEND", "embedded"))
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME"))
    args = parser.parse_args(argv)
    conversations = load_transcripts(args.transcripts)
    with open_backend(args.backend, args.stack_name) as backend:
        # Its own deliveries on the local store: a seed or a chat's rescheduling cannot change what it expects.
        own = args.backend == "embedded"
        results = replay(conversations, simulator_factory(backend.tables, "scripted+vader", own_deliveries=own))
    for result in results:
        print(f"{'PASS' if result.passed else 'FAIL'}  {result.name}")
        for problem in result.problems:
            print(f"      {problem}")
    failed = sum(not result.passed for result in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)


if __name__ == "__main__":
    sys.exit(main())
