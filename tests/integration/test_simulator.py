"""Whole conversations with the real code hook: the transcripts replay, make demo and make chat."""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pexpect
import pytest

from deliverybot.wording import spoken_date
from local.backend import TableNames
from local.chat import demo, simulator, simulator_factory
from local.demo_data import demo_delivery_date
from local.replay import load_transcripts, replay
from tests.support import ROOT

TRANSCRIPTS = ROOT / "tests" / "transcripts" / "deliverybot.jsonl"


def test_every_recorded_conversation_replays_as_expected(tables: TableNames) -> None:
    conversations = load_transcripts(TRANSCRIPTS)

    results = replay(conversations, simulator_factory(tables, "scripted+vader", own_deliveries=True))

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
    arrives = spoken_date(demo_delivery_date("21132", datetime.now(UTC).date()))  # four days from today
    assert f"bot ▸ Your package 21132 will arrive on {arrives} at your home address." in printed
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
        chat.expect(re.escape(spoken_date(demo_delivery_date("21132", datetime.now(UTC).date()))))
        chat.expect("you ▸ ")
        chat.sendline("quit")
        chat.expect("Goodbye")
        chat.expect(pexpect.EOF)
    finally:
        chat.close()
    assert chat.exitstatus == 0
    assert (tmp_path / "store.json").exists()  # the conversation was recorded in the local store


def test_a_chat_that_rescheduled_the_blog_package_does_not_break_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On main, moving 21132 in `make chat` made `make demo` fail: the demo starts from its own deliveries."""
    monkeypatch.setenv("DELIVERYBOT_LOCAL_STORE", str(tmp_path / "store.json"))
    with simulator("embedded", None, "scripted") as bot:
        for text in ("Change my delivery date", "21132", "next Friday", "yes"):
            bot.say(text, {"positive": 0.6, "negative": 0.05, "neutral": 0.35, "mixed": 0.0})

    assert demo("embedded", None) == 0


def test_replay_after_seed_expects_what_it_always_did(tables: TableNames) -> None:
    """On main, `make seed` moved 21133 and a replay then failed: each conversation starts from its own."""
    import boto3

    from local.backend import seed_deliveries

    seed_deliveries(boto3.client("dynamodb"), tables.deliveries, datetime(2027, 3, 1, tzinfo=UTC).date())
    conversations = load_transcripts(TRANSCRIPTS)

    results = replay(conversations, simulator_factory(tables, "scripted+vader", own_deliveries=True))

    assert [result.name for result in results if not result.passed] == []
