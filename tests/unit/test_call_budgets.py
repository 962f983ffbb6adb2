"""Each AWS call gets what the turn's deadline allows, and none is made that could not end in time."""

from __future__ import annotations

import pytest

from lexsentiment.adapters.aws import (
    CALL_BUDGETS,
    FULL_BUDGET,
    KEEP_FOR_BACKLOG,
    KEEP_FOR_RECORDING,
    KEEP_FOR_REPLY,
    DeadlineNear,
    budget_within,
    clear_deadline,
    set_deadline,
)


def test_without_a_deadline_every_call_has_the_full_budget() -> None:
    assert budget_within(KEEP_FOR_RECORDING) is FULL_BUDGET


@pytest.mark.parametrize("seconds", [12.0, 9.0, 6.0, 3.0, 2.5])
def test_the_budget_shrinks_with_the_time_left_and_always_fits(seconds: float) -> None:
    token = set_deadline(seconds)
    try:
        budget = budget_within(KEEP_FOR_RECORDING)
    finally:
        clear_deadline(token)

    assert budget.worst_case <= seconds - KEEP_FOR_RECORDING
    assert budget is max(
        (b for b in CALL_BUDGETS if b.worst_case <= seconds - KEEP_FOR_RECORDING), key=lambda b: b.worst_case
    )


def test_a_deployed_turn_gives_a_look_up_the_full_budget() -> None:
    token = set_deadline(9.0)  # TURN_DEADLINE_SECONDS in template.yaml
    try:
        assert budget_within(KEEP_FOR_RECORDING) is FULL_BUDGET
    finally:
        clear_deadline(token)


def test_when_nothing_fits_no_call_is_made() -> None:
    token = set_deadline(KEEP_FOR_REPLY + CALL_BUDGETS[-1].worst_case / 2)
    try:
        with pytest.raises(DeadlineNear):
            budget_within(KEEP_FOR_REPLY)
    finally:
        clear_deadline(token)


def test_each_step_keeps_room_for_the_ones_after_it() -> None:
    smallest = CALL_BUDGETS[-1].worst_case
    assert KEEP_FOR_BACKLOG >= smallest + KEEP_FOR_REPLY
    assert KEEP_FOR_RECORDING >= smallest + KEEP_FOR_BACKLOG
