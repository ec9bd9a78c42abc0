"""A state machine given as a table (状态流转表), pure: for each step, the states it may be
taken from and the state it leads to; shared by problems and clues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from rectify.core.errors import Refusal

State = TypeVar("State")
Step = TypeVar("Step")


def step_in_table(
    table: Mapping[Step, Mapping[State, State]],
    why_not: Mapping[Step, str],
    labels: Mapping[State, str],
    state: State,
    step: Step,
) -> State:
    """The state ``step`` leads to from ``state``; where ``table`` has no such move, a
    ``Refusal`` saying why not and naming the current state by its label."""
    allowed = table[step]
    if state not in allowed:
        raise Refusal("illegal_transition", f"{why_not[step]}（当前状态：{labels[state]}）")
    return allowed[state]
