"""A rectification replayed day by day through the engine's own tasks (no Prefect server): the
deadline watch every day at 09:00, the half-monthly dispatch and the monthly supervision on
their days, the scripted events in between, as `simulate` orders them. What the people of the
unit and of the office would see arrive:

- problem 1 has two measures; the first is completed on time, so the problem stays out of
  red until the second's due, and the person who completed it is not reminded again;
- every monthly supervision reaches the leader, also before the plan is approved;
- the plan overdue is told again at every supervision until it is approved;
- problem 2 stays overdue: its first cycle reaches the responsible person and leader, the
  second also the lead leader, the third the office's supervisors, and the office view lists a
  talk (约谈) to hold;
- problem 3 is long-term: listed to its responsible leader at every supervision until it is
  closed; its missed checkpoint gives a red ``stage_report_due``.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from sqlmodel import select

from models import Notice, session_scope
from rectify.core.clock import local_date
from rectify.feedback.service import import_file
from rectify.problems import service
from rectify.reports import office_rows
from rectify.runtime.simulation import load_scenario, timeline
from tasks.context import each_inspection
from tasks.deadline_watch import watch_deadlines
from tasks.dispatch import dispatch_one
from tasks.supervision import supervise

IID = "replay-2024"
TZ = "Asia/Shanghai"


def _measure(due, person, department="office", **extra):
    return {
        "text": f"{person}负责的措施",
        "lead_leader": "lead",
        "responsible_leader": "rleader",
        "department": department,
        "responsible_person": person,
        "due": due,
        **extra,
    }


FEEDBACK = {
    "inspection": {
        "id": IID,
        "round": "四届区委第八轮巡察",
        "group": "区委巡察八组",
        "unit": "滨海新区某局党组",
        "kind": "regular",
        "onsite": {"start": dt.date(2024, 3, 14), "end": dt.date(2024, 4, 27)},
        "feedback_date": dt.date(2024, 6, 27),
    },
    "policy": {"plan_due": {"days": 30}, "report_due": {"days": 60}, "reminders": [20, 10]},
    "office": {
        "id": "xcb",
        "name": "区委巡察办",
        "staff": [
            {"id": "xcb_li", "name": "巡察办督查室", "roles": ["supervisor"]},
            {"id": "xcb_wang", "name": "巡察办综合室", "roles": ["supervisor"]},
        ],
    },
    "people": [
        {"id": "secretary", "name": "局党组书记", "roles": ["leader"]},
        {"id": "deputy", "name": "副局长", "roles": ["deputy"]},
        {"id": "office_head", "name": "整改办主任", "roles": ["unit_office"]},
        {"id": "lead", "name": "牵头副局长", "roles": []},
        {"id": "rleader", "name": "分管副局长", "roles": []},
        {"id": "person_a", "name": "科员甲", "roles": []},
        {"id": "person_b", "name": "科员乙", "roles": []},
        {"id": "head", "name": "大气科科长", "roles": []},
    ],
    "departments": [
        {"id": "office", "name": "办公室"},
        {"id": "atmosphere", "name": "大气环境科", "head": "head"},
    ],
    "aspects": [
        {
            "title": "履行职责有短板",
            "categories": [
                {
                    "title": "整改不到位",
                    "problems": [
                        {
                            "ref": "1",
                            "title": "两项措施的问题",
                            "measures": [
                                _measure(dt.date(2024, 10, 20), "person_a"),
                                _measure(dt.date(2024, 12, 10), "person_b", "atmosphere"),
                            ],
                        },
                        {
                            "ref": "2",
                            "title": "一直超期的问题",
                            "measures": [_measure(dt.date(2024, 9, 30), "person_b", "atmosphere")],
                        },
                        {
                            "ref": "3",
                            "title": "需长期整改的问题",
                            "measures": [_measure(dt.date(2024, 12, 31), "person_a")],
                        },
                    ],
                }
            ],
        }
    ],
}

SCENARIO = """\
feedback: feedback.yaml
clock: {start: 2024-06-27T09:00, until: 2024-12-26T18:00}
events:
  - at: 2024-09-26T10:00
    approve_plan: {meeting: 局党组会议, by: secretary}
  - at: 2024-09-27
    long_term: {problem: "3", by: secretary, stage_goal: 建立长效机制, checkpoint: 2024-10-20}
  - at: 2024-10-08T10:00
    complete: {problem: "1", measure: 1, text: 已完成, by: person_a, evidence: [a.pdf]}
  - at: 2024-10-08T11:00
    submit_report: {by: secretary}
  - at: 2024-11-05
    stage_report: {problem: "3", by: person_a, text: 阶段目标完成, next_checkpoint: 2025-03-31}
  - at: 2024-12-20
    sign_off: {problem: "3", by: xcb_li, evidence: [c.pdf]}
