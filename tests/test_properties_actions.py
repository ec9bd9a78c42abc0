"""Random sequences of actions by random people of both sides on random, later and later
dates: plan approval, the rectification report, progress, applications for sign-off (申请销号),
the office's confirmations (销号) and returns (退回), long-term declarations, extensions and
回头看 reviews, by leaders, the unit's office, office supervisors, the responsible people
themselves, people without the right, and strangers.

After every step, against a model of the rules written here independently of rectify/rules
(the table "Who may do what" of feedback-format.md): the action is done or refused exactly
when the model says; a refusal changes nothing but the audit log; every problem is in the
state the model gives, in the database and rebuilt from its history; the counts add up; the
audit chain verifies; and no notice planner names a closed problem (a long-term one only for
its checkpoint: the monthly supervision lists it to its responsible leader until closed).

200 sequences of 4 to 20 steps (SQLite); 50 on PostgreSQL (RECTIFY_TEST_DATABASE_URL), to
keep that run fast."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import chinese_calendar
import pendulum
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel, select

from models import Inspection, Problem, get_engine, session_scope
from rectify.audit.log import verify
from rectify.core.clock import local_date
from rectify.feedback.service import import_file
from rectify.notices.planning import deadline_watch, dispatch_notices, dispatch_sheet, supervision
from rectify.problems import service
from rectify.problems.actions import (
    ACTIONS,
    ApplySignOff,
    LongTerm,
    ReturnSignOff,
    ReviewAction,
    SignOffAction,
)
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import person_views
from tests.conftest import POSTGRES_URL, SPEC_EXAMPLE, dump_database

pytestmark = pytest.mark.slow

TZ = "Asia/Shanghai"
FEEDBACK_DATE = dt.date(2024, 6, 27)
PLAN_DUE = dt.date(2024, 8, 26)  # 60 days after the feedback

# ---------------------------------------------------------------- the inspection

ROLES = {  # the unit's side
    "secretary": {"leader"},
    "deputy_law": {"deputy"},
    "office_head": {"office", "reviewer"},  # read as unit_office; reviewer gives nothing
    "discipline": set(),
    "clerk": set(),
}
STAFF = {  # the office's side
    "xcb_li": {"supervisor"},
    "xcb_wang": {"supervisor", "clues"},
    "xcb_zhao": {"clues"},
}
ACTORS = [*ROLES, *STAFF, "ghost"]  # ghost is nobody in the file
# ref → measures as (lead_leader, responsible_leader, responsible_person, due or None)
MEASURES = {
    "1": [
        ("secretary", "deputy_law", "office_head", dt.date(2024, 10, 31)),
        ("secretary", "deputy_law", "office_head", None),  # long-term, checkpoint 2024-12-31
    ],
    "2": [("secretary", "deputy_law", "clerk", dt.date(2024, 9, 30))],
    "3": [("deputy_law", "deputy_law", "discipline", dt.date(2024, 11, 30))],
}
REFS = [*MEASURES, "9"]  # 9 is no problem of the inspection


def feedback_file(tmp_path) -> Path:
    data = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    data["people"] = [
        {"id": key, "name": key, "roles": sorted(roles), "contacts": []}
        for key, roles in ROLES.items()
    ]
    data["office"] = {
        "id": "binhai-xcb",
        "name": "滨海新区区委巡察办",
        "staff": [{"id": key, "name": key, "roles": sorted(r)} for key, r in STAFF.items()],
    }
    template = data["aspects"][0]["categories"][0]["problems"][0]
    problems = []
    for ref, measures in MEASURES.items():
        problem = copy.deepcopy(template)
        problem.update(ref=ref, title=f"问题{ref}")
        problem["measures"] = [
            {
                "text": f"措施{i + 1}",
                "lead_leader": lead,
                "responsible_leader": leader,
                "department": "office",
                "responsible_person": person,
                **({"due": due} if due else {"due": "long_term", "checkpoint": "2024-12-31"}),
            }
            for i, (lead, leader, person, due) in enumerate(measures)
        ]
        problems.append(problem)
    data["aspects"][0]["categories"][0]["problems"] = problems
    path = tmp_path / "binhai.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the model

NOT_STARTED, IN_PROGRESS, LONG_TERM, AWAITING, CLOSED, REOPENED = (
    "not_started",
    "in_progress",
    "long_term",
    "awaiting_confirmation",
    "closed",
    "reopened",
)
OPEN = {NOT_STARTED, IN_PROGRESS, REOPENED}
# (state, what happens) → the next state; anything missing is illegal; a return goes back
ALLOWED = {
    **{(s, "progress"): (IN_PROGRESS if s == NOT_STARTED else s) for s in OPEN | {LONG_TERM}},
    **{(s, "apply_sign_off"): AWAITING for s in OPEN | {LONG_TERM}},
    **{(s, "sign_off"): CLOSED for s in OPEN | {LONG_TERM, AWAITING}},
    (AWAITING, "return_sign_off"): "back",
    **{(s, "long_term"): LONG_TERM for s in OPEN | {LONG_TERM}},
    **{(s, "extend"): s for s in OPEN},
    (CLOSED, "sustained"): CLOSED,
    (CLOSED, "relapsed"): REOPENED,
}


def unit_roles(key: str) -> set[str]:
    return {"unit_office" if r == "office" else r for r in ROLES.get(key, set())}


def supervisor(key: str) -> bool:
    return "supervisor" in STAFF.get(key, set())


def may(kind: str, by: str, ref: str | None, overdue: bool) -> bool:
    """The table "Who may do what", for problems."""
    roles = unit_roles(by)
    measures = MEASURES.get(ref or "", [])
    if kind in ("approve_plan", "submit_report"):
        return "leader" in roles
    if kind == "progress":
        return by in {m[1] for m in measures} | {m[2] for m in measures} or "unit_office" in roles
    if kind == "apply_sign_off":
        named = {m[0] for m in measures} | {m[1] for m in measures}
        return by in named or bool(roles & {"leader", "unit_office"})
    if kind == "long_term" and not overdue:
        return "leader" in roles
    return supervisor(by)  # confirm, return, extend, review; long-term once overdue


def rolled(day: dt.date) -> dt.date:
    """A calendar-day deadline moved to the next working day (official calendar)."""
    while not chinese_calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


@dataclass
class Model:
    states: dict[str, str] = field(default_factory=lambda: dict.fromkeys(MEASURES, NOT_STARTED))
    dues: dict[str, list[dt.date | None]] = field(
        default_factory=lambda: {ref: [m[3] for m in ms] for ref, ms in MEASURES.items()}
    )
    checkpoints: dict[str, dt.date] = field(default_factory=dict)
    applied_from: dict[str, str] = field(default_factory=dict)
    confirmed: dict[str, tuple[str, dt.date]] = field(default_factory=dict)  # by, on
    approved: bool = False

    def refusal(self, action, today: dt.date) -> str | None:
        """The code the rules refuse ``action`` with on ``today``, or None if it is done."""
        if today < FEEDBACK_DATE:
            return "before_feedback"
        known = action.by in ROLES or action.by in STAFF
        if action.kind in ("approve_plan", "submit_report"):
            if not known:
                return "unknown_person"
            if not may(action.kind, action.by, None, False):
                return "not_permitted"
            if action.kind == "submit_report":
                return None
            if not action.meeting.strip():
                return "missing_meeting"
            return "already_approved" if self.approved else None
        if action.problem not in MEASURES:
            return "unknown_problem"
        if not known:
            return "unknown_person"
        ref = action.problem
        if not may(action.kind, action.by, ref, ref in self.overdue(today)):
            return "not_permitted"
        state = self.states[ref]
        if action.kind == "review" and state == CLOSED and self.confirmed[ref][0] == action.by:
            return "own_sign_off"
        return self._step_refusal(action, state, today)

    def _step_refusal(self, action, state: str, today: dt.date) -> str | None:
        """The step's own checks, in the order the rules make them."""
        kind, a = action.kind, action
        legal = (state, a.outcome if kind == "review" else kind) in ALLOWED
        evidence = any(e.strip() for e in getattr(a, "evidence", []))
        checks = {
            "progress": lambda: [("missing_text", not a.text.strip()), ("illegal", not legal)],
            "apply_sign_off": lambda: [
                ("illegal", not legal),
                ("missing_evidence", not evidence),
            ],
            "sign_off": lambda: [
                ("illegal", not legal),
                ("missing_evidence", state != AWAITING and not evidence),
            ],
            "return_sign_off": lambda: [
                ("illegal", not legal),
                ("missing_reason", not a.reason.strip()),
            ],
            "long_term": lambda: [
                ("missing_stage_goal", not a.stage_goal.strip()),
                ("checkpoint_not_future", a.checkpoint <= today),
                ("illegal", not legal),
            ],
            "extend": lambda: [
                ("missing_reason", not a.reason.strip()),
                ("due_not_future", a.new_due <= today),
                ("illegal", not legal),
                (
                    "not_later",
                    not any(d is not None and d < a.new_due for d in self.dues[a.problem]),
                ),
            ],
            "review": lambda: [
                ("illegal", not legal),
                ("review_not_due", legal and today < self.review_due(a.problem)),
            ],
        }
        for code, fails in checks[kind]():
            if fails:
                return "illegal_transition" if code == "illegal" else code
        return None

    def review_due(self, ref: str) -> dt.date:
        return rolled(self.confirmed[ref][1] + dt.timedelta(days=90))

    def apply(self, action, today: dt.date) -> None:
        if action.kind == "approve_plan":
            self.approved = True
            return
        if action.kind == "submit_report":
            return
        ref = action.problem
        happens = action.outcome if action.kind == "review" else action.kind
        before = self.states[ref]
        after = ALLOWED[before, happens]
        if after == "back":
            after = self.applied_from[ref]
            after = IN_PROGRESS if after == NOT_STARTED else after
        self.states[ref] = after
        if action.kind == "apply_sign_off":
            self.applied_from[ref] = before
        if action.kind == "sign_off":
            self.confirmed[ref] = (action.by, today)
        if action.kind == "long_term":
            self.checkpoints[ref] = action.checkpoint
        if action.kind == "extend":
            self.dues[ref] = [
                action.new_due if d is not None and d < action.new_due else d
                for d in self.dues[ref]
            ]
        if happens == "relapsed":
            new_due = rolled(today + dt.timedelta(days=30))
            self.dues[ref] = [new_due if d is not None else None for d in self.dues[ref]]

    def overdue(self, on: dt.date) -> set[str]:
        return {
            ref
            for ref, state in self.states.items()
            if state in OPEN and any(d is not None and on > d for d in self.dues[ref])
        }


