"""Benchmark section 4, throughput and memory: the code hook against a moto server over loopback.

    python scripts/bench_throughput.py [--conversations 1000]

Three processes, all fresh interpreters:

- a moto server on 127.0.0.1 (a free port), with the tables of template.yaml and the demo deliveries,
  and the local store's item-level transaction rollback (moto as shipped deep-copies whole tables per
  TransactWriteItems, which would measure moto, not us);
- the code hook: `lambda_handler` (Powertools decorators included, with the template's defaults:
  INFO logs and EMF metrics on stdout, as in Lambda) over a generated workload, local/seed.py's
  personas played by its driver, which follows the replies as Lex would (a Delegate is followed by
  the fulfilment hook for the same utterance);
- the floor: the cheapest hook that records each turn, one boto3 DynamoDB client and one small PutItem
  per turn, for as many turns as the code hook answered, against the same server (after the hook;
  moto's PutItem does not slow down as the table fills).

Each reports turns per second and client CPU per turn (the turns only: imports excluded; the hook's
figure includes the driver building its events, a small share) and peak RSS (VmHWM, imports
included). Both load the workload generator, so their RSS differs by the hook alone. Figures are
printed as ratios to the floor of the same run, never asserted; moto's latency is not DynamoDB's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# Only the standard library at the top: this file is also the measured processes' entry point, and
# whatever it imports there counts in their RSS.

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()
SEED = 7  # the workload is the same from run to run
RSS_GOAL = 1.3
# Settings and credentials the children must not inherit (bench.py sets its own for its in-process sections).
INHERITED_PREFIXES = ("AWS_", "POWERTOOLS_")
HOOK_SETTINGS = (
    "DELIVERIES_TABLE_NAME",
    "SENTIMENT_TABLE_NAME",
    "MEMORY_SEAL_SECRET",
    "USER_ID_SIGNING_SECRET",
    "SENTIMENT_BACKLOG_QUEUE_URL",
    "RESPONSE_THRESHOLD",
    "AGENT_HANDOVER_THRESHOLD",
    "NEGATIVE_TURNS_BEFORE_HANDOVER",
    "TURN_RETENTION_DAYS",
    "LOG_CONVERSATION_SHAPE",
    "TRACING_ENABLED",
)
RESULT_KEY = "bench_throughput_result"


@dataclass(frozen=True)
class Run:
    turns: int
    seconds: float
    cpu_seconds: float
    peak_rss_kib: int
    log_lines: list[dict[str, Any]]

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds

    @property
    def cpu_ms_per_turn(self) -> float:
        return self.cpu_seconds * 1000 / self.turns

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024


@dataclass(frozen=True)
class Server:
    endpoint: str
    tables: dict[str, str]
    note: str


def child_environment(extra: dict[str, str], *, write_bytecode: bool = True) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(INHERITED_PREFIXES) and key not in HOOK_SETTINGS and key != "PYTHONDONTWRITEBYTECODE"
    }
    if not write_bytecode:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY", ""), "127.0.0.1", "localhost"]))
    environment.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            # A proxy from the environment must not sit between the client and the loopback server.
            "NO_PROXY": no_proxy,
            "no_proxy": no_proxy,
            "PYTHONPATH": os.pathsep.join(
                str(path) for path in (ROOT / "layers" / "common" / "python", ROOT / "functions" / "delivery_bot", ROOT)
            ),
            **extra,
        }
    )
    return environment


@contextmanager
def moto_server(cache: dict[str, str]) -> Iterator[Server]:
    """A moto server in its own process; it stops when its stdin closes, so it cannot outlive us."""
    # A file, not a pipe, for what the server prints after its ready line: nobody reads it while
    # the benchmark runs, and a full pipe would stall the server.
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(
            [sys.executable, str(THIS), "server"],
            cwd=ROOT,
            env=child_environment(cache),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            ready = process.stdout.readline()
            if not ready:
                process.wait()
                errors.seek(0)
                raise RuntimeError(f"the moto server did not start: {errors.read()[-2000:]}")
            details = json.loads(ready)
            yield Server(endpoint=details["endpoint"], tables=details["tables"], note=details["note"])
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            process.stdout.close()


def measure(
    role: str, argument: int, server: Server, timeout: float, cache: dict[str, str], *, write_bytecode: bool = True
) -> Run:
    result = subprocess.run(
        [sys.executable, str(THIS), role, str(argument)],
        cwd=ROOT,
        env=child_environment(
            {
                "AWS_ENDPOINT_URL_DYNAMODB": server.endpoint,
                "AWS_ENDPOINT_URL_SECRETS_MANAGER": server.endpoint,
                **server.tables,
                **cache,
            },
            write_bytecode=write_bytecode,
        ),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the {role} process failed ({result.returncode}): {result.stderr[-2000:]}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    report = next(line[RESULT_KEY] for line in reversed(lines) if RESULT_KEY in line)
    return Run(
        turns=report["turns"],
        seconds=report["seconds"],
        cpu_seconds=report["cpu_seconds"],
        peak_rss_kib=report["peak_rss_kib"],
        log_lines=[line for line in lines if "level" in line],
    )


def throughput(conversations: int) -> None:
    # Generous: moto takes tens of milliseconds per transaction, a conversation is a few turns.
    timeout = 120 + 2.0 * conversations
    with tempfile.TemporaryDirectory() as bytecode:
        # Peak RSS would count compiling any module that has no bytecode yet (how much depends on this
        # checkout's __pycache__ folders): one short unmeasured run of each fills a private cache first.
        cache = {"PYTHONPYCACHEPREFIX": bytecode}
        with moto_server(cache) as server:  # a throwaway server: the measured run starts from empty tables
            measure("hook", 1, server, timeout, cache)
            measure("floor", 1, server, timeout, cache)
        with moto_server(cache) as server:
            hook = measure("hook", conversations, server, timeout, cache, write_bytecode=False)
            floor = measure("floor", hook.turns, server, timeout, cache, write_bytecode=False)
    rate = hook.turns_per_second / floor.turns_per_second
    cpu = hook.cpu_ms_per_turn / floor.cpu_ms_per_turn
    rss = hook.peak_rss_kib / floor.peak_rss_kib
    print(
        f"4. Throughput and memory: {conversations} generated conversations ({hook.turns} turns)"
        " against a moto server on loopback"
    )
    print("                                        turns/s               client CPU per turn     peak RSS")
    print(
        f"   floor: boto3, one PutItem per turn {floor.turns_per_second:7.1f}               "
        f"{floor.cpu_ms_per_turn:6.2f} ms               {floor.peak_rss_mib:5.1f} MiB"
    )
    print(
        f"   code hook (lambda_handler)         {hook.turns_per_second:7.1f}  {rate:5.2f}x floor  "
        f"{hook.cpu_ms_per_turn:6.2f} ms  {cpu:5.2f}x floor  {hook.peak_rss_mib:5.1f} MiB  {rss:4.2f}x floor"
        f"  (goal < {RSS_GOAL}x)"
    )
    print(f"   {hook_log_summary(hook.log_lines)}")
    print(f"   moto server: {server.note}")
    print("   (moto's server dominates the latency: the turns/s ratio measures the hook's requests as moto answers")
    print("   them; client CPU is the measured process's own time, which moto's latency does not inflate)")


def hook_log_summary(lines: list[dict[str, Any]]) -> str:
    """What the hook said about its turns: how each was recorded, and any warning or error by message."""
    recording = Counter(line.get("recording", "?") for line in lines if line.get("message") == "turn_handled")
    problems = Counter(
        f"{line['level'].lower()} {line.get('message')}" for line in lines if line["level"] in ("WARNING", "ERROR")
    )
    recorded = ", ".join(f"{outcome} {count}" for outcome, count in sorted(recording.items())) or "none"
    logged = ", ".join(f"{text} {count}" for text, count in sorted(problems.items())) or "none"
    return f"hook log: turns handled {recording.total()} ({recorded}); warnings and errors: {logged}"


# --- The child processes -----------------------------------------------------------------------


class Clock:
    """Wall and CPU time of the turns alone: imports and start-up are left out (RSS keeps them)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def report(self, turns: int) -> None:
        seconds, cpu_seconds = time.perf_counter() - self.wall, time.process_time() - self.cpu
        peak = peak_rss_kib()
        result = {"turns": turns, "seconds": seconds, "cpu_seconds": cpu_seconds, "peak_rss_kib": peak}
        print(json.dumps({RESULT_KEY: result}), flush=True)


