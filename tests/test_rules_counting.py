"""Replaying a problem's history and the counts the report gives
(rectify/problems/rules/counting.py): the state is rebuilt from not-started by the recorded
transitions; the report counts problems per state, awaiting confirmation (待销号审核) among
them, and overdue (超期) is a fact on a date, not a state — an open problem (not closed, not
long-term, not awaiting confirmation) with a measure neither completed nor long-term past its
due date; a long-term problem whose checkpoint passed without a stage report is counted apart
(阶段报告逾期)."""

import datetime as dt
from dataclasses import replace

import pytest

from rectify.core.states import ProblemState as S
from rectify.problems.rules.counting import (
    COUNT_KEYS,
    count,
    problem_overdue,
    replay,
    replay_with_application,
)
from rectify.problems.rules.states import Transition as T
from rectify.problems.rules.views import MeasureView, ProblemView
from tests.tables import cases

D = dt.date
ON = D(2024, 11, 15)
PAST, TODAY, FUTURE = D(2024, 11, 1), ON, D(2024, 12, 31)

# (case, transitions in time order, state reached)
REPLAYS = [
    ("nothing-not_started", [], S.NOT_STARTED),
    ("progress", [T.PROGRESS], S.IN_PROGRESS),
    ("progress_then_extension", [T.PROGRESS, T.EXTEND], S.IN_PROGRESS),
    ("sign_off", [T.PROGRESS, T.SIGN_OFF], S.CLOSED),
    ("relapse-reopens", [T.PROGRESS, T.SIGN_OFF, T.REVIEW_RELAPSED], S.REOPENED),
    (
        "relapse_then_closed_again",
        [T.PROGRESS, T.SIGN_OFF, T.REVIEW_RELAPSED, T.PROGRESS, T.SIGN_OFF],
        S.CLOSED,
    ),
    ("review_sustained-stays_closed", [T.SIGN_OFF, T.REVIEW_SUSTAINED], S.CLOSED),
    ("long_term", [T.PROGRESS, T.LONG_TERM, T.PROGRESS], S.LONG_TERM),
    ("long_term_then_sign_off", [T.LONG_TERM, T.SIGN_OFF], S.CLOSED),
    ("relapse_then_long_term", [T.SIGN_OFF, T.REVIEW_RELAPSED, T.LONG_TERM], S.LONG_TERM),
    # a transition the machine refuses leaves the state as it was
    ("refused_progress_after_sign_off", [T.SIGN_OFF, T.PROGRESS], S.CLOSED),
    ("refused_extension_of_long_term", [T.LONG_TERM, T.EXTEND], S.LONG_TERM),
    ("refused_review_of_an_open_problem", [T.PROGRESS, T.REVIEW_RELAPSED], S.IN_PROGRESS),
    # the sign-off in two steps: the unit applies, the office confirms or returns
    ("applied-awaits", [T.PROGRESS, T.APPLY_SIGN_OFF], S.AWAITING_CONFIRMATION),
    ("applied_then_confirmed", [T.PROGRESS, T.APPLY_SIGN_OFF, T.SIGN_OFF], S.CLOSED),
    ("returned-in_progress", [T.PROGRESS, T.APPLY_SIGN_OFF, T.RETURN_SIGN_OFF], S.IN_PROGRESS),
    (
        "long_term_returned-long_term_again",
        [T.LONG_TERM, T.APPLY_SIGN_OFF, T.RETURN_SIGN_OFF],
        S.LONG_TERM,
    ),
    (
        "reopened_returned-reopened_again",
        [T.SIGN_OFF, T.REVIEW_RELAPSED, T.APPLY_SIGN_OFF, T.RETURN_SIGN_OFF],
        S.REOPENED,
    ),
    (
        "returned_then_applied_again_and_confirmed",
        [T.LONG_TERM, T.APPLY_SIGN_OFF, T.RETURN_SIGN_OFF, T.APPLY_SIGN_OFF, T.SIGN_OFF],
        S.CLOSED,
    ),
    ("refused_progress_while_awaiting", [T.APPLY_SIGN_OFF, T.PROGRESS], S.AWAITING_CONFIRMATION),
]


@pytest.mark.parametrize(("transitions", "expected"), cases(REPLAYS))
def test_replay(transitions, expected):
    assert replay(transitions) == expected


def test_replay_keeps_the_state_an_application_came_from():
    steps = [T.SIGN_OFF, T.REVIEW_RELAPSED, T.APPLY_SIGN_OFF]
    assert replay_with_application(steps) == (S.AWAITING_CONFIRMATION, S.REOPENED)


def problem(ref, state, *dues, completed=(), checkpoint=None):
    """A problem with one measure per due; the measures at ``completed`` (0, 1, …) done."""
    measures = tuple(
        MeasureView(i, f"措施{i}", "secretary", "deputy", "office", "clerk", due)
        for i, due in enumerate(dues)
    )
    measures = tuple(replace(m, completed=m.position in completed) for m in measures)
    return ProblemView(
        ref=ref, title=f"问题{ref}", state=state, measures=measures, checkpoint=checkpoint
    )