# ---------------------------------------------------------------- the steps

# Who usually does what: half the actors are drawn from these, half from everyone.
USUAL = {
    "approve_plan": ["secretary"],
    "submit_report": ["secretary"],
    "progress": ["office_head", "clerk", "deputy_law", "discipline"],
    "apply_sign_off": ["deputy_law", "secretary", "office_head"],
    "sign_off": ["xcb_li", "xcb_wang"],
    "return_sign_off": ["xcb_li", "xcb_wang"],
    "long_term": ["secretary", "xcb_li"],
    "extend": ["xcb_li", "secretary"],
    "review": ["xcb_li", "xcb_wang"],
}


def blank_or(values: list):
    """Mostly the first (valid) value, sometimes one of the others (blank or missing)."""
    return st.one_of(st.just(values[0]), st.sampled_from(values))


@st.composite
def steps(draw) -> tuple[int, str, dict]:
    """Minutes after the previous step (often none: several commands with one ``--at``),
    the action's kind, its fields (dates as days after the step's own date, filled in when
    it runs)."""
    minutes = draw(st.one_of(st.just(0), st.integers(1, 60 * 24 * 12)))
    kind = draw(st.sampled_from(sorted(USUAL)))
    fields = {"by": draw(st.one_of(st.sampled_from(USUAL[kind]), st.sampled_from(ACTORS)))}
    if kind == "approve_plan":
        fields["meeting"] = draw(blank_or(["第12次党组会", ""]))
    elif kind == "submit_report":
        fields["title"] = draw(st.sampled_from(["", "整改报告"]))
    else:
        # any ref, or (resolved when the step runs) one the action makes sense for
        fields["problem"] = draw(st.one_of(st.sampled_from(REFS), st.integers(0, 2)))
    if kind == "progress":
        fields["text"] = draw(blank_or(["已推进", "", "  "]))
        fields["evidence"] = draw(st.sampled_from([[], ["进展.pdf"]]))
    elif kind in ("apply_sign_off", "sign_off"):
        fields["evidence"] = draw(blank_or([["纪要.pdf"], [], [" "], ["", "台账.xlsx"]]))
    elif kind == "return_sign_off":
        fields["reason"] = draw(blank_or(["佐证材料不足", ""]))
    elif kind == "long_term":
        fields["stage_goal"] = draw(blank_or(["建立长效机制", ""]))
        fields["checkpoint"] = draw(st.integers(-30, 200))
    elif kind == "extend":
        fields["reason"] = draw(blank_or(["待财政拨付", ""]))
        fields["new_due"] = draw(st.integers(-30, 240))
    elif kind == "review":
        fields["outcome"] = draw(st.sampled_from(["sustained", "relapsed"]))
    return minutes, kind, fields