"""

D = dt.date
SUPERVISION_DAYS = [D(2024, m, 25) for m in range(7, 13)]
# the first measure's due passed, each supervision, the second measure's due and the day after
LEVEL_DAYS = [D(2024, 10, 21), D(2024, 10, 25), D(2024, 11, 25), D(2024, 12, 10), D(2024, 12, 11)]

RUNS = {
    "deadline-watch": lambda at: watch_deadlines.fn([IID], at),
    "half-monthly-dispatch": lambda at: each_inspection([IID], at, dispatch_one),
    "monthly-supervision": lambda at: supervise.fn([IID], at),
}


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """The replay's notices (at, kind, level, to, role, problems), its refused events, and
    the office view and the notice count after a second run of the last supervision."""
    tmp = tmp_path_factory.mktemp("replay")
    monkey = pytest.MonkeyPatch()
    monkey.setenv("RECTIFY_HOME", str(tmp / "home"))
    monkey.delenv("RECTIFY_DATABASE_URL", raising=False)
    from models import create_schema, reset_engine
    from rectify.core.settings import reset_settings

    reset_settings()
    reset_engine()
    create_schema()
    (tmp / "feedback.yaml").write_text(yaml.safe_dump(FEEDBACK, allow_unicode=True), "utf-8")
    (tmp / "scenario.yaml").write_text(SCENARIO, "utf-8")
    scenario = load_scenario(tmp / "scenario.yaml")
    import_file(tmp / "feedback.yaml", at=scenario.start)
    steps = [(e.at, 0, e.index, e) for e in scenario.events]
    steps += [(at, 1, order, name) for at, order, name in timeline(scenario)]
    refused = []
    last_supervision = None
    for at, is_flow, _, what in sorted(steps, key=lambda s: s[:3]):
        if not is_flow:
            outcome = service.act(IID, what.action, at)
            refused += [] if outcome.done else [(what.kind, outcome.message)]
        elif what in RUNS:
            RUNS[what](at)
            last_supervision = at if what == "monthly-supervision" else last_supervision
    notices = _notices()
    supervise.fn([IID], last_supervision)  # the same supervision again: nothing new
    with session_scope() as session:
        offices = office_rows(dt.date(2024, 12, 26), session=session)
        problem_1 = {
            day: next(
                r for r in service.status(IID, day, session=session)["items"] if r["ref"] == "1"
            )
            for day in LEVEL_DAYS
        }
    yield {
        "notices": notices,
        "refused": refused,
        "office": offices,
        "again": _notices(),
        "problem_1": problem_1,
    }
    monkey.undo()
    reset_engine()
    reset_settings()


def _notices() -> list[tuple]:
    with session_scope() as session:
        rows = session.exec(select(Notice).order_by(Notice.id)).all()
        return [
            (local_date(n.created_at, TZ), n.kind, n.level, n.person_key, n.role, n.problems)
            for n in rows
        ]


def told(replay, *, kind=None, to=None, on=None, ref=None):
    """The replay's notices matching every criterion given."""
    return [
        n
        for n in replay["notices"]
        if (kind is None or n[1] == kind)
        and (to is None or n[3] == to)
        and (on is None or n[0] == on)
        and (ref is None or ref in n[5])
    ]


