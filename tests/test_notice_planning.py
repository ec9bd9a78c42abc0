"""Who is told what (通知计划), flow by flow: one table of cases and one runner.

Each case is a situation (the inspection's people, its problems and measures, the day) and
what the people would see arrive: which person receives which kind of notice, in which role
and at which escalation level, and where it matters which problems the digest lists, its
summary lines and what the run records (reminder marks, supervision cycles, reviewers).
The expectations follow the README's flow table and the planning modules' docstrings.
Pure: no database, no Prefect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pytest

from rectify.core.states import ProblemState
from rectify.notices.planning import (
    ClosedProblem,
    Mark,
    NoticePlan,
    Overdue,
    SignOffEvent,
    deadline_watch,
    dispatch_notices,
    dispatch_sheet,
    review_assignments,
    supervision,
)
from rectify.problems.rules.escalation import Level
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView

TODAY = dt.date(2024, 6, 3)
REMINDERS = (7, 3)  # first (green) 7 days before due, second (yellow) 3 days before
GREEN_DUE = TODAY + dt.timedelta(days=6)
YELLOW_DUE = TODAY + dt.timedelta(days=2)
RED_DUE = TODAY - dt.timedelta(days=1)
FAR_DUE = TODAY + dt.timedelta(days=40)

GREEN, YELLOW, RED = Level.GREEN, Level.YELLOW, Level.RED
OPEN, LONG_TERM, CLOSED = ProblemState.IN_PROGRESS, ProblemState.LONG_TERM, ProblemState.CLOSED
AWAITING = ProblemState.AWAITING_CONFIRMATION


def _person(key: str, *roles: str, side: str = "unit") -> PersonView:
    return PersonView(key=key, name=f"{key}同志", roles=frozenset(roles), side=side)


PEOPLE = {
    p.key: p
    for p in [
        _person("zuzhang", "leader"),  # 组长
        _person("fuzuzhang", "deputy"),  # 副组长
        _person("ban", "unit_office"),  # 整改办
        _person("qiantou"),  # 牵头领导
        _person("zeren_lingdao"),  # 责任领导
        _person("zerenren"),  # 责任人
        _person("zerenren2"),
        _person("kezhang"),  # 科室负责人
        _person("xcb_a", "supervisor", side="office"),  # 巡察办督查人员
        _person("xcb_b", "supervisor", "clues", side="office"),
        _person("xcb_clues", "clues", side="office"),  # 巡察办线索管理人员: no supervisor
    ]
}
UNIT_ONLY = {k: v for k, v in PEOPLE.items() if not v.is_office}  # an earlier-format file


def measure(
    due: dt.date | None,
    person: str = "zerenren",
    position: int = 1,
    completed: bool = False,
    checkpoint: dt.date | None = None,
) -> MeasureView:
    return MeasureView(
        position=position,
        text=f"措施{position}",
        lead_leader="qiantou",
        responsible_leader="zeren_lingdao",
        department="办公室",
        responsible_person=person,
        due=due,
        checkpoint=checkpoint,
        completed=completed,
    )


def problem(
    ref: str, state: ProblemState, *measures: MeasureView, checkpoint: dt.date | None = None
) -> ProblemView:
    return ProblemView(
        ref=ref, title=f"问题{ref}", state=state, measures=measures, checkpoint=checkpoint
    )


# ---------------------------------------------------------------- the flows, with defaults


def watch(
    problems=(),
    plan_approved_on=TODAY - dt.timedelta(days=60),
    plan_due=TODAY - dt.timedelta(days=61),
    centralised_end=None,
    marks=frozenset(),
    report_due=None,
    applications=(),
    returns=(),
    people=PEOPLE,
):
    return deadline_watch(
        problems=problems,
        people=people,
        plan_due=plan_due,
        plan_approved_on=plan_approved_on,
        centralised_end=centralised_end,
        reminders=REMINDERS,
        marks=set(marks),
        today=TODAY,
        report_due=report_due,
        applications=applications,
        returns=returns,
    )


def applied(ref: str, id_: int = 1, days_ago: int = 1) -> SignOffEvent:
    """An application for sign-off (申请销号) of problem ``ref`` by the unit office."""
    return SignOffEvent(
        id_, problem(ref, AWAITING, measure(RED_DUE)), TODAY - dt.timedelta(days=days_ago), "ban"
    )


def returned(ref: str, id_: int = 1, reason: str = "佐证材料不足") -> SignOffEvent:
    """A sign-off of problem ``ref`` returned by the office (退回) with ``reason``."""
    return SignOffEvent(id_, problem(ref, OPEN, measure(FAR_DUE)), TODAY, "xcb_a", reason)


def dispatch(
    problems, progress=None, previous=TODAY - dt.timedelta(days=15), heads=None, failures=()
):
    progress = progress or {}
    sheet = dispatch_sheet(problems, progress, previous, TODAY)
    plans = dispatch_notices(
        problems=list(problems),
        sheet=sheet,
        people=PEOPLE,
        department_heads=heads if heads is not None else {"办公室": "kezhang"},
        reminders=REMINDERS,
        today=TODAY,
        failures=list(failures),
    )
    return plans, sheet


def supervise(
    problems,
    progress=None,
    previous=TODAY - dt.timedelta(days=30),
    cycles=None,
    failures=(),
    heads=None,
    overdue=Overdue(),
    plan_approved=True,
):
    return supervision(
        problems=list(problems),
        people=PEOPLE,
        last_progress=progress or {},
        previous_supervision=previous,
        previous_cycles=cycles or {},
        reminders=REMINDERS,
        today=TODAY,
        failures=list(failures),
        department_heads=heads or {},
        overdue=overdue,
        plan_approved=plan_approved,
    )


def review(*closed: ClosedProblem, people=PEOPLE, load=None):
    return review_assignments(closed, people, TODAY, load)


def closed(ref: str, by: str = "xcb_b", due_in: int = 0, assigned: bool = False):
    """Problem ``ref`` closed 90 days ago, its sign-off confirmed by ``by``."""
    return ClosedProblem(
        problem=problem(ref, CLOSED, measure(RED_DUE)),
        closed_on=TODAY - dt.timedelta(days=90),
        review_due=TODAY + dt.timedelta(days=due_in),
        assigned=assigned,
        confirmed_by=by,
    )


RECENT = {"1": (TODAY - dt.timedelta(days=2), "已完成制度修订")}  # progress since last cycle
STALE = {"1": (TODAY - dt.timedelta(days=40), "已召开专题会")}  # before the last cycle


# the plan overdue: the leader, the unit office and the inspection office's supervisors, red
PLAN_OVERDUE = {
    ("zuzhang", "plan_overdue", "leader", RED),
    ("ban", "plan_overdue", "unit_office", RED),
    ("xcb_a", "plan_overdue", "office_supervisor", RED),
    ("xcb_b", "plan_overdue", "office_supervisor", RED),
}
# every monthly supervision: the leader's overview and the unit office's summary
ROUTINE_SUPERVISION = {
    ("zuzhang", "supervision", "leader", None),
    ("ban", "supervision", "unit_office", None),
}
# an overdue problem's first cycle: the responsible person and responsible leader of the
# measure, the leader's overview (listing the red item) and the office's summary red as well
RED_SUPERVISION = {
    ("zerenren", "supervision", "responsible_person", RED),
    ("zeren_lingdao", "supervision", "responsible_leader", RED),
    ("zuzhang", "supervision", "leader", RED),
    ("ban", "supervision", "unit_office", RED),
}
# the second cycle (提级督办): also the lead leader
RAISED_SUPERVISION = RED_SUPERVISION | {("qiantou", "supervision", "lead_leader", RED)}
# the third and later (约谈提醒): also the inspection office's supervisors
TALK_SUPERVISION = RAISED_SUPERVISION | {
    ("xcb_a", "supervision", "office_supervisor", RED),
    ("xcb_b", "supervision", "office_supervisor", RED),
}


# ---------------------------------------------------------------- the table


@dataclass
class Case:
    name: str
    run: Callable[[], tuple[list[NoticePlan], object]]
    told: set[tuple[str, str, str, Level | None]]  # (person, kind, role, level)
    refs: dict[str, list[str]] = field(default_factory=dict)  # person → problems listed
    lines: dict[str, str] = field(default_factory=dict)  # person → a summary line contains
    notes: dict[str, str] = field(default_factory=dict)  # person → an item's note contains
    records: object = None  # marks / cycles / assignments the run returns, when checked


CASES = [
    # --- daily deadline watch (期限检查): the plan (整改方案)
    Case(
        "plan due at the first reminder: the leader is reminded (green), nobody else",
        partial(watch, plan_approved_on=None, plan_due=GREEN_DUE),
        {("zuzhang", "plan_reminder", "leader", GREEN)},
        records=[Mark("plan", GREEN_DUE, GREEN)],
    ),
    Case(
        "plan due at the second reminder: the leader again, yellow",
        partial(
            watch,
            plan_approved_on=None,
            plan_due=YELLOW_DUE,
            marks={Mark("plan", YELLOW_DUE, GREEN)},
        ),
        {("zuzhang", "plan_reminder", "leader", YELLOW)},
    ),
    Case(
        "plan overdue: the leader, the unit office and the inspection office's supervisors, red",
        partial(watch, plan_approved_on=None, plan_due=RED_DUE),
        PLAN_OVERDUE,
        records=[Mark("plan", RED_DUE, RED)],
    ),
    Case(
        "plan overdue already told: nothing again",
        partial(watch, plan_approved_on=None, plan_due=RED_DUE, marks={Mark("plan", RED_DUE, RED)}),
        set(),
        records=[],
    ),
    Case(
        "plan approved: no plan notice even past its due date",
        partial(watch, plan_approved_on=RED_DUE, plan_due=RED_DUE),
        set(),
    ),
    # --- daily deadline watch: measures up the ladder (提级)
    Case(
        "measure at the first reminder: only the responsible person, green",
        partial(watch, [problem("1", OPEN, measure(GREEN_DUE))]),
        {("zerenren", "due_reminder", "responsible_person", GREEN)},
        refs={"zerenren": ["1"]},
        records=[Mark("m:1:1", GREEN_DUE, GREEN)],
    ),
    Case(
        "measure at the second reminder: also the responsible leader, yellow",
        partial(
            watch,
            [problem("1", OPEN, measure(YELLOW_DUE))],
            marks={Mark("m:1:1", YELLOW_DUE, GREEN)},
        ),
        {
            ("zerenren", "due_reminder", "responsible_person", YELLOW),
            ("zeren_lingdao", "due_reminder", "responsible_leader", YELLOW),
        },
    ),
    Case(
        "measure overdue: also the lead leader, red",
        partial(watch, [problem("1", OPEN, measure(RED_DUE))]),
        {
            ("zerenren", "overdue", "responsible_person", RED),
            ("zeren_lingdao", "overdue", "responsible_leader", RED),
            ("qiantou", "overdue", "lead_leader", RED),
        },
    ),
    Case(
        "a reopened problem (回头看重新整改) overdue is chased like any open one",
        partial(watch, [problem("1", ProblemState.REOPENED, measure(RED_DUE))]),
        {
            ("zerenren", "overdue", "responsible_person", RED),
            ("zeren_lingdao", "overdue", "responsible_leader", RED),
            ("qiantou", "overdue", "lead_leader", RED),
        },
    ),
    Case(
        "measure still yellow and already told yellow: nothing",
        partial(
            watch,
            [problem("1", OPEN, measure(YELLOW_DUE))],
            marks={Mark("m:1:1", YELLOW_DUE, YELLOW)},
        ),
        set(),
        records=[],
    ),
    Case(
        "measure far from its due date: nothing",
        partial(watch, [problem("1", OPEN, measure(FAR_DUE))]),
        set(),
    ),
    Case(
        "a closed problem (已销号) receives no reminder, even with a past due date",
        partial(watch, [problem("1", CLOSED, measure(RED_DUE))]),
        set(),
    ),
    Case(
        "two measures of one person: one digest at the higher level, listing both problems",
        partial(
            watch,
            [problem("1", OPEN, measure(GREEN_DUE)), problem("2", OPEN, measure(YELLOW_DUE))],
        ),
        {
            ("zerenren", "due_reminder", "responsible_person", YELLOW),
            ("zeren_lingdao", "due_reminder", "responsible_leader", YELLOW),
        },
        refs={"zerenren": ["1", "2"], "zeren_lingdao": ["2"]},
    ),
    Case(
        "long-term checkpoint near: a stage report due, green to the responsible person",
        partial(watch, [problem("1", LONG_TERM, measure(None), checkpoint=GREEN_DUE)]),
        {("zerenren", "stage_report_due", "responsible_person", GREEN)},
        notes={"zerenren": "长期整改检查节点临近"},
        records=[Mark("cp:1", GREEN_DUE, GREEN)],
    ),
    Case(
        "long-term checkpoint at the second reminder: also the responsible leader, yellow",
        partial(
            watch,
            [problem("1", LONG_TERM, measure(None), checkpoint=YELLOW_DUE)],
            marks={Mark("cp:1", YELLOW_DUE, GREEN)},
        ),
        {
            ("zerenren", "stage_report_due", "responsible_person", YELLOW),
            ("zeren_lingdao", "stage_report_due", "responsible_leader", YELLOW),
        },
    ),
    Case(
        "long-term checkpoint passed without a stage report: red up to the lead leader",
        partial(watch, [problem("1", LONG_TERM, measure(None), checkpoint=RED_DUE)]),
        {
            ("zerenren", "stage_report_due", "responsible_person", RED),
            ("zeren_lingdao", "stage_report_due", "responsible_leader", RED),
            ("qiantou", "stage_report_due", "lead_leader", RED),
        },
        notes={"qiantou": "阶段报告逾期"},
    ),
    Case(
        "a long-term measure of an open problem near its checkpoint: green to its person",
        partial(watch, [problem("1", OPEN, measure(None, checkpoint=GREEN_DUE))]),
        {("zerenren", "due_reminder", "responsible_person", GREEN)},
        notes={"zerenren": "长期整改措施，检查节点临近，请录入"},
        records=[Mark("m:1:1", GREEN_DUE, GREEN)],
    ),
    Case(
        "a long-term measure at the second reminder: also its responsible leader, yellow",
        partial(
            watch,
            [problem("1", OPEN, measure(None, checkpoint=YELLOW_DUE))],
            marks={Mark("m:1:1", YELLOW_DUE, GREEN)},
        ),
        {
            ("zerenren", "due_reminder", "responsible_person", YELLOW),
            ("zeren_lingdao", "due_reminder", "responsible_leader", YELLOW),
        },
    ),
    Case(
        "a long-term measure past its checkpoint: never red (it is never overdue)",
        partial(watch, [problem("1", OPEN, measure(None, checkpoint=RED_DUE))]),
        set(),
        records=[],
    ),
    Case(
        "a completed measure past its due: never reminded, never red",
        partial(
            watch,
            [
                problem(
                    "1",
                    OPEN,
                    measure(RED_DUE, completed=True),
                    measure(GREEN_DUE, "zerenren2", position=2),
                )
            ],
        ),
        {("zerenren2", "due_reminder", "responsible_person", GREEN)},
        records=[Mark("m:1:2", GREEN_DUE, GREEN)],
    ),
    Case(
        "centralised period over (集中整改期满): the leader and the office, to report (通报)",
        partial(watch, centralised_end=TODAY),
        {("zuzhang", "report", "leader", None), ("ban", "report", "unit_office", None)},
        records=[Mark("report", TODAY, RED)],
    ),
    Case(
        "centralised period not yet over: no report reminder",
        partial(watch, centralised_end=TODAY + dt.timedelta(days=1)),
        set(),
    ),
    Case(
        "report reminder already given: not again",
        partial(watch, centralised_end=RED_DUE, marks={Mark("report", RED_DUE, RED)}),
        set(),
    ),
    # --- half-monthly dispatch (每半月调度): routine digests, no level
    Case(
        "dispatch: the responsible person, the department head, and the deputy's summary",
        partial(dispatch, [problem("1", OPEN, measure(FAR_DUE))], RECENT),
        {
            ("zerenren", "dispatch", "responsible_person", None),
            ("kezhang", "dispatch", "department_head", None),
            ("fuzuzhang", "dispatch", "deputy", None),
        },
        refs={"zerenren": ["1"], "kezhang": ["1"], "fuzuzhang": []},
        lines={"fuzuzhang": "问题共1个：已销号0个，需长期整改0个，仍在推进1个"},
    ),
    Case(
        "dispatch: a head who is the responsible person gets one digest, as responsible person",
        partial(dispatch, [problem("1", OPEN, measure(FAR_DUE, "kezhang"))], RECENT),
        {
            ("kezhang", "dispatch", "responsible_person", None),
            ("fuzuzhang", "dispatch", "deputy", None),
        },
    ),
    Case(
        "dispatch: an overdue measure is still a routine digest (no level); the deputy counts it",
        partial(dispatch, [problem("1", OPEN, measure(RED_DUE))], RECENT, heads={}),
        {
            ("zerenren", "dispatch", "responsible_person", None),
            ("fuzuzhang", "dispatch", "deputy", None),
        },
        lines={"fuzuzhang": "已超期的问题1个"},
    ),
    Case(
        "dispatch: no progress since the last dispatch is flagged to the deputy and the person",
        partial(dispatch, [problem("1", OPEN, measure(FAR_DUE))], STALE, heads={}),
        {
            ("zerenren", "dispatch", "responsible_person", None),
            ("fuzuzhang", "dispatch", "deputy", None),
        },
        refs={"fuzuzhang": ["1"]},
        lines={"fuzuzhang": "自上次调度以来无进展的问题1个"},
        notes={"zerenren": "自上次调度以来无进展", "fuzuzhang": "自上次调度以来无进展"},
    ),
    Case(
        "dispatch: a closed problem is not sent to its person; the deputy's summary counts it",
        partial(dispatch, [problem("1", CLOSED, measure(RED_DUE))]),
        {("fuzuzhang", "dispatch", "deputy", None)},
        refs={"fuzuzhang": []},
        lines={"fuzuzhang": "已销号1个"},
    ),
    Case(
        "dispatch: failed notices are named in the deputy's summary",
        partial(dispatch, [], failures=["zerenren的通知(超时)", "kezhang的通知(500)"]),
        {("fuzuzhang", "dispatch", "deputy", None)},
        lines={"fuzuzhang": "有2条通知发送失败，请整改办核实：zerenren的通知(超时)"},
    ),
    # --- monthly supervision (每月督办)
    Case(
        "supervision, first overdue cycle: the responsible person and leader; leader's overview",
        partial(supervise, [problem("1", OPEN, measure(RED_DUE))], RECENT),
        RED_SUPERVISION,
        refs={"zuzhang": ["1"], "zerenren": ["1"]},
        notes={"zuzhang": "已超期，第1次督办", "zerenren": "已超期，第1次督办"},
        lines={"ban": "本次督办：滞后问题0个，超期问题1个", "zuzhang": "超期问题1个"},
        records={"1": 1},
    ),
    Case(
        "supervision, second overdue cycle (提级督办): also the lead leader",
        partial(supervise, [problem("1", OPEN, measure(RED_DUE))], RECENT, cycles={"1": 1}),
        RAISED_SUPERVISION,
        notes={"qiantou": "第2次提级督办"},
        lines={"ban": "问题1连续2个督办周期超期（提级督办）"},
        records={"1": 2},
    ),
    Case(
        "supervision, third cycle on (约谈提醒): also the office's supervisors",
        partial(supervise, [problem("1", OPEN, measure(RED_DUE))], RECENT, cycles={"1": 4}),
        TALK_SUPERVISION,
        refs={"xcb_a": ["1"]},
        notes={"zeren_lingdao": "第5次约谈提醒", "xcb_b": "第5次约谈提醒"},
        records={"1": 5},
    ),
    Case(
        "supervision: an overdue measure also to its department's head",
        partial(
            supervise, [problem("1", OPEN, measure(RED_DUE))], RECENT, heads={"办公室": "kezhang"}
        ),
        RED_SUPERVISION | {("kezhang", "supervision", "department_head", RED)},
    ),
    Case(
        "supervision: lagging near its due date, yellow to the responsible leader and person",
        partial(supervise, [problem("1", OPEN, measure(YELLOW_DUE))], RECENT),
        ROUTINE_SUPERVISION
        | {
            ("zeren_lingdao", "supervision", "responsible_leader", YELLOW),
            ("zerenren", "supervision", "responsible_person", YELLOW),
        },
        notes={"zeren_lingdao": "临近整改时限", "zerenren": "临近整改时限"},
        lines={"ban": "本次督办：滞后问题1个，超期问题0个", "zuzhang": "滞后问题1个"},
        records={},
    ),
    Case(
        "supervision: no progress this month is lagging too",
        partial(supervise, [problem("1", OPEN, measure(FAR_DUE))], STALE),
        ROUTINE_SUPERVISION
        | {
            ("zeren_lingdao", "supervision", "responsible_leader", YELLOW),
            ("zerenren", "supervision", "responsible_person", YELLOW),
        },
        notes={"zeren_lingdao": "本月无整改进展"},
    ),
    Case(
        "supervision: on track, the leader's overview even when nothing is late",
        partial(supervise, [problem("1", OPEN, measure(FAR_DUE))], RECENT),
        ROUTINE_SUPERVISION,
        refs={"zuzhang": []},
        lines={
            "ban": "本次督办：滞后问题0个，超期问题0个",
            "zuzhang": "问题共1个：已销号0个，需长期整改0个，仍在推进1个",
        },
    ),
    Case(
        "supervision: a long-term measure past its checkpoint is listed yellow, never red",
        partial(supervise, [problem("1", OPEN, measure(None, checkpoint=RED_DUE))], RECENT),
        ROUTINE_SUPERVISION | {("zeren_lingdao", "supervision", "responsible_leader", YELLOW)},
        notes={"zeren_lingdao": "长期整改措施"},
    ),
    Case(
        "supervision: a completed measure past its due is neither overdue nor lagging",
        partial(
            supervise,
            [problem("1", OPEN, measure(RED_DUE, completed=True), measure(FAR_DUE, position=2))],
            RECENT,
        ),
        ROUTINE_SUPERVISION,
        records={},
    ),
    Case(
        "supervision: a long-term problem is listed to its responsible leader and in the overview",
        partial(
            supervise,
            [
                problem("1", CLOSED, measure(RED_DUE)),
                problem("2", LONG_TERM, measure(None), checkpoint=FAR_DUE),
            ],
        ),
        ROUTINE_SUPERVISION | {("zeren_lingdao", "supervision", "responsible_leader", None)},
        refs={"zeren_lingdao": ["2"], "zuzhang": ["2"]},
        notes={"zeren_lingdao": "需长期整改"},
        records={},
    ),
    Case(
        "supervision: a long-term checkpoint passed without a stage report, a red stage_report_due",
        partial(supervise, [problem("2", LONG_TERM, measure(None), checkpoint=RED_DUE)]),
        {
            ("zuzhang", "supervision", "leader", RED),
            ("ban", "supervision", "unit_office", RED),
            ("zeren_lingdao", "supervision", "responsible_leader", RED),
            ("zerenren", "stage_report_due", "responsible_person", RED),
            ("zeren_lingdao", "stage_report_due", "responsible_leader", RED),
        },
        notes={"zerenren": "第1次督办"},
        lines={"ban": "阶段报告逾期的长期整改问题1个", "zuzhang": "阶段报告逾期1个"},
        records={"2": 1},
    ),
    Case(
        "supervision: a stage report overdue a second cycle goes to the lead leader and leader",
        partial(
            supervise,
            [problem("2", LONG_TERM, measure(None), checkpoint=RED_DUE)],
            cycles={"2": 1},
        ),
        {
            ("zuzhang", "supervision", "leader", RED),
            ("ban", "supervision", "unit_office", RED),
            ("zeren_lingdao", "supervision", "responsible_leader", RED),
            ("zerenren", "stage_report_due", "responsible_person", RED),
            ("zeren_lingdao", "stage_report_due", "responsible_leader", RED),
            ("qiantou", "stage_report_due", "lead_leader", RED),
            ("zuzhang", "stage_report_due", "leader", RED),
        },
        records={"2": 2},
    ),
    Case(
        "supervision: failed notices are reported to the office",
        partial(supervise, [], failures=["zerenren的通知(超时)"]),
        ROUTINE_SUPERVISION,
        lines={"ban": "有1条通知发送失败，请核实：zerenren的通知(超时)"},
    ),
    Case(
        "supervision: the plan overdue told again, to the leader, unit office and office",
        partial(supervise, [], overdue=Overdue(plan_due=RED_DUE), plan_approved=False),
        ROUTINE_SUPERVISION | PLAN_OVERDUE,
        lines={"zuzhang": "整改方案尚未经党组会议审议通过"},
    ),
    Case(
        "supervision before the plan is approved: no item supervised one by one",
        partial(supervise, [problem("1", OPEN, measure(RED_DUE))], STALE, plan_approved=False),
        ROUTINE_SUPERVISION,
        records={},
    ),
    Case(
        "supervision: the report overdue told again, to the leader and the office",
        partial(supervise, [], overdue=Overdue(report_due=RED_DUE)),
        ROUTINE_SUPERVISION
        | {
            ("zuzhang", "report_overdue", "leader", RED),
            ("xcb_a", "report_overdue", "office_supervisor", RED),
            ("xcb_b", "report_overdue", "office_supervisor", RED),
        },
    ),
    Case(
        "review due: assigned to a supervisor who did not confirm the sign-off, told to them",
        partial(review, closed("1", by="xcb_b")),
        {("xcb_a", "review_due", "office_supervisor", None)},
        notes={"xcb_a": "审核人：xcb_a同志"},
        records={"1": "xcb_a"},
    ),
    Case(
        "the supervisor who confirmed the sign-off never reviews it",
        partial(review, closed("1", by="xcb_a")),
        {("xcb_b", "review_due", "office_supervisor", None)},
        records={"1": "xcb_b"},
    ),
    Case(
        "review not yet due: nobody is told",
        partial(review, closed("1", due_in=1)),
        set(),
        records={},
    ),
    Case(
        "review already assigned for this closing: not again",
        partial(review, closed("1", assigned=True)),
        set(),
        records={},
    ),
    Case(
        "round-robin: two reviews due, one to each supervisor",
        partial(review, closed("1", by="xcb_clues"), closed("2", by="xcb_clues")),
        {
            ("xcb_a", "review_due", "office_supervisor", None),
            ("xcb_b", "review_due", "office_supervisor", None),
        },
        refs={"xcb_a": ["1"], "xcb_b": ["2"]},
        records={"1": "xcb_a", "2": "xcb_b"},
    ),
    Case(
        "round-robin across runs: the supervisor with fewer reviews so far comes first",
        partial(review, closed("1", by="xcb_clues"), load={"xcb_a": 2, "xcb_b": 1}),
        {("xcb_b", "review_due", "office_supervisor", None)},
        records={"1": "xcb_b"},
    ),
    Case(
        "only the supervisor who confirmed: not assigned, nobody told",
        partial(
            review,
            closed("1", by="xcb_a"),
            people={k: v for k, v in PEOPLE.items() if k != "xcb_b"},
        ),
        set(),
        records={},
    ),
    Case(
        "no office (earlier-format file): no review is assigned, the unit is never the reviewer",
        partial(
            review,
            closed("1", by=""),
            people={**UNIT_ONLY, "shenhe": _person("shenhe", "reviewer", "supervisor")},
        ),
        set(),
        records={},
    ),
    # --- sign-off between the two sides (销号审核), in the deadline watch
    Case(
        "an application for sign-off goes to every office supervisor, and is marked",
        partial(watch, applications=[applied("1", id_=7)]),
        {
            ("xcb_a", "sign_off_pending", "office_supervisor", None),
            ("xcb_b", "sign_off_pending", "office_supervisor", None),
        },
        refs={"xcb_a": ["1"]},
        notes={"xcb_b": "ban同志于2024-06-02申请销号"},
        records=[Mark("apply:7", TODAY - dt.timedelta(days=1), GREEN)],
    ),
    Case(
        "two applications: one digest per supervisor listing both",
        partial(watch, applications=[applied("2", id_=2), applied("1", id_=1, days_ago=3)]),
        {
            ("xcb_a", "sign_off_pending", "office_supervisor", None),
            ("xcb_b", "sign_off_pending", "office_supervisor", None),
        },
        refs={"xcb_a": ["1", "2"], "xcb_b": ["1", "2"]},
    ),
    Case(
        "an application already told: not again",
        partial(
            watch,
            applications=[applied("1", id_=7)],
            marks={Mark("apply:7", TODAY - dt.timedelta(days=1), GREEN)},
        ),
        set(),
        records=[],
    ),
    Case(
        "an application without an office: nobody to tell, nothing marked",
        partial(watch, applications=[applied("1")], people=UNIT_ONLY),
        set(),
        records=[],
    ),
    Case(
        "a return goes to the unit, the responsible leader and the unit office, with its reason",
        partial(watch, returns=[returned("1", id_=3, reason="佐证材料不足")]),
        {
            ("zeren_lingdao", "sign_off_returned", "responsible_leader", None),
            ("ban", "sign_off_returned", "unit_office", None),
        },
        notes={"zeren_lingdao": "退回理由：佐证材料不足", "ban": "退回理由：佐证材料不足"},
        records=[Mark("return:3", TODAY, GREEN)],
    ),
    Case(
        "a return already told: not again",
        partial(watch, returns=[returned("1", id_=3)], marks={Mark("return:3", TODAY, GREEN)}),
        set(),
        records=[],
    ),
    # --- awaiting the office's confirmation (待销号审核): neither reminded nor overdue
    Case(
        "awaiting confirmation past its due: no due reminder, no red",
        partial(
            watch,
            [problem("1", AWAITING, measure(RED_DUE)), problem("2", AWAITING, measure(GREEN_DUE))],
        ),
        set(),
        records=[],
    ),
    Case(
        "awaiting confirmation: neither lagging nor overdue in monthly supervision",
        partial(supervise, [problem("1", AWAITING, measure(RED_DUE))], STALE),
        ROUTINE_SUPERVISION,
        lines={"ban": "本次督办：滞后问题0个，超期问题0个"},
        records={},
    ),
    # --- the rectification report (整改报告) to the office, counted from the feedback
    Case(
        "report at the first reminder: the leader, green",
        partial(watch, report_due=GREEN_DUE),
        {("zuzhang", "report_reminder", "leader", GREEN)},
        records=[Mark("rectification_report", GREEN_DUE, GREEN)],
    ),
    Case(
        "report at the second reminder: the leader, yellow",
        partial(
            watch,
            report_due=YELLOW_DUE,
            marks={Mark("rectification_report", YELLOW_DUE, GREEN)},
        ),
        {("zuzhang", "report_reminder", "leader", YELLOW)},
    ),
    Case(
        "report overdue: red to the leader and the inspection office's supervisors",
        partial(watch, report_due=RED_DUE),
        {
            ("zuzhang", "report_overdue", "leader", RED),
            ("xcb_a", "report_overdue", "office_supervisor", RED),
            ("xcb_b", "report_overdue", "office_supervisor", RED),
        },
        records=[Mark("rectification_report", RED_DUE, RED)],
    ),
    Case(
        "report overdue already told: not again",
        partial(watch, report_due=RED_DUE, marks={Mark("rectification_report", RED_DUE, RED)}),
        set(),
    ),
    Case(
        "report submitted (no due any more): nothing",
        partial(watch, report_due=None),
        set(),
        records=[],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_who_is_told_what(case: Case):
    plans, records = case.run()
    told = {(p.to, p.kind, p.role, p.level) for p in plans}
    assert told == case.told
    assert len(told) == len(plans)  # one digest per person and kind
    by_person = {p.to: p for p in plans}
    for person, refs in case.refs.items():
        assert by_person[person].problems == refs
    for person, text in case.lines.items():
        assert any(text in line for line in by_person[person].lines), by_person[person].lines
    for person, text in case.notes.items():
        items = by_person[person].items
        assert items and all(text in (i.note or i.text) for i in items), items
    if case.records is not None:
        assert records == case.records
