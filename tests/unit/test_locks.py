"""The builds install exactly what the lock files name, with hashes, and the locks agree with the requirements."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from scripts import bench_runtime
from tests.support import ROOT

LAYER = ROOT / "layers" / "common" / "python"
_PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;\\]+)")
# Each lock and the requirements it is compiled from by `make lock`.
LOCKS = [
    (LAYER / "requirements.txt", LAYER / "requirements.lock"),
    (ROOT / "requirements-dev.txt", ROOT / "requirements-dev.lock"),
    (ROOT / "requirements-sam.txt", ROOT / "requirements-sam.lock"),
    (ROOT / "requirements-audit.txt", ROOT / "requirements-audit.lock"),
    (ROOT / "scripts" / "requirements-bench.txt", ROOT / "scripts" / "requirements-bench.lock"),
]
PIP_LOCK = ROOT / "requirements-pip.lock"


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


def pip_installs(text: str) -> list[str]:
    """Every `pip install` command of a Makefile's recipes, continuation lines joined, without its redirection."""
    lines = text.replace("\\\n", " ").splitlines()
    return [line.removesuffix(" >&2") for line in lines if line.startswith("\t") and "pip install" in line]


@pytest.mark.parametrize(("requirements", "lock"), LOCKS, ids=[lock.name for _, lock in LOCKS])
def test_every_pin_is_locked_at_its_version_and_every_locked_package_has_hashes(requirements: Path, lock: Path) -> None:
    locked = pins(lock)
    for name, version in pins(requirements).items():
        assert locked.get(name) == version, f"{name}=={version} is not what {lock.name} holds: run `make lock`"
    assert entries(lock)
    for entry in entries(lock):
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_pip_is_locked_alone_at_the_dev_locks_version_with_hashes() -> None:
    (entry,) = entries(PIP_LOCK)
    assert "--hash=sha256:" in entry
    assert pins(PIP_LOCK) == {"pip": pins(ROOT / "requirements-dev.lock")["pip"]}, "run `make lock`"


@pytest.mark.parametrize("lock", [ROOT / "requirements-dev.lock", ROOT / "scripts" / "requirements-bench.lock"])
def test_the_dev_and_bench_environments_run_the_layers_versions(lock: Path) -> None:
    """The bench measures cold starts of what the layer ships, botocore and every transitive package included."""
    other = pins(lock)
    for name, version in pins(LAYER / "requirements.lock").items():
        assert other.get(name) == version, f"{name}: layer {version}, {lock.name} {other.get(name)}: run `make lock`"


def test_the_locked_setuptools_is_a_build_backend_pyproject_accepts() -> None:
    """`make install` builds the project with --no-build-isolation, so the dev lock must hold its backend."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    locked = pins(ROOT / "requirements-dev.lock")
    for requirement in map(Requirement, build["requires"]):
        assert requirement.specifier.contains(locked[requirement.name], prereleases=True), requirement


def lock_files() -> set[str]:
    """Every *.lock of the checkout outside hidden folders (virtual environments, .aws-sam)."""
    found = set()
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found |= {str((Path(folder) / name).relative_to(ROOT)) for name in files if name.endswith(".lock")}
    return found


def test_make_lock_is_the_one_command_that_writes_every_lock_file() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    (recipe,) = re.findall(r"^lock:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    written = set(re.findall(r"--output-file (\S+)", recipe))
    assert written == {str(lock.relative_to(ROOT)) for _, lock in LOCKS} | {PIP_LOCK.name} == lock_files()


def test_the_builds_install_from_the_locks_and_require_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    layer_makefile = (LAYER / "Makefile").read_text(encoding="utf-8")

    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--require-hashes" in layer_makefile and "--requirement requirements.lock" in layer_makefile
    installs = pip_installs(makefile)
    for lock in ("requirements-pip.lock", "requirements-dev.lock", "requirements-sam.lock", "requirements-audit.lock"):
        assert any(f"--require-hashes -r {lock}" in line for line in installs), lock
    for line in installs:
        # The one install without hashes is the project itself: no index, no dependencies, no build environment.
        assert re.search(r"--require-hashes -r \S+\.lock$", line) or all(
            option in line.split() for option in ("--no-index", "--no-deps", "--no-build-isolation", "--editable")
        ), line
    assert "--upgrade" not in makefile


def test_every_environment_installs_the_locked_pip_before_anything_else() -> None:
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    for venv in ("$(BIN)", "$(SAM_VENV)/bin", "$(AUDIT_VENV)/bin"):
        first = next(line for line in lines if f"{venv}/python -m pip install" in line)
        assert first.removesuffix(" >&2").endswith("--require-hashes -r requirements-pip.lock"), first


def test_the_bench_environment_installs_the_locked_pip_then_its_lock_with_hashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []
    monkeypatch.setattr(bench_runtime, "VENV", tmp_path / ".venv-bench")
    monkeypatch.setattr(bench_runtime, "STAMP", tmp_path / ".venv-bench" / ".installed")
    monkeypatch.setattr(bench_runtime, "_base_python", lambda: Path("python3.13"))
    monkeypatch.setattr(bench_runtime, "_run", lambda command, doing: commands.append(command))
    (tmp_path / ".venv-bench").mkdir()

    bench_runtime._prepare()

    installs = [command[command.index("install") + 1 :] for command in commands if "install" in command]
    assert [[*options[-2:]] for options in installs] == [
        ["-r", str(PIP_LOCK)],
        ["-r", str(ROOT / "scripts" / "requirements-bench.lock")],
    ]
    assert all("--require-hashes" in options for options in installs)
