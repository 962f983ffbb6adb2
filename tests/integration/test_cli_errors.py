"""A mistake with a local tool ends in one line on stderr that says what to do, never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from local import chat, invoke, recover, replay, report
from local.cli import INTERRUPTED_STATUS, NO_CREDENTIALS, NO_REGION, Main, ToolError, command
from local.replay import load_transcripts
from tests.support import EVENTS, ROOT

TRANSCRIPTS = ROOT / "tests" / "transcripts" / "deliverybot.jsonl"
EVENT = EVENTS / "lexv2" / "check-delivery-status-upset.json"
MAKEFILE_PYTHONPATH = "layers/common/python:functions/delivery_bot:.:examples/booktrip/src"


@pytest.fixture(autouse=True)
def local_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's own local store: nothing here touches the one under .local/."""
    snapshot = tmp_path / "store" / "dynamodb.json"
    monkeypatch.setenv("DELIVERYBOT_LOCAL_STORE", str(snapshot))
    return snapshot


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    error = capsys.readouterr().err
    assert "Traceback" not in error
    assert error.count("\n") == 1 and error.endswith("\n"), error
    return error.strip()


def first_transcript() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(TRANSCRIPTS.read_text(encoding="utf-8").splitlines()[0])
    return loaded


def test_replaying_a_file_that_is_not_there_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nonexistent.jsonl"

    assert replay.main([str(missing)]) != 0

    assert one_line(capsys) == f"replay: {missing}: No such file or directory: check the path and its permissions"


def renamed(key: str, to: str) -> Callable[[dict[str, object]], None]:
    def change(conversation: dict[str, object]) -> None:
        conversation[to] = conversation.pop(key)

    return change


def renamed_in_first_turn(key: str, to: str) -> Callable[[dict[str, object]], None]:
    def change(conversation: dict[str, object]) -> None:
        turns = conversation["turns"]
        assert isinstance(turns, list)
        turns[0][to] = turns[0].pop(key)

    return change


@pytest.mark.parametrize(
    ("change", "told"),
    [
        (renamed("name", "title"), "name: Field required"),
        (renamed_in_first_turn("user", "text"), "turns.0.user: Field required"),
    ],
)
def test_a_transcript_with_a_wrong_key_names_the_line_and_the_field_without_its_text(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, object]], None],
    told: str,
) -> None:
    conversation = first_transcript()
    change(conversation)
    transcripts = tmp_path / "wrong.jsonl"
    transcripts.write_text(json.dumps(conversation) + "\n", encoding="utf-8")

    assert replay.main([str(transcripts)]) != 0

    line = one_line(capsys)
    assert line.startswith(f"replay: {transcripts}:1: ") and told in line
    assert "local.replay --help" in line  # where the format is told
    assert "package" not in line  # what the customer said stays out


def test_a_transcript_line_that_is_not_json_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transcripts = tmp_path / "cut.jsonl"
    transcripts.write_text(TRANSCRIPTS.read_text(encoding="utf-8").splitlines()[0][:40] + "\n", encoding="utf-8")

    assert replay.main([str(transcripts)]) != 0

    assert one_line(capsys).startswith(f"replay: {transcripts}:1: not JSON")


def test_an_empty_transcript_file_is_a_mistake_not_a_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transcripts = tmp_path / "empty.jsonl"
    transcripts.write_text("\n", encoding="utf-8")

    assert replay.main([str(transcripts)]) != 0

    assert one_line(capsys) == f"replay: {transcripts} holds no conversations (one JSON object per line)"


def test_recovering_from_a_log_that_is_not_there_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nonexistent"

    assert recover.main([str(missing)]) != 0

    assert one_line(capsys) == f"recover: {missing}: No such file or directory: check the path and its permissions"


