"""The problem state machine.

not started → in progress → the unit applies for sign-off (申请销号) → awaiting the office's
decision → closed when the office confirms it (整改销号), or back to the state it had when it
returns it (退回); long-term (需长期整改) with a checkpoint; a closed problem found relapsed at
the 回头看 review is reopened.
"""

from __future__ import annotations

from enum import StrEnum

from rectify.core.states import STATE_LABELS, ProblemState
from rectify.core.transitions import step_in_table


class Transition(StrEnum):
    PROGRESS = "progress"
    COMPLETE = "complete"
    STAGE_REPORT = "stage_report"
    APPLY_SIGN_OFF = "apply_sign_off"
    SIGN_OFF = "sign_off"
    RETURN_SIGN_OFF = "return_sign_off"
    LONG_TERM = "long_term"
    EXTEND = "extend"
    REVIEW_SUSTAINED = "review_sustained"
    REVIEW_RELAPSED = "review_relapsed"


S = ProblemState
_OPEN_OR_LONG_TERM = (S.NOT_STARTED, S.IN_PROGRESS, S.REOPENED, S.LONG_TERM)
_TABLE: dict[Transition, dict[ProblemState, ProblemState]] = {
    Transition.PROGRESS: {
        S.NOT_STARTED: S.IN_PROGRESS,
        S.IN_PROGRESS: S.IN_PROGRESS,
        S.REOPENED: S.REOPENED,
        S.LONG_TERM: S.LONG_TERM,
    },
    # a measure completed (措施完成) moves the problem as progress does
    Transition.COMPLETE: {
        S.NOT_STARTED: S.IN_PROGRESS,
        S.IN_PROGRESS: S.IN_PROGRESS,
        S.REOPENED: S.REOPENED,
        S.LONG_TERM: S.LONG_TERM,
    },
    Transition.STAGE_REPORT: {S.LONG_TERM: S.LONG_TERM},
    Transition.APPLY_SIGN_OFF: dict.fromkeys(_OPEN_OR_LONG_TERM, S.AWAITING_CONFIRMATION),
    # the office confirms an application, or a problem with evidence of its own
    Transition.SIGN_OFF: dict.fromkeys((*_OPEN_OR_LONG_TERM, S.AWAITING_CONFIRMATION), S.CLOSED),
    # back to the state before the application: see ``next_state``
    Transition.RETURN_SIGN_OFF: {S.AWAITING_CONFIRMATION: S.IN_PROGRESS},
    Transition.LONG_TERM: dict.fromkeys(_OPEN_OR_LONG_TERM, S.LONG_TERM),
    Transition.EXTEND: {
        S.NOT_STARTED: S.NOT_STARTED,
        S.IN_PROGRESS: S.IN_PROGRESS,
        S.REOPENED: S.REOPENED,
    },
    Transition.REVIEW_SUSTAINED: {S.CLOSED: S.CLOSED},
    Transition.REVIEW_RELAPSED: {S.CLOSED: S.REOPENED},
}

_WHY_NOT = {
    Transition.PROGRESS: "已销号或待销号审核的问题不能再报送进展；如有反弹请通过回头看重新打开",
    Transition.COMPLETE: "已销号或待销号审核的问题不能再完成措施；如有反弹请通过回头看重新打开",
    Transition.STAGE_REPORT: "只有需长期整改的问题报送阶段报告",
    Transition.APPLY_SIGN_OFF: "只有未销号、未申请销号的问题可以申请销号",
    Transition.SIGN_OFF: "问题已销号，不能重复销号",
    Transition.RETURN_SIGN_OFF: "只有已申请销号、待审核的问题可以退回",
    Transition.LONG_TERM: "已销号或待销号审核的问题不能再转为长期整改",
    Transition.EXTEND: "只有未销号、非长期整改、未申请销号的问题可以延期",
    Transition.REVIEW_SUSTAINED: "只有已销号的问题才进行回头看",
    Transition.REVIEW_RELAPSED: "只有已销号的问题才进行回头看",
}


def next_state(
    state: ProblemState, transition: Transition, applied_from: ProblemState | None = None
) -> ProblemState:
    """The state after ``transition``, or a ``Refusal`` if it is illegal from ``state``. A
    returned application (退回) goes back to ``applied_from``, the state the problem had when
    the unit applied: in progress (also when it had not started: the unit acted), reopened or
    long-term."""
    after = step_in_table(_TABLE, _WHY_NOT, STATE_LABELS, state, transition)
    if transition is Transition.RETURN_SIGN_OFF:
        return returned_to(applied_from)
    return after


def returned_to(applied_from: ProblemState | None) -> ProblemState:
    """The state a returned application leaves the problem in."""
    if applied_from in (S.REOPENED, S.LONG_TERM):
        return applied_from
    return S.IN_PROGRESS
