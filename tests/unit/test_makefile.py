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


def test_the_audit_scans_both_templates_and_their_skips_have_reasons() -> None:
    booktrip = Path("examples") / "booktrip" / "template.yaml"
    (scan,) = [line for line in recipe("audit") if "checkov" in line]

    assert "--file template.yaml" in scan and f"--file {booktrip}" in scan
    skips = resource_skips(load_template(ROOT / booktrip))
    assert ("CKV_AWS_115", "BookTripFunction") in {(check, logical_id) for check, logical_id, _ in skips}
    assert all(reason for _, _, reason in skips)


def recipe(target: str) -> list[str]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(f"{target}:"))
    body: list[str] = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        if body and body[-1].endswith("\\"):
            body[-1] += line  # a continued command is one line
        else:
            body.append(line)
    return body


def test_the_reports_json_can_be_piped_make_echoes_nothing_to_stdout() -> None:
    """`make report REPORT_ARGS=--json | python -m json.tool`: no command line, no install output on stdout."""
    for target in ("report", "$(STAMP)"):
        for line in recipe(target):
            assert line.startswith("\t@"), (target, line)
    assert all(">&2" in line for line in recipe("$(STAMP)") if "pip install" in line or "echo" in line)