# (case, problem, overdue on ON?)
OVERDUE = [
    ("in_progress-a_measure_past_due", problem("1", S.IN_PROGRESS, FUTURE, PAST), True),
    ("not_started-past_due", problem("1", S.NOT_STARTED, PAST), True),
    ("reopened-past_due", problem("1", S.REOPENED, PAST), True),
    ("in_progress-due_today-not_yet", problem("1", S.IN_PROGRESS, TODAY), False),
    ("in_progress-due_later", problem("1", S.IN_PROGRESS, FUTURE), False),
    ("closed-past_due", problem("1", S.CLOSED, PAST), False),
    ("long_term-past_due", problem("1", S.LONG_TERM, PAST), False),
    ("awaiting_confirmation-past_due", problem("1", S.AWAITING_CONFIRMATION, PAST), False),
    ("long_term_measure-no_due", problem("1", S.IN_PROGRESS, None), False),
    ("no_measures", problem("1", S.IN_PROGRESS), False),
    # measures completed one by one (措施完成): a completed measure is never overdue
    ("completed_measure_past_due", problem("1", S.IN_PROGRESS, PAST, FUTURE, completed=[0]), False),
    ("other_measure_still_open", problem("1", S.IN_PROGRESS, PAST, PAST, completed=[0]), True),
    ("all_completed_not_signed_off", problem("1", S.IN_PROGRESS, PAST, completed=[0]), False),
]


@pytest.mark.parametrize(("problem", "expected"), cases(OVERDUE))
def test_overdue_on_a_date(problem, expected):
    assert problem_overdue(problem, ON) is expected


ZERO = dict(
    problems=0,
    closed=0,
    long_term=0,
    in_progress=0,
    not_started=0,
    awaiting_confirmation=0,
    reopened=0,
    overdue=0,
    stage_report_overdue=0,
)

# (case, problems, expected counts on ON)
COUNTS = [
    ("none", [], ZERO),
    (
        "one_of_each_state",
        [
            problem("1", S.NOT_STARTED, FUTURE),
            problem("2", S.IN_PROGRESS, FUTURE),
            problem("3", S.LONG_TERM, None),
            problem("4", S.CLOSED, PAST),
            problem("5", S.REOPENED, FUTURE),
            problem("6", S.AWAITING_CONFIRMATION, FUTURE),
        ],
        ZERO
        | dict(
            problems=6,
            not_started=1,
            in_progress=1,
            long_term=1,
            closed=1,
            reopened=1,
            awaiting_confirmation=1,
        ),
    ),
    (
        "overdue_counted_beside_its_state",
        [
            problem("1", S.IN_PROGRESS, PAST),
            problem("2", S.IN_PROGRESS, PAST, PAST),  # one problem, however many measures
            problem("3", S.NOT_STARTED, PAST),
            problem("4", S.CLOSED, PAST),
            problem("5", S.LONG_TERM, PAST),
            problem("6", S.AWAITING_CONFIRMATION, PAST),  # the office decides: not overdue
        ],
        ZERO
        | dict(
            problems=6,
            in_progress=2,
            not_started=1,
            closed=1,
            long_term=1,
            awaiting_confirmation=1,
            overdue=3,
        ),
    ),
    (
        # the Wulong report: 31 problems, 26 closed, 5 long-term
        "wulong_31_26_closed_5_long_term",
        [problem(str(i), S.CLOSED, PAST) for i in range(26)]
        + [problem(str(26 + i), S.LONG_TERM, None) for i in range(5)],
        ZERO | dict(problems=31, closed=26, long_term=5),
    ),
    (
        # 阶段报告逾期: a long-term problem past its checkpoint, counted apart from overdue
        "stage_report_overdue_apart",
        [
            problem("1", S.LONG_TERM, None, checkpoint=PAST),
            problem("2", S.LONG_TERM, None, checkpoint=TODAY),  # due today: not yet
            problem("3", S.LONG_TERM, None, checkpoint=FUTURE),
            problem("4", S.CLOSED, None, checkpoint=PAST),  # closed: nothing due
            problem("5", S.IN_PROGRESS, PAST, FUTURE, completed=[0]),
        ],
        ZERO | dict(problems=5, long_term=3, closed=1, in_progress=1, stage_report_overdue=1),
    ),
]


@pytest.mark.parametrize(("problems", "expected"), cases(COUNTS))
def test_counts(problems, expected):
    counts = count(problems, ON)
    assert counts.as_dict() == expected
    # every problem is in exactly one state, and every state has its count
    assert sum(getattr(counts, s.value) for s in S) == counts.problems
    assert tuple(counts.as_dict()) == COUNT_KEYS