def test_a_bad_threshold_stops_invoke_with_the_settings_message_alone(local_store: Path) -> None:
    # A fresh interpreter: the code hook reads its settings once, at import, as in Lambda.
    environment = {
        **os.environ,
        "PYTHONPATH": MAKEFILE_PYTHONPATH,
        "RESPONSE_THRESHOLD": "1.7",
        "DELIVERYBOT_LOCAL_STORE": str(local_store),
    }
    finished = subprocess.run(
        [sys.executable, "-m", "local.invoke", str(EVENT)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert finished.returncode != 0
    assert finished.stdout == ""
    assert finished.stderr == (
        "invoke: Invalid configuration: RESPONSE_THRESHOLD='1.7': Input should be less than or equal to 1 "
        "(fix or unset that variable and run again)\n"
    )


def typed(*lines: str, then: BaseException) -> Callable[[str], str]:
    """An `input` that returns these lines, then raises as the terminal would (Ctrl-C, Ctrl-D)."""
    typed: Iterator[str] = iter(lines)

    def read(prompt: str) -> str:
        for line in typed:
            return line
        raise then

    return read


@pytest.mark.parametrize(
    ("ending", "status"), [(KeyboardInterrupt(), INTERRUPTED_STATUS), (EOFError(), 0)], ids=["ctrl-c", "ctrl-d"]
)
def test_leaving_a_chat_with_ctrl_c_or_ctrl_d_keeps_its_turns(
    local_store: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ending: BaseException,
    status: int,
) -> None:
    monkeypatch.setattr("builtins.input", typed("When is my package arriving? It's so late.", "21132", then=ending))

    assert chat.main(["--backend", "embedded"]) == status

    printed = capsys.readouterr()
    assert "Goodbye" in printed.out and "Your package 21132 will arrive on" in printed.out
    assert printed.err == ""
    recorded = json.loads(local_store.read_text(encoding="utf-8"))["sentiment"]
    assert recorded  # the store was fresh: everything in it is this chat's


@pytest.fixture
def no_aws_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No region, credentials or profile from the environment or ~/.aws, and no instance metadata to ask."""
    for variable in list(os.environ):
        if variable.startswith("AWS_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("STACK_NAME", "delivery-bot")


def aws_commands(tmp_path: Path) -> list[tuple[Main, list[str]]]:
    log = tmp_path / "recovery.jsonl"
    log.write_text("", encoding="utf-8")
    return [
        (report.main, []),
        (invoke.main, [str(EVENT)]),
        (chat.main, []),
        (replay.main, [str(TRANSCRIPTS)]),
        (recover.main, [str(log)]),
    ]


@pytest.mark.usefixtures("no_aws_configuration")
def test_aws_without_a_region_says_how_to_set_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for main, argv in aws_commands(tmp_path):
        assert main([*argv, "--backend", "aws"]) != 0
        assert one_line(capsys).endswith(f": {NO_REGION}")


@pytest.mark.usefixtures("no_aws_configuration")
def test_aws_without_credentials_says_how_to_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")

    for main, argv in aws_commands(tmp_path):
        assert main([*argv, "--backend", "aws"]) != 0
        assert one_line(capsys).endswith(f": {NO_CREDENTIALS}")


def test_ctrl_c_in_a_tool_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(path: Path) -> list[replay.Transcript]:
        raise KeyboardInterrupt

    monkeypatch.setattr(replay, "load_transcripts", interrupted)

    assert replay.main([str(TRANSCRIPTS)]) == INTERRUPTED_STATUS

    assert one_line(capsys) == "replay: interrupted"


def test_a_bug_keeps_its_traceback() -> None:
    @command("tool")
    def broken(argv: list[str] | None = None) -> int:
        raise LookupError("a bug")

    with pytest.raises(LookupError):
        broken([])


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ('{"name": "n", "turns": [{"user": "hi", "expect": {"acton": "Close"}}]}', "turns.0.expect.acton"),
        ('{"name": "n", "turns": [{"user": "hi", "scores": {"positve": 0.9, "negative": 0.1}}]}', "turns.0.scores"),
        ('{"name": "n", "turns": [{"user": "hi"}], "note": "x"}', "note"),
        ('{"name": "n", "turns": []}', "turns"),
    ],
)
def test_a_misspelled_or_unknown_transcript_key_is_an_error_not_a_pass(tmp_path: Path, line: str, named: str) -> None:
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(line + "\n", encoding="utf-8")

    with pytest.raises(ToolError, match=re.escape(named)):
        load_transcripts(transcript)


@pytest.mark.usefixtures("no_aws_configuration")
def test_comprehend_sentiment_without_credentials_refuses_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """On main the embedded backend answered Comprehend with moto's canned NEUTRAL under a 'comprehend' banner."""
    assert chat.main(["--sentiment", "comprehend"]) != 0

    assert "SENTIMENT=comprehend calls Amazon Comprehend with your AWS credentials" in one_line(capsys)


def test_comprehend_sentiment_reaches_aws_even_beside_the_local_tables(
    local_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Comprehend call passes through moto: here it meets the test suite's socket ban, not a canned answer."""
    from botocore.exceptions import HTTPClientError

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "real-looking")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking")
    with chat.simulator("embedded", None, "comprehend") as bot:
        with pytest.raises(HTTPClientError, match="tried to use socket"):
            bot.say("When is my package arriving? It's so late.")


def test_a_chat_ends_at_the_hand_over_and_says_what_connect_does_next(
    local_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On main the chat carried on after "I'm transferring you to an agent now."."""
    said = iter(["I want to speak to an agent", "and another thing"])
    read: list[str] = []

    def reading(prompt: str) -> str:
        read.append(next(said))
        return read[-1]

    monkeypatch.setattr("builtins.input", reading)

    assert chat.main(["--backend", "embedded"]) == 0

    printed = capsys.readouterr().out
    assert "I'm transferring you to an agent now." in printed
    assert "Amazon Connect would now run the rest of its contact flow" in printed
    assert read == ["I want to speak to an agent"]  # the next line is never read: the conversation ended


def test_a_chat_saved_as_a_transcript_replays_as_it_went(
    local_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "mine.jsonl"
    monkeypatch.setattr("builtins.input", typed("When is my package arriving? It's so late.", "21132", then=EOFError()))
    assert chat.main(["--backend", "embedded", "--save", str(saved)]) == 0

    assert replay.main([str(saved)]) == 0  # the same replies, checked exactly
    (conversation,) = replay.load_transcripts(saved)
    assert [turn.user for turn in conversation.turns] == ["When is my package arriving? It's so late.", "21132"]
    assert conversation.turns[0].expect.decision == "apologise"


def test_a_date_the_simulator_cannot_read_is_asked_again_with_a_hint(
    local_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On main "the sixth of december please" silently repeated the date prompt; now it is read, and
    what cannot be read at all gets a hint."""
    monkeypatch.setattr("builtins.input", typed("Change my delivery date", "21132", "whenever suits", then=EOFError()))

    assert chat.main(["--backend", "embedded"]) == 0

    printed = capsys.readouterr().out
    assert printed.count("Which date would you like the delivery on?") == 2
    assert '(the simulator did not understand a date there: try "December 6", "next Monday"' in printed
