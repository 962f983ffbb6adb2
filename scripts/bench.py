"""Benchmarks of the code hook, printed as ratios to floors measured in the same run (never asserted).

    python scripts/bench.py [--smoke]

1. cold start: a fresh interpreter importing the code hook and answering one event, against
   `python -c pass`, `import boto3` + one DynamoDB client (the floor every Python hook pays) and that
   floor plus pydantic and Powertools (our stack's floor); with bytecode as the layer ships it, without
   bytecode, and with X-Ray tracing;
2. warm turn: lambda_handler per turn over the events/ corpus, median and p99: with in-memory stores
   (parsing, domain, rendering, logging and metrics), and with botocore serialising requests to an
   in-process stub, against a no-op call and one small PutItem through the same stub;
3. DynamoDB requests per turn by event, counted by a botocore event hook;
4. throughput and peak RSS against a moto server over loopback (scripts/bench_throughput.py);
5. how cost grows: requests and latency per turn as a conversation grows, and the requests an
   insights query makes as stored conversations grow tenfold;
6. side by side with a lex-helper handler doing the same CheckDeliveryStatus turn
   (scripts/bench_lex_helper.py).

Sections 1 and 6 run in .venv-bench (scripts/bench_runtime.py: Python 3.13 and the layer's packages,
built on first use). Where DynamoDB is moto, its latency is moto's, not DynamoDB's; request counts are
exact.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from scripts.bench_lex_helper import lex_helper_comparison
from scripts.bench_runtime import (
    COLD_FLOOR,
    FAKE_AWS,
    ROOT,
    Command,
    NotMeasured,
    interleaved_medians,
    runtime_python,
)
from scripts.bench_throughput import throughput

EVENT = ROOT / "events" / "lexv2" / "check-delivery-status-upset.json"
ENVIRONMENT = {
    **FAKE_AWS,
    # As deployed: one INFO log line and one metrics (EMF) line per turn, written to a null stream.
    "POWERTOOLS_SERVICE_NAME": "delivery-bot",
    "POWERTOOLS_METRICS_NAMESPACE": "DeliveryBot",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",  # as template.yaml sets it
}

# One process: import the hook, answer one event with DynamoDB (and the signing key's read from
# Secrets Manager) answered by an in-process stub.
COLD_HOOK = """
import json, sys
from deliverybot import app
from lexsentiment.adapters.aws import dynamodb_client
from lexsentiment.adapters.secrets import secrets_client
from scripts.bench_stub import answer_in_process
answer_in_process(dynamodb_client())
answer_in_process(secrets_client())
from local.lambda_context import FakeLambdaContext
app.lambda_handler(json.load(open(sys.argv[1])), FakeLambdaContext())
"""
# One process: import the hook (priming it as SnapStart would before the snapshot, or not), then time
# the first turn alone: what a restored snapshot still pays.
FIRST_TURN = """
import json, sys, time
from deliverybot import app
from lexsentiment.adapters.aws import dynamodb_client
from lexsentiment.snapstart import prime
from local.lambda_context import FakeLambdaContext
from scripts.bench_stub import answer_in_process
if sys.argv[2] == "primed":
    import os
    from lexsentiment.settings import LayerSettings, load_settings
    prime(load_settings(os.environ, LayerSettings))
