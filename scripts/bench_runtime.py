"""What the benchmark sections share: the Lambda-like interpreter, the fake AWS settings, cold-start timing.

The interpreter is Python 3.13 with only the layer's requirements (and lex-helper).

The project's own .venv holds dev tools (moto, matplotlib, ...) and may be another Python version; a cold
start measured there would not be the one Lambda's python3.13 runtime sees. `.venv-bench` is built on
first use from scripts/requirements-bench.lock, with --require-hashes, and rebuilt when `make lock` changes
it. That lock is resolved under the layer's lock as a constraint: installing the layer's requirements.txt
instead would let botocore and the layer's other transitive packages drift from what the layer ships, and
the cold start would measure other code than Lambda loads.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Fake credentials and the local table names: every request is answered in-process or by moto.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "DELIVERIES_TABLE_NAME": "local-DeliveriesTable",
    "SENTIMENT_TABLE_NAME": "local-SentimentTable",
    "MEMORY_SEAL_SECRET": "local-memory-seal",
    "PYTHONPATH": os.pathsep.join(
        str(path) for path in (ROOT / "layers" / "common" / "python", ROOT / "functions" / "delivery_bot", ROOT)
    ),
}
# The floor every Python code hook pays: boto3 and one DynamoDB client.
COLD_FLOOR = "import boto3; boto3.session.Session().client('dynamodb')"
Command = tuple[list[str], dict[str, str]]
VENV = ROOT / ".venv-bench"
STAMP = VENV / ".installed"
REQUIREMENTS = ROOT / "scripts" / "requirements-bench.txt"
# Compiled from REQUIREMENTS by `make lock`: the layer lock's versions, lex-helper and PyYAML, all hashed.
LOCK = ROOT / "scripts" / "requirements-bench.lock"
# Installed first, so that the locked pip (not whichever the base Python bundles) installs LOCK.
PIP_LOCK = ROOT / "requirements-pip.lock"
FIND_PYTHON = ROOT / "scripts" / "find-python"
PYTHON_VERSIONS = ("3.13", "3.12")  # the Lambda runtime's first; lex-helper needs >= 3.12


class NotMeasured(Exception):
    """The environment needed for a section is missing here: the section says so and the run goes on."""


# One attempt per run: sections 1 and 6 both ask, and an offline machine should not retry pip.
_resolved: list[Path | NotMeasured] = []


def runtime_python() -> tuple[Path, str | None]:
    """The interpreter of .venv-bench, and (the first time) what was done if it had to be built."""
    if _resolved:
        if isinstance(_resolved[0], NotMeasured):
            raise _resolved[0]
        return _resolved[0], None
    try:
        python, built = _prepare()
    except NotMeasured as reason:
        _resolved.append(reason)
        raise
    _resolved.append(python)
    return python, built


def _prepare() -> tuple[Path, str | None]:
    import fcntl  # POSIX only, like the Makefile

    python = VENV / "bin" / "python"
    if _up_to_date(python):
        return python, None
    # A lock on the requirements file: two benchmarks started together build the environment once.
    with REQUIREMENTS.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _up_to_date(python):
            return python, None
        base = _base_python()
        started = time.perf_counter()
        _run([str(base), "-m", "venv", "--clear", str(VENV)], "creating .venv-bench")
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes"]
        _run([*pip, "-r", str(PIP_LOCK)], f"installing {PIP_LOCK.name}")
        _run([*pip, "-r", str(LOCK)], f"installing {LOCK.name}")
        STAMP.touch()
    return python, f"built .venv-bench on {base.name} in {time.perf_counter() - started:.0f} s first"


def interleaved_medians(commands: dict[str, Command], runs: int) -> dict[str, float]:
    """Median wall time of each command; one round runs every command once, so drift hits all alike."""
    timings: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, (command, environment) in commands.items():
            started = time.perf_counter()
            result = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, check=False)
            timings[label].append(time.perf_counter() - started)
            if result.returncode != 0:  # a bug here, not a missing environment: the smoke run must go red
                raise RuntimeError(f"a cold start ({label}) failed: {last_line(result.stderr)}")
    return {label: statistics.median(values) for label, values in timings.items()}


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def _up_to_date(python: Path) -> bool:
    try:
        stamped = STAMP.stat().st_mtime
        return python.exists() and stamped > max(LOCK.stat().st_mtime, PIP_LOCK.stat().st_mtime)
    except FileNotFoundError:
        return False


def _base_python() -> Path:
    """A Python >= 3.12 for the environment, found by scripts/find-python (3.13 first)."""
    for version in PYTHON_VERSIONS:
        found = subprocess.run([str(FIND_PYTHON), version], capture_output=True, text=True, check=False)
        path = found.stdout.strip()
        if found.returncode == 0 and path:
            return Path(path)
    raise NotMeasured(f"no Python >= 3.12: scripts/find-python found neither {' nor '.join(PYTHON_VERSIONS)}")


def _run(command: list[str], doing: str) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        raise NotMeasured(f"{doing} failed: {last_line(result.stderr or result.stdout)}")
