import pytest

from rectify.core.errors import Refusal
from rectify.core.states import ProblemState as S
from rectify.problems.rules.counting import replay
from rectify.problems.rules.states import Transition as T
from rectify.problems.rules.states import next_state

ALLOWED = [
    (S.NOT_STARTED, T.PROGRESS, S.IN_PROGRESS),
    (S.IN_PROGRESS, T.PROGRESS, S.IN_PROGRESS),
    (S.REOPENED, T.PROGRESS, S.REOPENED),
    (S.LONG_TERM, T.PROGRESS, S.LONG_TERM),
    (S.NOT_STARTED, T.SIGN_OFF, S.CLOSED),
    (S.IN_PROGRESS, T.SIGN_OFF, S.CLOSED),
    (S.REOPENED, T.SIGN_OFF, S.CLOSED),
    (S.LONG_TERM, T.SIGN_OFF, S.CLOSED),
    (S.NOT_STARTED, T.LONG_TERM, S.LONG_TERM),
    (S.IN_PROGRESS, T.LONG_TERM, S.LONG_TERM),
    (S.REOPENED, T.LONG_TERM, S.LONG_TERM),
    (S.LONG_TERM, T.LONG_TERM, S.LONG_TERM),
    (S.NOT_STARTED, T.EXTEND, S.NOT_STARTED),
    (S.IN_PROGRESS, T.EXTEND, S.IN_PROGRESS),
    (S.REOPENED, T.EXTEND, S.REOPENED),
    (S.CLOSED, T.REVIEW_SUSTAINED, S.CLOSED),
    (S.CLOSED, T.REVIEW_RELAPSED, S.REOPENED),
]
ALLOWED_PAIRS = {(s, t) for s, t, _ in ALLOWED}
REFUSED = [(s, t) for s in S for t in T if (s, t) not in ALLOWED_PAIRS]


@pytest.mark.parametrize(("state", "transition", "after"), ALLOWED)
def test_allowed_transition(state, transition, after):
    assert next_state(state, transition) == after


@pytest.mark.parametrize(("state", "transition"), REFUSED)
def test_refused_transition(state, transition):
    with pytest.raises(Refusal) as info:
        next_state(state, transition)
    assert info.value.code == "illegal_transition"


def test_every_pair_is_decided():
    assert len(ALLOWED) + len(REFUSED) == len(S) * len(T)
    # closed problems take no progress, no extension, no second sign-off
    assert (S.CLOSED, T.PROGRESS) in REFUSED
    assert (S.CLOSED, T.SIGN_OFF) in REFUSED
    assert (S.LONG_TERM, T.EXTEND) in REFUSED


def test_replay_reopens_a_relapse_and_closes_it_again():
    assert replay([T.PROGRESS, T.SIGN_OFF, T.REVIEW_RELAPSED]) == S.REOPENED
    assert replay([T.PROGRESS, T.SIGN_OFF, T.REVIEW_RELAPSED, T.PROGRESS, T.SIGN_OFF]) == S.CLOSED
    assert replay([]) == S.NOT_STARTED