answer_in_process(dynamodb_client())
from lexsentiment.adapters.secrets import secrets_client
answer_in_process(secrets_client())
event, context = json.load(open(sys.argv[1])), FakeLambdaContext()
started = time.perf_counter()
app.lambda_handler(event, context)
print(time.perf_counter() - started)
"""
NULL_STREAM = open(os.devnull, "w")  # open for the whole run

# What any hook on our stack pays before its own code: the floor plus pydantic (one model built) and
# Powertools' Logger and Metrics.
COLD_STACK = (
    COLD_FLOOR + "\nfrom pydantic import BaseModel\nclass Probe(BaseModel):\n    value: int\nProbe(value=1)"
    "\nfrom aws_lambda_powertools import Logger, Metrics\nLogger(service='bench'); Metrics(namespace='bench')"
)


def writable(environment: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in environment.items() if key != "PYTHONDONTWRITEBYTECODE"}


def packages_and_ours(python: str) -> list[Path]:
    """The folders whose bytecode a layer built without it lacks: site-packages and this checkout."""
    found = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib')); print(sysconfig.get_path('platlib'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [Path(line) for line in found.stdout.split()] + [ROOT.resolve()]


def cold_start(runs: int) -> None:
    try:
        runtime, built = runtime_python()
        python, where = str(runtime), "in .venv-bench: the layer's pinned packages (and lex-helper)"
    except NotMeasured as reason:
        python, where, built = sys.executable, f"in this interpreter ({reason})", None
    with tempfile.TemporaryDirectory() as shipped, tempfile.TemporaryDirectory() as absent:
        # Lambda cannot write bytecode (/opt is read-only): what the layer ships is what runs. A private,
        # read-only bytecode cache stands for each case, whatever this checkout's __pycache__ folders hold.
        base = {**os.environ, **ENVIRONMENT, "PYTHONDONTWRITEBYTECODE": "1"}
        shipped_bytecode = {**base, "PYTHONPYCACHEPREFIX": shipped}
        no_bytecode = {**base, "PYTHONPYCACHEPREFIX": absent}
        hook = [python, "-c", COLD_HOOK, str(EVENT)]
        commands: dict[str, Command] = {
            "bare": ([python, "-c", "pass"], shipped_bytecode),
            "floor": ([python, "-c", COLD_FLOOR], shipped_bytecode),
            "stack": ([python, "-c", COLD_STACK], shipped_bytecode),
            "hook": (hook, shipped_bytecode),
            "traced": (hook, {**shipped_bytecode, "TRACING_ENABLED": "true"}),
        }
        for command, environment in commands.values():  # what `sam build` compiles into the layer
            subprocess.run(command, env=writable(environment), check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        # The runtime's standard library has its bytecode in Lambda too: keep only that part of the cache.
        subprocess.run(hook, env=writable(no_bytecode), check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        for folder in packages_and_ours(python):
            shutil.rmtree(Path(absent) / folder.relative_to(folder.anchor), ignore_errors=True)
        with_bytecode = interleaved_medians(commands, runs)
        source_runs = max(1, runs // 2)
        from_source = interleaved_medians(
            {"floor": (commands["floor"][0], no_bytecode), "hook": (hook, no_bytecode)}, source_runs
        )
    floor, stack = with_bytecode["floor"], with_bytecode["stack"]

    def row(label: str, seconds: float, ratios: str = "") -> None:
        print(f"   {label:<52} {seconds * 1000:6.0f} ms   {ratios}")

    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"], capture_output=True)
    print(f"1. Cold start: process start to first reply, median of {runs} interleaved runs")
    print(f"   Python {version.stdout.decode().strip()} {where}{f'; {built}' if built else ''}")
    print("   with bytecode, as the layer ships it")
    row("bare python", with_bytecode["bare"], f"{with_bytecode['bare'] / floor:5.2f}x floor")
    row("floor: boto3 + one DynamoDB client", floor)
    row("stack: floor + pydantic + Powertools Logger, Metrics", stack, f"{stack / floor:5.2f}x floor")
    first_reply = with_bytecode["hook"]
    row(
        "code hook, first reply",
        first_reply,
        f"{first_reply / floor:5.2f}x floor (goal <= 1.25x)   {first_reply / stack:5.2f}x stack",
    )
    row("code hook with the X-Ray tracer", with_bytecode["traced"], f"{with_bytecode['traced'] / floor:5.2f}x floor")
    print(
        "   without bytecode for the packages and our code (SAM's python3.13 build method), "
        f"median of {source_runs} runs"
    )
    row("floor: boto3 + one DynamoDB client", from_source["floor"], f"{from_source['floor'] / floor:5.2f}x floor")
    row("code hook, first reply", from_source["hook"], f"{from_source['hook'] / floor:5.2f}x floor")


@contextmanager
def stubbed_dynamodb() -> Iterator[Counter[str]]:
    """The hook's DynamoDB client answered in-process with empty successes; counts requests per operation."""
    from lexsentiment.adapters.aws import dynamodb_client
    from lexsentiment.adapters.secrets import secrets_client
    from scripts.bench_stub import answer_in_process, stop_answering

    client, secrets = dynamodb_client(), secrets_client()
    answer_in_process(secrets)  # read once, then cached: not counted
    try:
        yield answer_in_process(client)
    finally:
        stop_answering(client)
        stop_answering(secrets)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def warm_turn(turns: int) -> None:
    from lexsentiment.adapters.aws import dynamodb_client
    from local.lambda_context import FakeLambdaContext
    from local.lex_events import sealed_as_our_reply
    from scripts.bench_stub import SIGNING_KEY

    app = load_app()
    # As Lex delivers them after our replies: the memory in the sample events sealed with the hook's key.
    events = [
        sealed_as_our_reply(json.loads(path.read_text()), SIGNING_KEY.encode())
        for path in sorted((ROOT / "events").glob("lexv*/*.json"))
    ]
    context = FakeLambdaContext()

    def noop(event: Any, context: Any) -> None:
        return None

    def run(index: int) -> Any:
        return app.lambda_handler(events[index % len(events)], context)

    def smallest_write(index: int) -> Any:
        """What any hook that records a turn pays botocore: one small PutItem on the same client."""
        return dynamodb_client().put_item(
            TableName=ENVIRONMENT["SENTIMENT_TABLE_NAME"], Item={"PK": {"S": f"turn-{index}"}, "SK": {"S": "TURN"}}
        )

    with hook_output_discarded(), stubbed_dynamodb() as requests:
        for index in range(len(events)):  # warm-up
            run(index)
            smallest_write(index)
        requests.clear()
        with_botocore = timed(run, turns)
        if requests["TransactWriteItems"] < turns // 2:  # most sample events are scored turns
            raise RuntimeError(f"the code hook wrote {requests['TransactWriteItems']} turns of {turns}: not measured")
        botocore_floor = timed(smallest_write, turns)
    in_memory = in_memory_delivery_bot(app)

    def run_in_memory(index: int) -> Any:
        return in_memory(events[index % len(events)], context)

    with hook_output_discarded():
        without_dynamodb = timed(run_in_memory, turns)
        with powertools_muted(log=True, metrics=False):
            without_log_line = timed(run_in_memory, turns)
        with powertools_muted(log=True, metrics=True):
            domain_only = timed(run_in_memory, turns)
    floor = timed(lambda index: noop(events[index % len(events)], context), turns)
    bare, wrapped = decorator_cost(app, context, turns)

    def row(label: str, timings: list[float], ratio: str = "") -> None:
        print(
            f"   {label:<50} median {statistics.median(timings) * 1e6:7.1f} us"
            f"   p99 {percentile(timings, 0.99) * 1e6:7.1f} us   {ratio}"
        )

    print(f"2. Warm turn: lambda_handler over the {len(events)} sample events ({turns} turns)")
    row("floor: a no-op call", floor)
    row("code hook, DynamoDB excluded (in-memory stores)", without_dynamodb, "goal: median < 300 us")
    row("  same, without the INFO log line per turn", without_log_line)
    row("  same, without the log line and EMF metrics", domain_only)
    row("floor: one small PutItem, botocore, no network", botocore_floor)
    ratio = statistics.median(with_botocore) / statistics.median(botocore_floor)
    row("code hook, botocore, no network", with_botocore, f"{ratio:5.2f}x the PutItem floor")
    first_turns = first_turn_after_init(runs=1 if turns < 100 else 7)
    print("   The first turn after init (what a SnapStart restore still pays), median of fresh processes")
    for label, seconds in first_turns.items():
        ratio = seconds / statistics.median(with_botocore)
        print(f"   {label:<50} {seconds * 1e6:14.1f} us   {ratio:5.2f}x the warm turn (botocore)")
    print("   The decorator's own cost: a calm V2 turn that the layer passes through (no sentiment table)")
    row("floor: DeliveryBot's bare handler (no layer)", bare)
    ratio = statistics.median(wrapped) / statistics.median(bare)
    row("same handler inside @sentiment_aware", wrapped, f"{ratio:5.2f}x the bare handler")


