"""Section 6 of `make bench`: DeliveryBot's code hook side by side with the same turn written with lex-helper.

lex-helper (PyPI, Apache-2.0) is what a user would likely pick instead of writing a code hook by hand. It
needs Python >= 3.12: both handlers run in `.venv-bench` (scripts/bench_runtime.py: Python 3.13, the
layer's pins and lex-helper, so both run on the same boto3, botocore and pydantic), on the same Lex V2
CheckDeliveryStatus events, with DynamoDB answered in-process by a botocore `before-send` hook (request
serialisation kept, no network):

- cold start: wall time of a fresh process from start to exit after its first reply, median of N runs,
  against the floor `import boto3` + one DynamoDB client in the same interpreter;
- warm turn: median and p99 of the handler call over `turns` calls in one process (each call on a fresh
  copy of the event, made outside the timing: lex-helper writes its session model into the caller's event).

The comparison handler (scripts/lex_helper_hook) reads the slot, elicits it if missing and looks the
delivery up with one GetItem. DeliveryBot does that plus its sentiment policy and one TransactWriteItems
recording the turn: it is measured as it ships, and the output says so. Logging is off for both (lex-helper
logs at debug level only, so DeliveryBot runs with POWERTOOLS_LOG_LEVEL=CRITICAL here). Both run with
their bytecode compiled beforehand, as a deployed layer ships it.

When no Python >= 3.12 is found or the environment cannot be built, it prints why the section was not
measured; a handler that fails raises.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from scripts.bench_runtime import (
    COLD_FLOOR,
    FAKE_AWS,
    ROOT,
    NotMeasured,
    interleaved_medians,
    last_line,
    runtime_python,
)

LEX_HELPER_VERSION = "0.0.3"
# Up to this many turns is a smoke run: one cold start per handler instead of seven.
SMOKE_TURNS = 100
WARM_UP_TURNS = 20

FULFILMENT = ROOT / "events" / "lexv2" / "check-delivery-status-fulfilment.json"
UPSET = ROOT / "events" / "lexv2" / "check-delivery-status-upset.json"

# Fake credentials and the local table names, as in scripts/bench.py; here metrics and logs are off for
# DeliveryBot, since lex-helper's handler logs nothing at its default level.
ENVIRONMENT = {**FAKE_AWS, "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "CRITICAL"}

# Child-process code (run by the venv's interpreter). STUB answers the given client's DynamoDB requests
# in-process: GetItem finds delivery 21132, every other request is an empty success; it counts requests.
# DeliveryBot's Secrets Manager client is answered the same way (bench_stub's signing key).
STUB = """
import json, sys
from scripts.bench_stub import answer_in_process
ITEM = {
    "trackingNumber": {"S": "21132"},
    "deliveryDate": {"S": "2026-11-27"},
    "deliveryAddress": {"S": "home address"},  # what the lex-helper hook reads out
    "addressLabel": {"S": "home"},  # what DeliveryBot reads out (never the street)
}
def stub(client):
    return answer_in_process(client, ITEM)
from datetime import UTC, datetime
# The day the sample events were written for: delivery 21132 (due November 27) is still to come, so
# DeliveryBot and the lex-helper hook, which never looks at the date, give the same answer.
EVENTS_DAY = datetime(2026, 11, 23, 12, tzinfo=UTC)
"""
# Each defines `handler`, the DynamoDB `client` it uses, and the Lambda `context` to pass.
HANDLERS = {
    "ours": """
from deliverybot import app
from lexsentiment.adapters.aws import dynamodb_client
from local.lambda_context import FakeLambdaContext
from lexsentiment.adapters.secrets import secrets_client
answer_in_process(secrets_client())  # the memory seal key, read once (bench_stub's key)
app.utc_now = lambda: EVENTS_DAY  # the deployed handler looks its clock up on each turn
handler, client, context = app.lambda_handler, dynamodb_client(), FakeLambdaContext()
""",
    # DeliveryBot with its turn record kept in memory: the same work as the lex-helper handler plus the
    # sentiment policy, without the TransactWriteItems (what the record costs, not what a user runs).
    "ours-no-record": """
