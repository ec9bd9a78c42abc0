"""Who is told what (rectify/notices/planning.py), the ladder (提级): green (first reminder) →
the responsible person (责任人); yellow (second reminder) → also the responsible leader
(责任领导); red (overdue) → also the lead leader (牵头领导); a long-term checkpoint (a stage
report due) climbs the same ladder. Monthly supervision (每月督办) always reaches the leader
(组长) with an overview; red items rise a step with each cycle they stay overdue. Closed
problems are not reminded; a reminder already given is not given again."""

import datetime as dt

import pytest

from rectify.core.states import ProblemState as S
from rectify.notices.planning import (
    ClosedProblem,
    Mark,
    deadline_watch,
    review_assignments,
    step_label,
    supervision,
)
from rectify.problems.rules.escalation import Level
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView
from tests.tables import cases

D = dt.date
DUE = D(2024, 10, 31)
GREEN_DAY, YELLOW_DAY, RED_DAY, QUIET_DAY = (
    D(2024, 10, 11),
    D(2024, 10, 21),
    D(2024, 11, 1),
    D(2024, 10, 1),
)
PEOPLE = {
    "secretary": PersonView("secretary", "局党组书记", frozenset({"leader"})),
    "deputy": PersonView("deputy", "副局长", frozenset({"deputy"})),
    "office_head": PersonView("office_head", "办公室主任", frozenset({"unit_office"})),
    "clerk": PersonView("clerk", "科员", frozenset()),
    "xcb_li": PersonView("xcb_li", "巡察办督查室", frozenset({"supervisor"}), "office"),
    "xcb_wang": PersonView(
        "xcb_wang", "巡察办综合室", frozenset({"supervisor", "clues"}), "office"
    ),
}
G, Y, R = Level.GREEN, Level.YELLOW, Level.RED


def problem(state, due=DUE, checkpoint=None, responsible="clerk"):
    measure = MeasureView(0, "措施", "secretary", "deputy", "office", responsible, due)
    return ProblemView("1", "问题", state, (measure,), checkpoint)


def told(plans):
    return {(p.kind, p.to, p.role, p.level) for p in plans}


# (case, problem, today, reminders already given, expected (kind, to, role, level) notices)
MEASURE_LADDER = [
    ("21_days_left-nobody", problem(S.IN_PROGRESS), QUIET_DAY, set(), set()),
    (
        "green-the_responsible_person",
        problem(S.IN_PROGRESS),
        GREEN_DAY,
        set(),
        {("due_reminder", "clerk", "responsible_person", G)},
    ),
    (
        "yellow-also_the_responsible_leader",
        problem(S.NOT_STARTED),
        YELLOW_DAY,
        set(),
        {
            ("due_reminder", "clerk", "responsible_person", Y),
            ("due_reminder", "deputy", "responsible_leader", Y),
        },
    ),
    (
        "red-also_the_lead_leader",
        problem(S.REOPENED),
        RED_DAY,
        set(),
        {
            ("overdue", "clerk", "responsible_person", R),
            ("overdue", "deputy", "responsible_leader", R),
            ("overdue", "secretary", "lead_leader", R),
        },
    ),
    ("green_given-not_again", problem(S.IN_PROGRESS), GREEN_DAY, {Mark("m:1:0", DUE, G)}, set()),
    ("yellow_given-no_green", problem(S.IN_PROGRESS), GREEN_DAY, {Mark("m:1:0", DUE, Y)}, set()),
    (
        "green_given-yellow_still_comes",
        problem(S.IN_PROGRESS),
        YELLOW_DAY,
        {Mark("m:1:0", DUE, G)},
        {
            ("due_reminder", "clerk", "responsible_person", Y),
            ("due_reminder", "deputy", "responsible_leader", Y),
        },
    ),
    (
        "green_for_an_earlier_due-new_due_reminded",
        problem(S.IN_PROGRESS),
        GREEN_DAY,
        {Mark("m:1:0", D(2024, 9, 30), G)},
        {("due_reminder", "clerk", "responsible_person", G)},
    ),
    ("closed-not_reminded", problem(S.CLOSED), RED_DAY, set(), set()),
    ("long_term_past_due_no_checkpoint-nobody", problem(S.LONG_TERM), RED_DAY, set(), set()),
    (
        "long_term_checkpoint_near-stage_report_due_to_the_person",
        problem(S.LONG_TERM, due=None, checkpoint=DUE),
        GREEN_DAY,
        set(),
        {("stage_report_due", "clerk", "responsible_person", G)},
    ),
    (
        "long_term_checkpoint_passed-red_up_to_the_lead_leader",
        problem(S.LONG_TERM, due=None, checkpoint=DUE),
        RED_DAY,
        set(),
        {
            ("stage_report_due", "clerk", "responsible_person", R),
            ("stage_report_due", "deputy", "responsible_leader", R),
            ("stage_report_due", "secretary", "lead_leader", R),
        },
    ),
]