def test_every_event_is_accepted(replay):
    assert replay["refused"] == []


def test_every_monthly_supervision_reaches_the_leader(replay):
    overviews = told(replay, kind="supervision", to="secretary")
    assert [n[0] for n in overviews] == SUPERVISION_DAYS
    assert {n[4] for n in overviews} == {"leader"}


def test_the_plan_overdue_is_told_again_at_every_supervision_until_approved(replay):
    days = [n[0] for n in told(replay, kind="plan_overdue", to="secretary")]
    # once by the deadline watch the day after its due (29 July), then at each supervision
    assert days == [D(2024, 7, 30), D(2024, 8, 25), D(2024, 9, 25)]
    office = {n[0] for n in told(replay, kind="plan_overdue", to="xcb_li")}
    assert {D(2024, 8, 25), D(2024, 9, 25)} <= office


def test_a_measure_completed_on_time_keeps_its_problem_out_of_red(replay):
    levels = {day: (row["level"], row["overdue"]) for day, row in replay["problem_1"].items()}
    assert levels == {
        D(2024, 10, 21): (None, False),  # the first measure done: its due passing is nothing
        D(2024, 10, 25): (None, False),
        D(2024, 11, 25): ("green", False),
        D(2024, 12, 10): ("yellow", False),
        D(2024, 12, 11): ("red", True),  # the second measure's due passed
    }
    overdue_1 = [n[0] for n in told(replay, kind="overdue", ref="1")]
    assert overdue_1 and min(overdue_1) == D(2024, 12, 11)
    # the person who completed the first measure (8 October) is not reminded of it again
    assert [n[0] for n in told(replay, to="person_a", ref="1") if n[0] > D(2024, 10, 8)] == []
    # the second measure's person is, up the ladder
    assert {n[2] for n in told(replay, to="person_b", ref="1", kind="due_reminder")} == {
        "green",
        "yellow",
    }


def test_the_escalation_step_changes_who_is_told(replay):
    def supervised(day):
        return {(n[3], n[4]) for n in told(replay, kind="supervision", on=day, ref="2")}

    first, second, third = (supervised(D(2024, m, 25)) for m in (10, 11, 12))
    assert {("person_b", "responsible_person"), ("rleader", "responsible_leader")} <= first
    assert ("head", "department_head") in first
    assert not {key for key, _ in first} & {"lead", "xcb_li", "xcb_wang"}
    assert ("lead", "lead_leader") in second and "xcb_li" not in {k for k, _ in second}
    assert {("xcb_li", "office_supervisor"), ("xcb_wang", "office_supervisor")} <= third
    (row,) = replay["office"]
    assert row["talks"] == ["2"]


def test_a_long_term_problem_is_supervised_every_month_until_closed(replay):
    listed = [n[0] for n in told(replay, kind="supervision", to="rleader", ref="3")]
    assert listed == [
        D(2024, 10, 25),
        D(2024, 11, 25),
    ]  # long-term from 27 September, closed 20 December
    # its checkpoint of 20 October passed without a stage report: red at the supervision
    late = told(replay, kind="stage_report_due", on=D(2024, 10, 25), ref="3")
    assert {(n[3], n[4], n[2]) for n in late} >= {
        ("person_a", "responsible_person", "red"),
        ("rleader", "responsible_leader", "red"),
    }


def test_one_notice_per_person_kind_and_run_and_a_rerun_sends_nothing(replay):
    keys = [(n[0], n[1], n[3]) for n in replay["notices"]]
    assert len(keys) == len(set(keys))
    assert replay["again"] == replay["notices"]
