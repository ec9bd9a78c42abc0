"""Replaying a problem's history to its state on a date, and the counts the report gives.

The report counts problems (Wulong: 3 aspects, 31 problems). Overdue is a fact on a date,
not a state: an open problem (not closed, not long-term, not awaiting confirmation) with a
measure past its due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

from rectify.core.errors import Refusal
from rectify.core.states import OPEN_STATES, ProblemState
from rectify.problems.rules.escalation import is_overdue
from rectify.problems.rules.states import Transition, next_state
from rectify.problems.rules.views import ProblemView


def replay(transitions: Iterable[Transition]) -> ProblemState:
    """The state reached from not-started by ``transitions`` in time order; a transition the
    machine refuses (none is ever recorded) leaves the state as it was."""
    return replay_with_application(transitions)[0]


def replay_with_application(
    transitions: Iterable[Transition],
) -> tuple[ProblemState, ProblemState | None]:
    """The state ``replay`` reaches, and the state the problem had when the unit last applied
    for sign-off (申请销号), which a return (退回) goes back to."""
    state = ProblemState.NOT_STARTED
    applied_from: ProblemState | None = None
    for transition in transitions:
        try:
            after = next_state(state, transition, applied_from)
        except Refusal:
            continue
        if transition is Transition.APPLY_SIGN_OFF:
            applied_from = state
        state = after
    return state, applied_from


def problem_overdue(problem: ProblemView, on: dt.date) -> bool:
    """Whether an open problem has a measure not completed past its due (逾期) on ``on``; a
    closed, long-term or awaiting problem never is, nor one whose late measures are done."""
    return problem.state in OPEN_STATES and any(
        is_overdue(m.due, on) for m in problem.open_measures
    )


def stage_report_overdue(problem: ProblemView, on: dt.date) -> bool:
    """Whether a long-term problem's checkpoint passed without a stage report (阶段报告逾期) on
    ``on``: a stage report sets the next checkpoint, so a checkpoint behind ``on`` is one
    nobody reported on."""
    return problem.state is ProblemState.LONG_TERM and is_overdue(problem.checkpoint, on)


@dataclass
class Counts:
    """The 通报 counts: problems, one count per state, and overdue beside them."""

    problems: int = 0
    closed: int = 0
    long_term: int = 0
    in_progress: int = 0
    not_started: int = 0
    awaiting_confirmation: int = 0
    reopened: int = 0
    overdue: int = 0
    stage_report_overdue: int = 0

    def add(self, problem: ProblemView, on: dt.date) -> None:
        self.problems += 1
        field = problem.state.value
        setattr(self, field, getattr(self, field) + 1)
        self.overdue += problem_overdue(problem, on)
        self.stage_report_overdue += stage_report_overdue(problem, on)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


COUNT_KEYS = tuple(f.name for f in fields(Counts))
"""The names of the counts, in the order the report gives them."""


def count(problems: Iterable[ProblemView], on: dt.date) -> Counts:
    """The 通报 counts of ``problems`` on ``on``."""
    counts = Counts()
    for problem in problems:
        counts.add(problem, on)
    return counts