def peak_rss_kib() -> int:
    """This process's own peak resident memory.

    On Linux ru_maxrss is not enough: a child starts with its parent's high-water mark (it survives the
    exec), so a benchmark parent holding a few tens of MiB would hide the child's figure. VmHWM is the
    process's own.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB elsewhere


def serve(stdin: IO[str]) -> None:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    from local.backend import create_signing_secrets, create_tables, seed_deliveries

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # otherwise one access-log line per request
    with ExitStack() as patches:
        note = "item-level transaction rollback applied (moto's whole-table copies skipped)"
        try:
            from local.moto_speedups import item_level_transaction_rollback

            # It patches moto's module and class, so it holds in the server's request threads too.
            patches.enter_context(item_level_transaction_rollback())
        except Exception as error:
            note = f"moto as shipped, the item-level rollback could not apply: {type(error).__name__}: {error}"
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # port 0: a free one
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.session.Session().client("dynamodb", endpoint_url=endpoint)
        tables = create_tables(client)
        create_signing_secrets(boto3.session.Session().client("secretsmanager", endpoint_url=endpoint))
        seed_deliveries(client, tables.deliveries)
        print(json.dumps({"endpoint": endpoint, "tables": tables.as_environment(), "note": note}), flush=True)
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed later goes where errors go
        stdin.read()  # until the parent closes our stdin (or exits)
        server.stop()


def run_hook(conversations: int) -> None:
    import random
    from datetime import UTC, datetime

    from deliverybot import app
    from local.lambda_context import FakeLambdaContext
    from local.seed import PERSONAS, play

    context = FakeLambdaContext()

    def respond(event: dict[str, Any], now: datetime) -> dict[str, Any]:
        # The handler reads its own clock, as in Lambda; the driver's clock only dates the personas.
        reply: dict[str, Any] = app.lambda_handler(event, context)
        return reply

    rng = random.Random(SEED)  # noqa: S311 - a repeatable workload, not a secret
    personas, weights = zip(*PERSONAS, strict=True)
    turns = 0
    clock = Clock()
    for number in range(conversations):
        persona = rng.choices(personas, weights=weights)[0]
        now = datetime.now(UTC)
        turns += play(respond, f"bench-{number:05d}", persona(rng, now), now)
    clock.report(turns)


def run_floor(turns: int) -> None:
    import boto3

    import local.seed  # noqa: F401 - the hook's process loads the generator too; RSS should differ by the hook only

    table = os.environ["SENTIMENT_TABLE_NAME"]
    clock = Clock()
    client = boto3.session.Session().client("dynamodb")  # inside the timing, as the hook builds its client on turn 1
    for turn in range(turns):
        client.put_item(TableName=table, Item={"PK": {"S": f"FLOOR#{turn}"}, "SK": {"S": "TURN"}})
    clock.report(turns)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["server"]:  # the processes this section starts
        serve(sys.stdin)
    elif argv[:1] == ["hook"]:
        run_hook(int(argv[1]))
    elif argv[:1] == ["floor"]:
        run_floor(int(argv[1]))
    else:
        parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("--conversations", type=int, default=1000)
        throughput(parser.parse_args(argv).conversations)
    return 0


if __name__ == "__main__":
    sys.exit(main())