SENSIBLE = {  # the states an action is meant for
    "progress": OPEN | {LONG_TERM},
    "apply_sign_off": OPEN | {LONG_TERM},
    "sign_off": OPEN | {LONG_TERM, AWAITING},
    "return_sign_off": {AWAITING},
    "long_term": OPEN,
    "extend": OPEN,
    "review": {CLOSED},
}


def build(kind: str, fields: dict, today: dt.date, model: Model):
    fields = dict(fields)
    if isinstance(fields.get("problem"), int):
        fitting = [ref for ref, state in model.states.items() if state in SENSIBLE[kind]]
        fields["problem"] = fitting[fields["problem"] % len(fitting)] if fitting else "1"
    for name in ("checkpoint", "new_due"):
        if name in fields:
            fields[name] = today + dt.timedelta(days=fields[name])
    return ACTIONS[kind](**fields)


# ---------------------------------------------------------------- the checks


def wipe() -> None:
    """An empty database for the next sequence, quicker than a new one."""
    with get_engine().begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


def without_audit(dump: dict) -> dict:
    return {k: v for k, v in dump.items() if k != "auditevent"}


def check_planners(snap, people, today: dt.date, model: Model) -> None:
    """No planner names a closed problem; a long-term one only for its checkpoint."""
    states = {p.ref: p.state.value for p in snap.problems}
    reminders = snap.policy.reminder_pair
    plans, _ = deadline_watch(
        problems=snap.problems,
        people=people,
        plan_due=PLAN_DUE,
        plan_approved_on=today if model.approved else None,
        centralised_end=None,
        reminders=reminders,
        marks=set(),
        today=today,
    )
    for plan in plans:
        for item in plan.items:
            if item.ref:
                assert states[item.ref] != CLOSED, (plan.kind, item)
            if item.ref and states[item.ref] == LONG_TERM:
                assert item.due == model.checkpoints[item.ref], (plan.kind, item)
    sheet = dispatch_sheet(snap.problems, snap.last_progress, None, today)
    plans = dispatch_notices(
        problems=snap.problems,
        sheet=sheet,
        people=people,
        department_heads={},
        reminders=reminders,
        today=today,
        failures=[],
    )
    for plan in plans:
        for item in plan.items:
            assert states[item.ref] != CLOSED, (plan.kind, item)
            if states[item.ref] == LONG_TERM:
                assert item.level is None, (plan.kind, item)
    plans, cycles = supervision(
        problems=snap.problems,
        people=people,
        last_progress=snap.last_progress,
        previous_supervision=None,
        previous_cycles={},
        reminders=reminders,
        today=today,
        failures=[],
    )
    for plan in plans:
        for item in plan.items:
            if not item.ref:
                continue
            # open, or long-term (also while its sign-off awaits the office) until closed
            assert states[item.ref] in OPEN | {LONG_TERM, AWAITING}, (plan.kind, item)
            if states[item.ref] == LONG_TERM:
                assert item.due == model.checkpoints[item.ref], (plan.kind, item)
    assert set(cycles) >= model.overdue(today)