from deliverybot import app
from deliverybot.bot import delivery_bot
from deliverybot.deliveries_table import DynamoDbDeliveryRepository
from lexsentiment.adapters.aws import dynamodb_client
from lexsentiment.recording.record import RecordOutcome, RecordResult
from local.lambda_context import FakeLambdaContext
class Recorder:
    def record(self, record): return RecordResult(RecordOutcome.RECORDED)
deliveries = DynamoDbDeliveryRepository(app.settings.deliveries_table_name)
from lexsentiment.adapters.secrets import secrets_client
answer_in_process(secrets_client())
handler = delivery_bot(deliveries, clock=lambda: EVENTS_DAY, recorder=Recorder())
client, context = dynamodb_client(), FakeLambdaContext()
""",
    "lex-helper": """
from scripts.lex_helper_hook.handler import lambda_handler as handler
from scripts.lex_helper_hook.intents.check_delivery_status import dynamodb as client
from local.lambda_context import FakeLambdaContext
context = FakeLambdaContext()
""",
}
COLD = """
stub(client)
handler(json.load(open(sys.argv[1])), context)
"""
WARM = """
import statistics, time
counts = stub(client)
turns, warm_up, results = int(sys.argv[1]), int(sys.argv[2]), {}
for path in sys.argv[3:]:
    text = open(path).read()
    for _ in range(warm_up):
        reply = handler(json.loads(text), context)
    events = [json.loads(text) for _ in range(turns)]
    counts.clear()
    timings = []
    for event in events:
        started = time.perf_counter()
        handler(event, context)
        timings.append(time.perf_counter() - started)
    timings.sort()
    results[path] = {
        "median": statistics.median(timings),
        "p99": timings[min(len(timings) - 1, int(0.99 * len(timings)))],
        "requests": {operation: count / turns for operation, count in sorted(counts.items())},
        "action": reply["sessionState"]["dialogAction"]["type"],
        "message": (reply.get("messages") or [{}])[0].get("content", ""),
        "python": sys.version.split()[0],
    }
