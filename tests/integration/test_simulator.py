"""Whole conversations with the real code hook: the transcripts replay, make demo and make chat."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from local.backend import TableNames
from local.chat import demo, simulator_factory
from local.replay import load_transcripts, replay
from tests.support import ROOT

TRANSCRIPTS = ROOT / "tests" / "transcripts" / "deliverybot.jsonl"


def test_every_recorded_conversation_replays_as_expected(tables: TableNames) -> None:
    conversations = load_transcripts(TRANSCRIPTS)

    results = replay(conversations, simulator_factory(tables, "scripted+vader"))

    failures = {result.name: result.problems for result in results if not result.passed}
    assert not failures
    assert len(results) == len(conversations) >= 15


def test_the_demo_plays_the_seed_blog_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DELIVERYBOT_LOCAL_STORE", str(tmp_path / "store.json"))

    assert demo("embedded", None) == 0

    printed = capsys.readouterr().out
    assert "bot ▸ Apologies for the inconvenience. What is your tracking number?" in printed
    assert "bot ▸ Your package 21132 will arrive on Friday, November 27 at your home address." in printed
    assert "NEGATIVE · score -3.1 · decision apologise" in printed


def test_chat_works_in_a_terminal(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "DELIVERYBOT_LOCAL_STORE": str(tmp_path / "store.json"),
        "PYTHONPATH": f"{ROOT}/layers/common/python:{ROOT}",
    }
    chat = pexpect.spawn(
        sys.executable, ["-m", "local.chat"], cwd=str(ROOT), env=environment, encoding="utf-8", timeout=60
    )
    try:
        chat.expect("you ▸ ")
        chat.sendline("When is my package arriving? It's so late.")
        chat.expect("decision apologise")
        chat.expect("Apologies for the inconvenience. What is your tracking number?")
        chat.expect("you ▸ ")
        chat.sendline("21132")
        chat.expect("November 27")
        chat.expect("you ▸ ")
        chat.sendline("quit")
        chat.expect("Goodbye")
        chat.expect(pexpect.EOF)
    finally:
        chat.close()
    assert chat.exitstatus == 0
    assert (tmp_path / "store.json").exists()  # the conversation was recorded in the local store