def check_state(iid: str, at: dt.datetime, model: Model) -> None:
    today = local_date(at, TZ)
    with session_scope() as session:
        stored = {p.ref: p.state.value for p in session.exec(select(Problem))}
        assert stored == model.states, "stored states"
        inspection = session.get(Inspection, iid)
        snap = snapshot(session, inspection, today)
        assert {p.ref: p.state.value for p in snap.problems} == model.states, "rebuilt states"
        assert {p.ref: [m.due for m in p.measures] for p in snap.problems} == model.dues
        totals = snap.totals()
        assert totals.problems == len(MEASURES)
        states = (NOT_STARTED, IN_PROGRESS, LONG_TERM, AWAITING, CLOSED, REOPENED)
        assert sum(getattr(totals, state) for state in states) == totals.problems
        for state in states:
            assert getattr(totals, state) == list(model.states.values()).count(state)
        assert totals.overdue == len(model.overdue(today))
        by_aspect = [counts for _, _, counts in snap.aspect_counts()]
        assert sum(c.problems for c in by_aspect) == totals.problems
        assert sum(c.overdue for c in by_aspect) == totals.overdue
        assert verify(session) == []
        check_planners(snap, person_views(session, iid), today, model)


@pytest.fixture
def feedback(db, tmp_path) -> Path:
    return feedback_file(tmp_path)


