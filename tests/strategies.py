"""Hypothesis strategies for hostile Lex events: mutated sample events and generated junk."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from lexsentiment.memory import attributes_size
from tests.support import EVENTS, all_event_paths, load_event

EVENT_FILES = [str(path.relative_to(EVENTS)) for path in all_event_paths()]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    # Oversize transcripts and values, built by repetition: drawing thousands of characters one by one is slow.
    st.tuples(st.text(min_size=1, max_size=12), st.integers(min_value=100, max_value=400)).map(
        lambda pair: pair[0] * pair[1]
    ),
)
junk = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


def deeply_nested(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = {"nested": value} if level % 2 else [value]
    return value


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
def large_session_attributes(draw: st.DrawFn) -> dict[str, str]:
    """A string map close to Lex's 12 KB session-attribute limit (as JSON), with unicode and control characters."""
    target = draw(st.integers(min_value=9_000, max_value=11_800))
    piece = draw(st.text(min_size=1, max_size=16))
    attributes: dict[str, str] = {}
    while attributes_size(attributes) < target - 400:
        attributes[f"client{len(attributes)}"] = (piece * (1 + 300 // len(piece)))[:300]
    return attributes


@st.composite
def hostile_events(draw: st.DrawFn) -> Any:
    """A sample event from events/ with one to three fields deleted or replaced by junk, or worse."""
    event = load_event(draw(st.sampled_from(EVENT_FILES)))
    kind = draw(st.sampled_from(["mutate", "mutate", "mutate", "big-session", "deep", "not-a-dict"]))
    if kind == "not-a-dict":
        return draw(junk)
    if kind == "deep":
        event[draw(st.sampled_from(sorted(event)))] = deeply_nested(draw(st.integers(min_value=50, max_value=400)))
        return event
    if kind == "big-session":
        holder = event.get("sessionState", event)
        holder["sessionAttributes"] = draw(large_session_attributes())
        return event
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
