"""Finding your way: bare `make` lists every target with what it does, and `make audit` names its skips."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from local.template import load_template
from scripts.audit_skips import config_skips, resource_skips

ROOT = Path(__file__).resolve().parent.parent.parent


def phony_targets() -> list[str]:
    (line,) = [line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith(".PHONY:")]
    return line.split(":", 1)[1].split()


def test_bare_make_lists_every_target_with_its_description() -> None:
    listed = subprocess.run(["make", "--no-print-directory"], cwd=ROOT, capture_output=True, text=True, check=True)

    names = re.findall(r"^  make (\S+) +\S", listed.stdout, re.MULTILINE)
    assert sorted(names) == sorted(phony_targets())
    assert "is up to date" not in listed.stdout
    assert listed.stdout.startswith("  make help")


def test_every_checkov_skip_has_its_reason_and_the_audit_prints_them() -> None:
    configured = yaml.safe_load((ROOT / ".checkov.yaml").read_text())["skip-check"]

    assert [check for check, _ in config_skips(ROOT / ".checkov.yaml")] == configured
    skips = resource_skips(load_template())
    assert skips and all(reason for _, _, reason in skips)
    assert {logical_id for _, logical_id, _ in skips} >= {"MemorySealSecret", "ErasureFunction"}