@settings(
    max_examples=50 if POSTGRES_URL else 200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.integers(4, 20).flatmap(lambda n: st.lists(steps(), min_size=n, max_size=n)))
def test_random_actions_keep_every_rule(feedback, sequence):
    wipe()
    at = pendulum.datetime(2024, 6, 26, 9, tz=TZ)  # the day before the feedback
    imported = import_file(feedback, at=at)
    assert imported.done, imported.errors
    iid = imported.inspection_id
    model = Model()
    after = dump_database()
    for minutes, kind, fields in sequence:
        at = at.add(minutes=minutes)
        today = local_date(at, TZ)
        action = build(kind, fields, today, model)
        expected = model.refusal(action, today)
        before = after
        outcome = service.act(iid, action, at)
        after = dump_database()
        assert outcome.done == (expected is None), (action, outcome, model)
        event(f"{kind}: {outcome.code or 'done'}")  # --hypothesis-show-statistics
        new_events = len(after["auditevent"]) - len(before["auditevent"])
        assert new_events == 1, "every action is audited once"
        if expected is None:
            model.apply(action, today)
        else:
            assert outcome.code == expected, (action, outcome, model)
            assert without_audit(after) == without_audit(before), "a refusal changed data"
            (audited,) = set(after["auditevent"]) - set(before["auditevent"])
            assert "refused" in audited and expected in audited
        check_state(iid, at, model)


def test_actions_at_one_instant_are_rebuilt_in_the_order_they_happened(feedback):
    """Three actions entered with the same `--at 2024-07-01` (09:00): declared long-term,
    applied for sign-off, returned. The problem is long-term again; status must say so too."""
    at = pendulum.datetime(2024, 7, 1, 9, tz=TZ)
    iid = import_file(feedback, at=at).inspection_id
    for action in (
        LongTerm(
            by="secretary", problem="2", stage_goal="建立长效机制", checkpoint=dt.date(2025, 1, 1)
        ),
        ApplySignOff(by="secretary", problem="2", evidence=["纪要.pdf"]),
        ReturnSignOff(by="xcb_li", problem="2", reason="佐证材料不足"),
    ):
        assert service.act(iid, action, at).done
    with session_scope() as session:
        stored = session.exec(select(Problem).where(Problem.ref == "2")).one().state.value
        snap = snapshot(session, session.get(Inspection, iid), dt.date(2024, 7, 1))
        rebuilt = next(p.state.value for p in snap.problems if p.ref == "2")
    assert (stored, rebuilt) == (LONG_TERM, LONG_TERM)


def test_an_action_entered_before_the_problems_last_event_is_refused(feedback):
    """Back-dating before the latest recorded event would put it in a place of the history
    that contradicts the state: refused, with both instants named, and audited."""
    at = pendulum.datetime(2024, 7, 10, 9, tz=TZ)
    iid = import_file(feedback, at=at).inspection_id
    assert service.act(iid, SignOffAction(by="xcb_li", problem="2", evidence=["纪要.pdf"]), at).done
    earlier = service.act(
        iid, ReviewAction(by="xcb_wang", problem="2", outcome="relapsed"), at.subtract(days=3)
    )
    assert not earlier.done and earlier.code == "before_last_event"
    assert "2024-07-07 09:00" in earlier.message and "2024-07-10 09:00" in earlier.message
    with session_scope() as session:
        assert session.exec(select(Problem).where(Problem.ref == "2")).one().state.value == "closed"
