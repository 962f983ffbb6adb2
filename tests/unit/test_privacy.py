"""No transcript text, slot values or tracking numbers in logs or metric dimensions, debug setting included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lexsentiment.layer import redacted_shape
from lexsentiment.observability import metrics
from tests.support import EVENTS, all_event_paths, load_event, respond


def personal_values(event: dict[str, Any]) -> list[str]:
    """The transcript and every slot value (original and interpreted) of an event."""
    found = [event["inputTranscript"]] if event.get("inputTranscript") else []
    intent = event.get("currentIntent") or event.get("sessionState", {}).get("intent") or {}
    for value in (intent.get("slots") or {}).values():
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found += [value["value"]["originalValue"], value["value"]["interpretedValue"]]
    return [text for text in found if len(text) >= 3]


@pytest.mark.parametrize("shape_logging", [False, True], ids=["default", "LOG_CONVERSATION_SHAPE"])
@pytest.mark.parametrize("path", all_event_paths(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_logs_and_metrics_carry_no_personal_text(path: Path, shape_logging: bool, log_lines: list[str]) -> None:
    event = load_event(str(path.relative_to(EVENTS)))

    respond(event, log_shape=shape_logging)
    metric_set = metrics.serialize_metric_set()

    logged = "\n".join(log_lines)
    for value in personal_values(event):
        assert value not in logged
    assert ("turn_shape" in logged) is shape_logging
    (directive,) = metric_set["_aws"]["CloudWatchMetrics"]
    assert set(directive["Dimensions"][0]) <= {"intent", "service"}
    assert metric_set.get("intent") in {
        "CheckDeliveryStatus",
        "ChangeDeliveryDate",
        "AgentHandover",
        "FallbackIntent",
        "Other",
    }


def test_the_shape_keeps_lengths_and_character_classes_only() -> None:
    assert redacted_shape("Where is 21132?") == "Aaaaa aa #####?"
    assert redacted_shape("x" * 100).endswith("…") and len(redacted_shape("x" * 100)) == 81
