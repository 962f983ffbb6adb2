"""The benchmark still runs (tiny sizes); its figures are printed, never asserted."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support import ROOT


def test_the_benchmark_runs_and_prints_every_section() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--smoke"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'layers' / 'common' / 'python'}{os.pathsep}{ROOT}"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    for section in (
        "1. Cold start",
        "2. Warm turn",
        "3. DynamoDB requests per turn",
        "4. Throughput and memory",
        "5. How cost grows",
        "6. Side by side with lex-helper",
    ):
        assert section in result.stdout
    assert "x floor" in result.stdout
    # The throughput run saw every turn handled, none failed.
    assert "warnings and errors: none" in result.stdout
    # Side by side, both bots answered the same turn (else the figures would compare different work).
    assert "replies differ" not in result.stdout, result.stdout[-3000:]
