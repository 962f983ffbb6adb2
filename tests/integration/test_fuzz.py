"""Mutated sample events never make the code hook raise: every one gets a valid reply for its format."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexsentiment.adapters.lex_event import detect_version
from tests.integration.conftest import Invoke
from tests.support import EVENTS, all_event_paths, assert_valid_response, load_event

EVENT_FILES = [str(path.relative_to(EVENTS)) for path in all_event_paths()]

junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=40),
        st.text(min_size=1100, max_size=1500),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated_events(draw: st.DrawFn) -> dict[str, Any]:
    event = load_event(draw(st.sampled_from(EVENT_FILES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        candidates = paths(event)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = event
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(junk)
    return event


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=mutated_events())
def test_mutated_events_always_get_a_valid_reply(invoke: Invoke, event: dict[str, Any]) -> None:
    response = invoke(event)

    assert_valid_response(response, detect_version(event).value)