@pytest.mark.parametrize(("problem", "today", "marks", "expected"), cases(MEASURE_LADDER))
def test_measure_ladder(problem, today, marks, expected):
    plans, new_marks = deadline_watch(
        problems=[problem],
        people=PEOPLE,
        plan_due=D(2024, 1, 1),
        plan_approved_on=D(2024, 1, 1),
        centralised_end=None,
        reminders=(20, 10),
        marks=marks,
        today=today,
    )
    assert told(plans) == expected
    assert bool(new_marks) == bool(expected)
    assert not set(new_marks) & marks


# (case, plan approved on, centralised period's end, today, expected notices)
PLAN_AND_REPORT = [
    ("plan_approved-nobody", D(2024, 10, 1), None, RED_DAY, set()),
    ("plan_21_days_ahead-nobody", None, None, QUIET_DAY, set()),
    ("plan_due_soon-the_leader", None, None, YELLOW_DAY, {("plan_reminder", "secretary", "leader", Y)}),
    (
        "plan_overdue-leader_and_office",
        None,
        None,
        RED_DAY,
        {
            ("plan_overdue", "secretary", "leader", R),
            ("plan_overdue", "office_head", "unit_office", R),
            ("plan_overdue", "xcb_li", "office_supervisor", R),
            ("plan_overdue", "xcb_wang", "office_supervisor", R),
        },
    ),
    ("centralised_period_running-nobody", D(2024, 10, 1), D(2024, 12, 31), RED_DAY, set()),
    (
        "centralised_period_over-report_to_leader_and_office",
        D(2024, 10, 1),
        RED_DAY,
        RED_DAY,
        {("report", "secretary", "leader", None), ("report", "office_head", "unit_office", None)},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("approved_on", "centralised_end", "today", "expected"), cases(PLAN_AND_REPORT)
)
def test_plan_and_report_reminders(approved_on, centralised_end, today, expected):
    plans, _ = deadline_watch(
        problems=[],
        people=PEOPLE,
        plan_due=DUE,
        plan_approved_on=approved_on,
        centralised_end=centralised_end,
        reminders=(20, 10),
        marks=set(),
        today=today,
    )
    assert told(plans) == expected


# (case, consecutive overdue cycles, the step of supervision)
STEPS = [
    ("first_cycle", 1, "督办"),
    ("second_cycle", 2, "提级督办"),
    ("third_cycle", 3, "约谈提醒"),
    ("beyond-stays_at_the_talk", 7, "约谈提醒"),
]


@pytest.mark.parametrize(("cycles", "expected"), cases(STEPS))
def test_supervision_step(cycles, expected):
    assert step_label(cycles) == expected


# (case, problem, cycles before, expected (notices, cycles after))
SUPERVISION = [
    (
        "overdue-the_responsible_person_and_leader_and_the_leader_overview",
        problem(S.IN_PROGRESS),
        {},
        (
            {
                ("supervision", "clerk", "responsible_person", R),
                ("supervision", "deputy", "responsible_leader", R),
                ("supervision", "secretary", "leader", R),
                ("supervision", "office_head", "unit_office", R),
            },
            {"1": 1},
        ),
    ),
    ("overdue_again-next_cycle", problem(S.IN_PROGRESS), {"1": 2}, (None, {"1": 3})),
    (
        "stale_not_overdue-the_responsible_leader",
        problem(S.IN_PROGRESS, due=D(2024, 12, 31)),
        {},
        (
            {
                ("supervision", "clerk", "responsible_person", Y),
                ("supervision", "deputy", "responsible_leader", Y),
                ("supervision", "secretary", "leader", None),
                ("supervision", "office_head", "unit_office", None),
            },
            {},
        ),
    ),
    (
        "closed-the_leader_overview_and_the_office_summary",
        problem(S.CLOSED),
        {"1": 2},
        (
            {
                ("supervision", "secretary", "leader", None),
                ("supervision", "office_head", "unit_office", None),
            },
            {},
        ),
    ),
]


@pytest.mark.parametrize(("problem", "before", "expected"), cases(SUPERVISION))
def test_monthly_supervision(problem, before, expected):
    plans, cycles = supervision(
        problems=[problem],
        people=PEOPLE,
        last_progress={},
        previous_supervision=None,
        previous_cycles=before,
        reminders=(20, 10),
        today=RED_DAY,
        failures=[],
    )
    notices, after = expected
    if notices is not None:
        assert told(plans) == notices
    assert cycles == after
    for plan in plans:
        for item in plan.items:
            if item.level is R:
                n = after[item.ref]
                assert item.note == f"已超期，第{n}次{step_label(n)}"


def closed_problem(ref="1", by="xcb_li", review_due=RED_DAY, assigned=False):
    """Problem ``ref`` closed on 1 June, its sign-off confirmed by ``by``."""
    view = ProblemView(ref, "问题", S.CLOSED, problem(S.CLOSED).measures)
    return ClosedProblem(view, D(2024, 6, 1), review_due, assigned, by)


# (case, closed problems, reviews given so far, expected {problem: the reviewer assigned})
REVIEWS = [
    ("due-a_supervisor_who_did_not_confirm", [closed_problem(by="xcb_li")], {}, {"1": "xcb_wang"}),
    ("due-the_other_way_round", [closed_problem(by="xcb_wang")], {}, {"1": "xcb_li"}),
    ("not_yet_due", [closed_problem(review_due=D(2024, 12, 1))], {}, {}),
    ("already_assigned", [closed_problem(assigned=True)], {}, {}),
    (
        "round_robin",
        [closed_problem(ref, by="") for ref in ("1", "2", "3")],
        {},
        {"1": "xcb_li", "2": "xcb_wang", "3": "xcb_li"},
    ),
    ("round_robin_across_runs", [closed_problem(by="")], {"xcb_li": 1}, {"1": "xcb_wang"}),
    ("confirmer_skipped_whatever_the_load", [closed_problem(by="xcb_wang")], {"xcb_li": 5}, {"1": "xcb_li"}),
]  # fmt: skip


@pytest.mark.parametrize(("closed", "load", "expected"), cases(REVIEWS))
def test_review_assignment(closed, load, expected):
    plans, assigned = review_assignments(closed, PEOPLE, RED_DAY, load)
    assert assigned == expected
    # each reviewer, and only they, is told of the problems given to them, as the office
    told_of = {(p.to, ref, p.role) for p in plans for ref in p.problems}
    assert told_of == {(reviewer, ref, "office_supervisor") for ref, reviewer in expected.items()}


# (case, people: the unit's only, or with its office) — nobody of the unit is ever assigned
UNIT_PEOPLE = {k: v for k, v in PEOPLE.items() if not v.is_office}
NO_OFFICE = [
    ("no_office-nobody", UNIT_PEOPLE),
    (
        "unit_person_with_an_office_role-nobody",
        {**UNIT_PEOPLE, "fake": PersonView("fake", "单位人员", frozenset({"supervisor"}))},
    ),
]


@pytest.mark.parametrize("people", cases(NO_OFFICE))
def test_no_office_no_review(people):
    assert review_assignments([closed_problem(by="")], people, RED_DAY) == ([], {})
