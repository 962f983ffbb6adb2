"""The builds install exactly what the lock files name, with hashes, and the locks agree with the requirements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import ROOT

LAYER = ROOT / "layers" / "common" / "python"
_PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;\\]+)")


def pins(path: Path) -> dict[str, str]:
    """name -> version of every pinned line (extras dropped, names normalised as pip does)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            name = re.sub(r"\[.*\]", "", match.group(1))
            found[re.sub(r"[-_.]+", "-", name).lower()] = match.group(2)
    return found


def entries(path: Path) -> list[str]:
    """Each requirement of a lock file with its continuation lines."""
    text = path.read_text(encoding="utf-8")
    return [block for block in re.split(r"\n(?=[A-Za-z0-9])", text) if _PIN.match(block)]


@pytest.mark.parametrize(
    ("requirements", "lock"),
    [
        (LAYER / "requirements.txt", LAYER / "requirements.lock"),
        (ROOT / "requirements-dev.txt", ROOT / "requirements-dev.lock"),
    ],
)
def test_every_pin_is_locked_at_its_version_and_every_locked_package_has_hashes(requirements: Path, lock: Path) -> None:
    locked = pins(lock)
    for name, version in pins(requirements).items():
        assert locked.get(name) == version, f"{name}=={version} is not what {lock.name} holds: run `make lock`"
    for entry in entries(lock):
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_the_dev_environment_runs_the_layers_versions() -> None:
    dev = pins(ROOT / "requirements-dev.lock")
    for name, version in pins(LAYER / "requirements.lock").items():
        assert dev.get(name) == version, f"{name}: layer {version}, dev {dev.get(name)}: run `make lock`"


def test_the_builds_install_from_the_locks_and_require_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    layer_makefile = (LAYER / "Makefile").read_text(encoding="utf-8")

    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--require-hashes" in layer_makefile and "--requirement requirements.lock" in layer_makefile