print(json.dumps(results))
"""


def lex_helper_comparison(turns: int, runs: int | None = None) -> None:
    """Print section 6; `runs` cold starts per handler (default: 7, or 1 at a smoke size of `turns`)."""
    title = f"6. Side by side with lex-helper {LEX_HELPER_VERSION}"
    try:
        python, built = runtime_python()
        cold_runs = runs if runs is not None else (1 if turns <= SMOKE_TURNS else 7)
        _compare(python, turns, cold_runs, title)
        if built:
            print(f"   ({built})")
    except NotMeasured as reason:
        print(title)
        print(f"   not measured: {reason}")


LABELS = {
    "lex-helper": "lex-helper handler",
    "ours": "DeliveryBot code hook",
    "ours-no-record": "  same, turn record not written",
}
WHAT = {FULFILMENT: "tracking number given: look it up, answer", UPSET: "no tracking number: ask for it"}


def _compare(python: Path, turns: int, runs: int, title: str) -> None:
    with tempfile.TemporaryDirectory() as bytecode:
        # The warm runs compile every module once into a private cache; the cold starts then only read
        # it, as Lambda reads the bytecode a layer ships (our layer's does; pip-installed packages' do).
        compiling = {**os.environ, **ENVIRONMENT, "PYTHONPYCACHEPREFIX": bytecode}
        compiling.pop("PYTHONDONTWRITEBYTECODE", None)
        warm = {
            (name, event): figures
            for name in LABELS
            for event, figures in _warm(python, name, list(WHAT), turns, compiling).items()
        }
        reading = {**compiling, "PYTHONDONTWRITEBYTECODE": "1"}
        cold = interleaved_medians(
            {
                "floor": ([str(python), "-c", COLD_FLOOR], reading),
                **{
                    name: ([str(python), "-c", STUB + HANDLERS[name] + COLD, str(FULFILMENT)], reading)
                    for name in ("lex-helper", "ours")
                },
            },
            runs,
        )
    floor = cold.pop("floor")
    if any("TransactWriteItems" not in warm["ours", event]["requests"] for event in WHAT):
        # As the warm-turn section does: a hook that recorded nothing was not measured as shipped.
        raise RuntimeError("DeliveryBot wrote no turn record in the lex-helper comparison: not measured")
    version = warm["ours", FULFILMENT]["python"]
    print(f"{title} (same CheckDeliveryStatus events, Python {version}, DynamoDB stubbed in-process)")
    print(
        f"   cold: process start to first reply, median of {runs} run{'s' * (runs != 1)};"
        f" warm: {turns} turns per event in one process"
    )
    for event, what in WHAT.items():
        print(f"   {event.parent.name}/{event.name} ({what})")
        if event == FULFILMENT:
            print(f"   {'floor: boto3 + one client':<34} cold {floor * 1000:6.0f} ms")
        for name, label in LABELS.items():
            figures = warm[name, event]
            cold_column = " " * 28
            if event == FULFILMENT and name in cold:
                cold_column = f"cold {cold[name] * 1000:6.0f} ms {cold[name] / floor:5.2f} x floor"
            print(
                f"   {label:<34} {cold_column}   warm median {figures['median'] * 1e6:7.1f} us"
                f"  p99 {figures['p99'] * 1e6:7.1f} us   {_requests(figures)}"
            )
        ratio = warm["ours", event]["median"] / warm["lex-helper", event]["median"]
        ratio_without = warm["ours-no-record", event]["median"] / warm["lex-helper", event]["median"]
        cold_ratio = f"cold {cold['ours'] / cold['lex-helper']:5.2f} x" if event == FULFILMENT else ""
        print(
            f"   {'DeliveryBot / lex-helper':<34} {cold_ratio:<28}   warm {ratio:5.2f} x"
            f"   without the record {ratio_without:5.2f} x"
        )
        # Same answer, give or take DeliveryBot's apology in front: else the figures compare different turns.
        theirs = warm["lex-helper", event]
        for name in ("ours", "ours-no-record"):
            reply = warm[name, event]
            if reply["action"] != theirs["action"] or not reply["message"].endswith(theirs["message"]):
                print(
                    f"   note: the replies differ: {LABELS[name].strip()} {reply['action']} {reply['message']!r},"
                    f" lex-helper {theirs['action']} {theirs['message']!r}"
                )
    print(
        "   (DeliveryBot also runs its sentiment policy and records every scored turn with one TransactWriteItems;"
        " the lex-helper handler does neither)"
    )


def _requests(figures: dict[str, Any]) -> str:
    requests: dict[str, float] = figures["requests"]
    return ", ".join(f"{operation} {count:g}" for operation, count in requests.items()) or "no request"


def _warm(
    python: Path, name: str, events: list[Path], turns: int, environment: dict[str, str]
) -> dict[Path, dict[str, Any]]:
    """One process per handler: warm-up, then `turns` timed calls on each event in turn."""
    code = STUB + HANDLERS[name] + WARM
    result = subprocess.run(
        [str(python), "-c", code, str(turns), str(WARM_UP_TURNS), *map(str, events)],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        # A handler that fails is a bug here, not a missing environment: the smoke run must go red.
        raise RuntimeError(f"the {name} handler failed: {last_line(result.stderr)}")
    figures: dict[str, dict[str, Any]] = json.loads(lines[-1])
    return {event: figures[str(event)] for event in events}


if __name__ == "__main__":
    lex_helper_comparison(turns=int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
