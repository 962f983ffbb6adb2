"""Invoke the DeliveryBot code hook in-process on a sample event, like `sam local invoke -e`, without Docker.

    python -m local.invoke [EVENT] [--backend embedded|aws] [--stack-name NAME] [--quiet]

Prints the Lex response as JSON on stdout, then a one-line summary. Logs go to stderr.
The embedded backend is the local store under .local/, shared with `make seed` and `make report`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from local.cli import ToolError, command
from local.hook_runner import CodeHookRunner
from local.lex_events import sealed_as_our_reply
from local.store import open_backend

DEFAULT_EVENT = Path("events/lexv2/check-delivery-status-upset.json")


def summary_fields(response: Mapping[str, Any]) -> tuple[str, str]:
    """The dialog action and message text of a rendered response, whichever version it is in."""
    if "sessionState" in response:
        action = response["sessionState"]["dialogAction"]["type"]
        messages = response.get("messages") or [{}]
        return action, messages[0].get("content", "")
    dialog_action = response["dialogAction"]
    return dialog_action["type"], (dialog_action.get("message") or {}).get("content", "")


def summarise(event_path: Path, response: dict[str, Any], fields: dict[str, Any]) -> str:
    action, message = summary_fields(response)
    if fields.get("message") == "malformed_event":
        return f"{event_path.name}: malformed {fields.get('lex_version')} event -> {action}: {message}"
    negative = fields.get("negative_score")
    feeling = f"{fields.get('sentiment')} (negative {negative})" if negative is not None else "no sentiment"
    return (
        f"{event_path.name}: Lex {fields.get('lex_version')} {fields.get('intent')} | {feeling} | "
        f"decision {fields.get('decision')} | {action}: {message}"
    )


@command("invoke")
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("event", nargs="?", type=Path, default=DEFAULT_EVENT, help="a Lex event JSON file")
    parser.add_argument("--backend", choices=("embedded", "aws"), default=os.environ.get("BACKEND", "embedded"))
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME"))
    args = parser.parse_args(argv)
    try:
        event = json.loads(args.event.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ToolError(f"{args.event} is not a JSON event ({error})") from None
    with open_backend(args.backend, args.stack_name) as backend:
        runner = CodeHookRunner(backend.tables, log_stream=sys.stderr)
        result = runner(sealed_as_our_reply(event, runner.memory_seal_key()))
    print(json.dumps(result.response, indent=2))
    print(summarise(args.event, result.response, result.fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
