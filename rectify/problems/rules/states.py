"""The problem state machine.

not started → in progress → closed by sign-off (整改销号); long-term (需长期整改) with a
checkpoint; a closed problem found relapsed at the 回头看 review is reopened.
"""

from __future__ import annotations

from enum import StrEnum

from rectify.core.states import STATE_LABELS, ProblemState
from rectify.core.transitions import step_in_table


class Transition(StrEnum):
    PROGRESS = "progress"
    SIGN_OFF = "sign_off"
    LONG_TERM = "long_term"
    EXTEND = "extend"
    REVIEW_SUSTAINED = "review_sustained"
    REVIEW_RELAPSED = "review_relapsed"


S = ProblemState
_TABLE: dict[Transition, dict[ProblemState, ProblemState]] = {
    Transition.PROGRESS: {
        S.NOT_STARTED: S.IN_PROGRESS,
        S.IN_PROGRESS: S.IN_PROGRESS,
        S.REOPENED: S.REOPENED,
        S.LONG_TERM: S.LONG_TERM,
    },
    Transition.SIGN_OFF: {
        S.NOT_STARTED: S.CLOSED,
        S.IN_PROGRESS: S.CLOSED,
        S.REOPENED: S.CLOSED,
        S.LONG_TERM: S.CLOSED,
    },
    Transition.LONG_TERM: {
        S.NOT_STARTED: S.LONG_TERM,
        S.IN_PROGRESS: S.LONG_TERM,
        S.REOPENED: S.LONG_TERM,
        S.LONG_TERM: S.LONG_TERM,
    },
    Transition.EXTEND: {
        S.NOT_STARTED: S.NOT_STARTED,
        S.IN_PROGRESS: S.IN_PROGRESS,
        S.REOPENED: S.REOPENED,
    },
    Transition.REVIEW_SUSTAINED: {S.CLOSED: S.CLOSED},
    Transition.REVIEW_RELAPSED: {S.CLOSED: S.REOPENED},
}

_WHY_NOT = {
    Transition.PROGRESS: "问题已销号,不能再报送进展;如有反弹请通过回头看重新打开",
    Transition.SIGN_OFF: "问题已销号,不能重复销号",
    Transition.LONG_TERM: "问题已销号,不能再转为长期整改",
    Transition.EXTEND: "只有未销号、非长期整改的问题可以申请延期",
    Transition.REVIEW_SUSTAINED: "只有已销号的问题才进行回头看",
    Transition.REVIEW_RELAPSED: "只有已销号的问题才进行回头看",
}


def next_state(state: ProblemState, transition: Transition) -> ProblemState:
    """The state after ``transition``, or a ``Refusal`` if it is illegal from ``state``."""
    return step_in_table(_TABLE, _WHY_NOT, STATE_LABELS, state, transition)
