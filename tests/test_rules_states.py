"""The problem state machine (rectify/problems/rules/states.py), every transition from every
state: not started → in progress → closed by sign-off (整改销号); long-term (需长期整改) from
any open state; extension only of an open, not long-term problem; the 回头看 review only of a
closed problem, a relapse reopening it."""

import pytest

from rectify.core.errors import Refusal
from rectify.core.states import STATE_LABELS
from rectify.core.states import ProblemState as S
from rectify.problems.rules.states import Transition as T
from rectify.problems.rules.states import next_state
from tests.tables import Refused, cases

ILLEGAL = "illegal_transition"

# (case, state, transition, expected: the next state, or the refusal)
TRANSITIONS = [
    # progress (报送进展) starts a problem and keeps every other open or long-term state
    ("not_started-progress-starts", S.NOT_STARTED, T.PROGRESS, S.IN_PROGRESS),
    ("in_progress-progress-stays", S.IN_PROGRESS, T.PROGRESS, S.IN_PROGRESS),
    ("reopened-progress-stays_reopened", S.REOPENED, T.PROGRESS, S.REOPENED),
    ("long_term-progress-stays_long_term", S.LONG_TERM, T.PROGRESS, S.LONG_TERM),
    (
        "closed-progress-refused",
        S.CLOSED,
        T.PROGRESS,
        Refused(ILLEGAL, "问题已销号,不能再报送进展;如有反弹请通过回头看重新打开"),
    ),
    # sign-off (销号) closes any problem not yet closed, once
    ("not_started-sign_off-closes", S.NOT_STARTED, T.SIGN_OFF, S.CLOSED),
    ("in_progress-sign_off-closes", S.IN_PROGRESS, T.SIGN_OFF, S.CLOSED),
    ("reopened-sign_off-closes_again", S.REOPENED, T.SIGN_OFF, S.CLOSED),
    ("long_term-sign_off-closes", S.LONG_TERM, T.SIGN_OFF, S.CLOSED),
    ("closed-sign_off-refused_twice", S.CLOSED, T.SIGN_OFF, Refused(ILLEGAL, "不能重复销号")),
    # long-term (需长期整改) from any state but closed; declaring it again keeps it
    ("not_started-long_term", S.NOT_STARTED, T.LONG_TERM, S.LONG_TERM),
    ("in_progress-long_term", S.IN_PROGRESS, T.LONG_TERM, S.LONG_TERM),
    ("reopened-long_term", S.REOPENED, T.LONG_TERM, S.LONG_TERM),
    ("long_term-long_term-again", S.LONG_TERM, T.LONG_TERM, S.LONG_TERM),
    (
        "closed-long_term-refused",
        S.CLOSED,
        T.LONG_TERM,
        Refused(ILLEGAL, "问题已销号,不能再转为长期整改"),
    ),
    # extension (延期) keeps the state, only of an open, not long-term problem
    ("not_started-extend-keeps", S.NOT_STARTED, T.EXTEND, S.NOT_STARTED),
    ("in_progress-extend-keeps", S.IN_PROGRESS, T.EXTEND, S.IN_PROGRESS),
    ("reopened-extend-keeps", S.REOPENED, T.EXTEND, S.REOPENED),
    (
        "long_term-extend-refused",
        S.LONG_TERM,
        T.EXTEND,
        Refused(ILLEGAL, "只有未销号、非长期整改的问题可以申请延期"),
    ),
    (
        "closed-extend-refused",
        S.CLOSED,
        T.EXTEND,
        Refused(ILLEGAL, "只有未销号、非长期整改的问题可以申请延期"),
    ),
    # the 回头看 review, sustained: only of a closed problem, which stays closed
    ("closed-review_sustained-stays_closed", S.CLOSED, T.REVIEW_SUSTAINED, S.CLOSED),
    *(
        (
            f"{state}-review_sustained-refused",
            state,
            T.REVIEW_SUSTAINED,
            Refused(ILLEGAL, "只有已销号的问题才进行回头看"),
        )
        for state in (S.NOT_STARTED, S.IN_PROGRESS, S.LONG_TERM, S.REOPENED)
    ),
    # the 回头看 review, relapsed (反弹回潮): only of a closed problem, which reopens
    ("closed-review_relapsed-reopens", S.CLOSED, T.REVIEW_RELAPSED, S.REOPENED),
    *(
        (
            f"{state}-review_relapsed-refused",
            state,
            T.REVIEW_RELAPSED,
            Refused(ILLEGAL, "只有已销号的问题才进行回头看"),
        )
        for state in (S.NOT_STARTED, S.IN_PROGRESS, S.LONG_TERM, S.REOPENED)
    ),
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
    assert f"(当前状态:{STATE_LABELS[state]})" in info.value.message


def test_the_table_decides_every_pair_once():
    pairs = [(state, transition) for _, state, transition, _ in TRANSITIONS]
    assert len(pairs) == len(set(pairs)) == len(S) * len(T)
