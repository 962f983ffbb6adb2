"""Re-import turn records that were written to the logs because the table and the queue were both down.

    python -m local.recover LOG_FILE [--backend aws|embedded] [--stack-name NAME] [--dry-run]

LOG_FILE holds the code hook's log lines, one per line: the JSON lines themselves, or CloudWatch Logs
events whose "message" is such a line. Export them with, for example:

    aws logs filter-log-events --log-group-name /aws/lambda/<DeliveryBotFunction> \\
      --filter-pattern '{ $.recovery = "sentiment_turn_record" }' --output json \\
      | jq -c '.events[]' > recovery.jsonl

Only lines marked "recovery": "sentiment_turn_record" are taken. Re-importing is idempotent: a
record already in the table counts as a duplicate, so running the command twice is safe.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lexsentiment.layer import RECOVERY_MARK
from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import SentimentRecorder
from lexsentiment.recording.table import DynamoDbSentimentRecorder
from local.cli import command
from local.store import open_backend


def recovery_records(lines: Iterable[str]) -> Iterator[TurnRecordMessage | None]:
    """Each marked line's record, or None for a marked line whose record cannot be read."""
    for line in lines:
        entry = _json_object(line)
        if entry is not None and isinstance(entry.get("message"), str) and "recovery" not in entry:
            entry = _json_object(entry["message"])  # a CloudWatch Logs event wrapping our line
        if entry is None or entry.get("recovery") != RECOVERY_MARK:
            continue
        try:
            yield TurnRecordMessage.model_validate(entry.get("record"))
        except ValidationError:
            yield None


def recover(lines: Iterable[str], recorder: SentimentRecorder, *, dry_run: bool = False) -> Counter[str]:
    counts: Counter[str] = Counter()
    for message in recovery_records(lines):
        if message is None:
            counts["unreadable"] += 1
        elif dry_run:
            counts["found"] += 1
        else:
            counts[recorder.record(message.to_record()).outcome.value] += 1
    return counts


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@command("recover")
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("log_file", type=Path)
    parser.add_argument("--backend", choices=("embedded", "aws"), default=os.environ.get("BACKEND", "embedded"))
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME"))
    parser.add_argument("--dry-run", action="store_true", help="count what would be imported, write nothing")
    parser.add_argument("--retention-days", type=int, default=90, help="TTL of the re-imported turn records")
    parser.add_argument(
        "--conversation-retention-days", type=int, default=365, help="TTL of the conversations' and users' items"
    )
    args = parser.parse_args(argv)
    with args.log_file.open(encoding="utf-8") as lines, open_backend(args.backend, args.stack_name) as backend:
        recorder = DynamoDbSentimentRecorder(
            backend.tables.sentiment,
            timedelta(days=args.retention_days),
            backend.client,
            conversation_retention=timedelta(days=args.conversation_retention_days),
        )
        counts = recover(lines, recorder, dry_run=args.dry_run)
    print(", ".join(f"{outcome}: {count}" for outcome, count in sorted(counts.items())) or "no recovery lines found")
    return 1 if counts["failed"] or counts["unreadable"] else 0


if __name__ == "__main__":
    sys.exit(main())
