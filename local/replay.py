"""Replay recorded conversations through the simulator and check what the bot did.

    python -m local.replay tests/transcripts/deliverybot.jsonl [--backend embedded|aws]

One conversation per line: {"name": ..., "turns": [{"user": "...", "scores": {...}?, "expect": {...}}]}.
`scores` are Lex's four sentiment scores for that utterance (scripted); without them VADER decides.
`expect` may hold: action (dialog action), intent, slot (slot to elicit), says (text contained),
exactly (the whole reply), decision (the code hook's sentiment decision), attributes (session
attributes that must have these values), absent (attributes that must not be set).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local.simulator.engine import BotTurn, Simulator


@dataclass(frozen=True)
class ConversationResult:
    name: str
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def load_transcripts(path: Path) -> list[dict[str, Any]]:
    conversations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                conversations.append(json.loads(line))
            except ValueError as error:
                raise SystemExit(f"{path}:{number}: not JSON ({error})") from None
    return conversations


def check(turn: BotTurn, expect: dict[str, Any]) -> list[str]:
    problems = []
    for key, actual in (
        ("action", turn.dialog_action),
        ("intent", turn.intent),
        ("slot", turn.slot_to_elicit),
        ("decision", turn.decision),
        ("exactly", turn.text),
    ):
        if key in expect and expect[key] != actual:
            problems.append(f"{key}: expected {expect[key]!r}, got {actual!r}")
    if "says" in expect and expect["says"] not in turn.text:
        problems.append(f"says: {expect['says']!r} not in {turn.text!r}")
    for name, value in expect.get("attributes", {}).items():
        if turn.session_attributes.get(name) != value:
            problems.append(f"attribute {name}: expected {value!r}, got {turn.session_attributes.get(name)!r}")
    for name in expect.get("absent", []):
        if name in turn.session_attributes:
            problems.append(f"attribute {name} should be absent, is {turn.session_attributes[name]!r}")
    return problems


def replay(
    conversations: Iterable[dict[str, Any]], new_simulator: Callable[[str], Simulator]
) -> list[ConversationResult]:
    from rich.progress import track

    results = []
    items = list(conversations)
    for conversation in track(items, description="Replaying conversations", transient=True, console=_stderr()):
        simulator = new_simulator(conversation["name"])
        problems = []
        for index, step in enumerate(conversation["turns"], start=1):
            turn = simulator.say(step["user"], step.get("scores"))
            problems += [
                f"turn {index} ({step['user']!r}): {problem}" for problem in check(turn, step.get("expect", {}))
            ]
        results.append(ConversationResult(conversation["name"], problems))
    return results


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
        results = replay(conversations, simulator_factory(backend.tables, "scripted+vader"))
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
