"""Every sample event in events/ through the deployed handler code: a valid reply and no personal data in logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import Invoke
from tests.support import EVENTS, all_event_paths, assert_valid_response, load_event


@pytest.mark.parametrize("path", all_event_paths(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_sample_event_gets_a_valid_reply_in_its_own_format(
    path: Path, invoke: Invoke, log_lines: list[str]
) -> None:
    event = load_event(str(path.relative_to(EVENTS)))

    response = invoke(event)

    assert_valid_response(response, "V1" if path.parent.name == "lexv1" else "V2")
    handled = [json.loads(line) for line in log_lines if '"turn_handled"' in line]
    assert len(handled) == 1, log_lines
    assert handled[0]["lex_version"] == ("V1" if path.parent.name == "lexv1" else "V2")
    assert handled[0]["recording"] in {"recorded", "skipped"}


@pytest.mark.parametrize("path", all_event_paths(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_logs_carry_no_transcript_and_no_slot_values(path: Path, invoke: Invoke, log_lines: list[str]) -> None:
    event = load_event(str(path.relative_to(EVENTS)))

    invoke(event)

    logged = "\n".join(log_lines)
    assert event["inputTranscript"] not in logged
    slots = (event.get("currentIntent") or event.get("sessionState", {}).get("intent") or {}).get("slots") or {}
    for value in slots.values():
        if isinstance(value, str):
            assert value not in logged
        elif isinstance(value, dict):
            assert value["value"]["originalValue"] not in logged
