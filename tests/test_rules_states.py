"""The problem state machine (rectify/problems/rules/states.py), every transition from every
state: not started → in progress; the unit applies for sign-off (申请销号) from any open or
long-term state and the problem awaits the office's decision; the office confirms (销号) an
application, or a problem with evidence of its own, and it closes; or returns it (退回) and it
goes back to the state it had when the unit applied; long-term (需长期整改) from any open
state; extension only of an open, not long-term problem; the 回头看 review only of a closed
problem, a relapse reopening it. An awaiting problem takes no other step."""

import pytest

from rectify.core.errors import Refusal
from rectify.core.states import STATE_LABELS
from rectify.core.states import ProblemState as S
from rectify.problems.rules.states import Transition as T
from rectify.problems.rules.states import next_state
from tests.tables import Refused, cases

ILLEGAL = "illegal_transition"
OPEN = (S.NOT_STARTED, S.IN_PROGRESS, S.REOPENED)


def refused(says):
    return Refused(ILLEGAL, says)


# (case, state, transition, expected: the next state, or the refusal)
LEGAL = [
    # progress (报送进展) starts a problem and keeps every other open or long-term state
    ("not_started-progress-starts", S.NOT_STARTED, T.PROGRESS, S.IN_PROGRESS),
    ("in_progress-progress-stays", S.IN_PROGRESS, T.PROGRESS, S.IN_PROGRESS),
    ("reopened-progress-stays_reopened", S.REOPENED, T.PROGRESS, S.REOPENED),
    ("long_term-progress-stays_long_term", S.LONG_TERM, T.PROGRESS, S.LONG_TERM),
    # a measure completed (措施完成) moves the problem as progress does
    ("not_started-complete-starts", S.NOT_STARTED, T.COMPLETE, S.IN_PROGRESS),
    ("in_progress-complete-stays", S.IN_PROGRESS, T.COMPLETE, S.IN_PROGRESS),
    ("reopened-complete-stays_reopened", S.REOPENED, T.COMPLETE, S.REOPENED),
    ("long_term-complete-stays_long_term", S.LONG_TERM, T.COMPLETE, S.LONG_TERM),
    # a stage report (阶段报告) only on a long-term problem, which stays long-term
    ("long_term-stage_report-stays", S.LONG_TERM, T.STAGE_REPORT, S.LONG_TERM),
    # the unit applies for sign-off from any open or long-term state
    *(
        (f"{s}-apply_sign_off-awaits", s, T.APPLY_SIGN_OFF, S.AWAITING_CONFIRMATION)
        for s in (*OPEN, S.LONG_TERM)
    ),
    # the office confirms an application, or a problem with evidence of its own
    ("awaiting-sign_off-closes", S.AWAITING_CONFIRMATION, T.SIGN_OFF, S.CLOSED),
    *((f"{s}-sign_off-closes_directly", s, T.SIGN_OFF, S.CLOSED) for s in (*OPEN, S.LONG_TERM)),
    # returned: back to in progress when nothing else is known (see test_a_return_goes_back)
    ("awaiting-return_sign_off", S.AWAITING_CONFIRMATION, T.RETURN_SIGN_OFF, S.IN_PROGRESS),
    # long-term from any open state; declaring it again keeps it
    *((f"{s}-long_term", s, T.LONG_TERM, S.LONG_TERM) for s in (*OPEN, S.LONG_TERM)),
    # extension (延期) keeps the state
    *((f"{s}-extend-keeps", s, T.EXTEND, s) for s in OPEN),
    # the 回头看 review of a closed problem
    ("closed-review_sustained-stays_closed", S.CLOSED, T.REVIEW_SUSTAINED, S.CLOSED),
    ("closed-review_relapsed-reopens", S.CLOSED, T.REVIEW_RELAPSED, S.REOPENED),
]
WHY_NOT = {
    T.PROGRESS: "已销号或待销号审核的问题不能再报送进展",
    T.COMPLETE: "已销号或待销号审核的问题不能再完成措施",
    T.STAGE_REPORT: "只有需长期整改的问题报送阶段报告",
    T.APPLY_SIGN_OFF: "只有未销号、未申请销号的问题可以申请销号",
    T.SIGN_OFF: "问题已销号，不能重复销号",
    T.RETURN_SIGN_OFF: "只有已申请销号、待审核的问题可以退回",
    T.LONG_TERM: "已销号或待销号审核的问题不能再转为长期整改",
    T.EXTEND: "只有未销号、非长期整改、未申请销号的问题可以延期",
    T.REVIEW_SUSTAINED: "只有已销号的问题才进行回头看",
    T.REVIEW_RELAPSED: "只有已销号的问题才进行回头看",
}
_decided = {(state, transition) for _, state, transition, _ in LEGAL}
TRANSITIONS = LEGAL + [
    (f"{state}-{transition}-refused", state, transition, refused(WHY_NOT[transition]))
    for state in S
    for transition in T
    if (state, transition) not in _decided
]


@pytest.mark.parametrize(("state", "transition", "expected"), cases(TRANSITIONS))
def test_transition(state, transition, expected):
    if not isinstance(expected, Refused):
        assert next_state(state, transition) == expected
        return
    with pytest.raises(Refusal) as info:
        next_state(state, transition)
    assert info.value.code == expected.code
    assert expected.says in info.value.message
    # the refusal names the state the problem is in, in words
    assert f"（当前状态：{STATE_LABELS[state]}）" in info.value.message


# (case, the state the unit applied from, the state a return leaves)
RETURNS = [
    ("applied_in_progress-back_in_progress", S.IN_PROGRESS, S.IN_PROGRESS),
    ("applied_reopened-back_reopened", S.REOPENED, S.REOPENED),
    ("applied_long_term-back_long_term", S.LONG_TERM, S.LONG_TERM),
    ("applied_before_any_progress-in_progress", S.NOT_STARTED, S.IN_PROGRESS),
]


@pytest.mark.parametrize(("applied_from", "expected"), cases(RETURNS))
def test_a_return_goes_back_to_the_state_before_the_application(applied_from, expected):
    assert next_state(S.AWAITING_CONFIRMATION, T.RETURN_SIGN_OFF, applied_from) == expected


def test_the_table_decides_every_pair_once():
    pairs = [(state, transition) for _, state, transition, _ in TRANSITIONS]
    assert len(pairs) == len(set(pairs)) == len(S) * len(T)