def first_turn_after_init(runs: int) -> dict[str, float]:
    """The first turn's own time in a fresh process, without and with SnapStart's priming before it."""
    environment = {**os.environ, **ENVIRONMENT}
    modes = {"first turn, nothing primed": "cold", "first turn, primed before the snapshot": "primed"}
    timings: dict[str, list[float]] = {label: [] for label in modes}
    for _ in range(runs):
        for label, mode in modes.items():
            done = subprocess.run(
                [sys.executable, "-c", FIRST_TURN, str(EVENT), mode],
                env=environment,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            timings[label].append(float(done.stdout.strip().splitlines()[-1]))
    return {label: statistics.median(values) for label, values in timings.items()}


def decorator_cost(app: Any, context: Any, turns: int) -> tuple[list[float], list[float]]:
    """The same team handler bare and wrapped, on a calm turn it answers itself (the layer changes nothing)."""
    from deliverybot.bot import delivery_bot
    from lexsentiment.trust import StaticKey
    from scripts.bench_stub import SIGNING_KEY

    event = json.loads((ROOT / "events" / "lexv2" / "check-delivery-status-calm.json").read_text())
    deliveries = in_memory_deliveries()
    # Sealing its memory is part of what the layer does on every turn, recorded or not.
    wrapped = delivery_bot(deliveries, clock=app.utc_now, recorder=None, memory_key=StaticKey(SIGNING_KEY.encode()))
    bare = wrapped.__wrapped__  # functools.wraps keeps the team's own handler
    with hook_output_discarded():
        for _ in range(100):  # warm-up
            bare(event, context)
            wrapped(event, context)
        return timed(lambda index: bare(event, context), turns), timed(lambda index: wrapped(event, context), turns)


@contextmanager
def powertools_muted(*, log: bool, metrics: bool) -> Iterator[None]:
    """What a turn costs without Powertools' per-turn log line (level WARNING) and/or its EMF metrics."""
    from lexsentiment.observability import logger
    from lexsentiment.observability import metrics as hook_metrics

    level = logger.log_level
    # On the provider: the handler's log_metrics decorator calls the provider's flush, not the wrapper's.
    provider = hook_metrics.provider
    real = {name: getattr(provider, name) for name in ("add_metric", "add_dimension", "flush_metrics")}
    if log:
        logger.setLevel("WARNING")
    if metrics:
        # No metric added and no flush either (an empty flush would time Powertools' warning instead).
        for name in real:
            setattr(provider, name, lambda **_: None)
    try:
        yield
    finally:
        logger.setLevel(level)
        for name, method in real.items():
            setattr(provider, name, method)


def in_memory_delivery_bot(app: Any) -> Any:
    """The same bot with DynamoDB replaced by dictionaries: what the turn costs without any I/O."""
    from deliverybot.bot import delivery_bot
    from lexsentiment.recording.record import RecordOutcome, RecordResult
    from lexsentiment.trust import StaticKey
    from scripts.bench_stub import SIGNING_KEY

    class Recorder:
        def record(self, record: Any) -> RecordResult:
            return RecordResult(RecordOutcome.RECORDED)

    # The key held in memory, as the hook holds it once read: sealing and checking are measured too.
    key = StaticKey(SIGNING_KEY.encode())
    return delivery_bot(in_memory_deliveries(), clock=app.utc_now, recorder=Recorder(), memory_key=key)


def in_memory_deliveries() -> Any:
    from datetime import date as date_type

    from deliverybot.deliveries import AddressLabel, Delivery

    class Deliveries:
        def find(self, tracking_number: str) -> Delivery | None:
            return (
                Delivery(tracking_number, date_type(2026, 11, 27), AddressLabel.HOME)
                if tracking_number == "21132"
                else None
            )

        def reschedule(self, tracking_number: str, new_date: date_type) -> Delivery | None:
            return Delivery(tracking_number, new_date, AddressLabel.HOME)

    return Deliveries()


def timed(call: Callable[[int], Any], count: int) -> list[float]:
    timings = []
    for index in range(count):
        started = time.perf_counter()
        call(index)
        timings.append(time.perf_counter() - started)
    return timings


def load_app() -> Any:
    """The code hook in this process, its log and metrics lines going to a null stream (the cost stays)."""
    os.environ.update({key: value for key, value in ENVIRONMENT.items() if key != "PYTHONPATH"})
    import importlib
    import logging

    from lexsentiment.observability import logger

    handler = logger.registered_handler
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(NULL_STREAM)
    return importlib.import_module("deliverybot.app")


@contextmanager
def hook_output_discarded() -> Iterator[None]:
    """Powertools prints each invocation's metrics line to stdout; this report keeps stdout for figures."""
    with redirect_stdout(NULL_STREAM):
        yield


def round_trips() -> None:
    from local.lambda_context import FakeLambdaContext

    app = load_app()
    context = FakeLambdaContext()
    print("3. DynamoDB requests per turn (counted by a botocore hook; goal: one write per recorded turn)")
    for path in sorted((ROOT / "events").glob("lexv*/*.json")):
        with hook_output_discarded(), stubbed_dynamodb() as counts:
            app.lambda_handler(json.loads(path.read_text()), context)
        shown = ", ".join(f"{operation} {count}" for operation, count in sorted(counts.items())) or "none"
        print(f"   {path.parent.name}/{path.name:<52} {shown}")


def growth(sizes: list[int], stored: list[int]) -> None:
    """Moto in-process: request counts exact, latencies moto's own."""
    from moto import mock_aws

    from deliverybot.bot import delivery_bot
    from deliverybot.deliveries_table import DynamoDbDeliveryRepository
    from lexsentiment.adapters.aws import dynamodb_client, reset_clients
    from lexsentiment.insights.store import DynamoDbInsightsStore
    from local.backend import create_signing_secrets, create_tables, seed_deliveries
    from local.lex_events import sentiment_response, v2_event
    from local.moto_speedups import item_level_transaction_rollback

    print("5. How cost grows (moto in-process, with the local store's item-level transaction rollback)")
    with mock_aws(), item_level_transaction_rollback():
        import boto3

        reset_clients()  # clients built before moto was imported would not be mocked
        client = boto3.client("dynamodb")
        tables = create_tables(client)
        create_signing_secrets(boto3.client("secretsmanager"))
        seed_deliveries(client, tables.deliveries)
        app = load_app()
        moment = [datetime(2026, 11, 23, 12, tzinfo=UTC)]
        deliveries = DynamoDbDeliveryRepository(app.settings.deliveries_table_name)
        layer = delivery_bot(deliveries, clock=lambda: moment[0]).sentiment_layer

        def respond(event: dict[str, Any], now: datetime) -> dict[str, Any]:
            moment[0] = now
            reply: dict[str, Any] = layer(event, None)
            return reply

        counts: Counter[str] = Counter()
        dynamodb_client().meta.events.register(
            "before-call.dynamodb", lambda **kwargs: counts.update([kwargs["model"].name])
        )
        now = datetime(2026, 11, 23, 12, tzinfo=UTC)
        attributes: dict[str, str] = {}
        print("   turn  write requests  latency (ms)")
        for turn in range(1, max(sizes) + 1):
            event = v2_event(
                session_id="growing",
                request_id=f"growing-{turn}",
                intent="CheckDeliveryStatus",
                slots={"trackingNumber": None},
                sentiment=sentiment_response(0.1, 0.3),
                session_attributes=attributes,
            )
            counts.clear()
            with hook_output_discarded():
                started = time.perf_counter()
                reply = respond(event, now + timedelta(seconds=turn))
                elapsed = time.perf_counter() - started
            attributes = reply["sessionState"]["sessionAttributes"]
            if turn in sizes:
                print(f"   {turn:4d}  {counts['TransactWriteItems']:14d}  {elapsed * 1000:12.1f}")
        store = DynamoDbInsightsStore(tables.sentiment, dynamodb_client())
        print("   stored conversations  requests (top intents)  requests (one conversation)")
        written = 0
        for target in stored:
            while written < target:
                written += 1
                event = v2_event(
                    session_id=f"stored-{written}",
                    request_id=f"stored-{written}",
                    intent="CheckDeliveryStatus",
                    slots={"trackingNumber": None},
                    sentiment=sentiment_response(0.1, 0.6),
                )
                with hook_output_discarded():
                    respond(event, now)
            counts.clear()
            store.intents_between(date(2026, 11, 1), date(2026, 11, 30))
            intents = sum(counts.values())
            counts.clear()
            store.conversation("stored-1")
            print(f"   {target:20d}  {intents:22d}  {sum(counts.values()):26d}")
    reset_clients()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the benchmark still runs")
    args = parser.parse_args(argv)
    os.environ.update({key: value for key, value in ENVIRONMENT.items() if key != "PYTHONPATH"})
    for credential in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):  # never beside the fake keys
        os.environ.pop(credential, None)
    cold_start(runs=1 if args.smoke else 7)
    warm_turn(turns=50 if args.smoke else 5000)
    round_trips()
    throughput(conversations=3 if args.smoke else 1000)
    growth(sizes=[1, 3] if args.smoke else [1, 10, 50, 100, 200], stored=[2, 20] if args.smoke else [5, 50, 500])
    lex_helper_comparison(turns=20 if args.smoke else 5000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
