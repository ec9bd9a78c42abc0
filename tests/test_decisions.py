"""The office's decision on an application for sign-off given in the Prefect UI: the same
rules, permissions and audit as the command line, its channel beside the deciding person,
applied once; a decision not given in time is told to the office's head, once."""

import datetime as dt

import pendulum
import pytest
import yaml
from sqlmodel import select

from models import AuditEvent, Notice, Problem, session_scope
from rectify.core.states import ProblemState
from rectify.feedback.service import import_file
from rectify.notices.planning import Digests, Mark
from rectify.notices.planning.decisions import AwaitingDecision, decision_overdue
from rectify.problems.actions import ApplySignOff
from rectify.problems.decisions import briefing, decide, pending_applications
from rectify.problems.rules.escalation import Level
from rectify.problems.rules.views import PersonView
from rectify.problems.service import act

INSPECTION = "binhai-2024-r8"
HEAD = {"id": "xcb_zhang", "name": "巡察办主任", "roles": ["head"]}


def at(day: str, hour: int = 10) -> dt.datetime:
    return pendulum.parse(day, tz="Asia/Shanghai").add(hours=hour)


@pytest.fixture
def applied(db, spec_file) -> int:
    """The spec's example, its office with a head, problem 1 applied for on 2024-10-14."""
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    data["office"]["staff"].append(HEAD)
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert import_file(spec_file).done
    evidence = ["minutes-0910.pdf"]
    outcome = act(
        INSPECTION, ApplySignOff(by="deputy_law", problem="1", evidence=evidence), at("2024-10-14")
    )
    assert outcome.done, outcome.message
    with session_scope() as s:
        (pending,) = pending_applications(s, INSPECTION)
    return pending.application_id


CONFIRM = {"decision": "确认销号", "by": "xcb_li", "reason": "经审核，同意销号"}
RETURN = {"decision": "退回", "by": "xcb_li", "reason": "佐证材料不足"}

# (case, decisions given in turn, expected (outcome, code) of each, the problem's state after)
CASES = [
    ("confirmed", [CONFIRM], [("done", None)], ProblemState.CLOSED),
    ("returned", [RETURN], [("done", None)], ProblemState.IN_PROGRESS),
    (
        "confirmed twice: applied once",
        [CONFIRM, CONFIRM],
        [("done", None), ("refused", "already_decided")],
        ProblemState.CLOSED,
    ),
    (
        "returned, then confirmed",
        [RETURN, CONFIRM],
        [("done", None), ("refused", "already_decided")],
        ProblemState.IN_PROGRESS,
    ),
    (
        "returned without a reason",
        [{**RETURN, "reason": ""}],
        [("refused", "missing_reason")],
        ProblemState.AWAITING_CONFIRMATION,
    ),
    (
        "by the unit's leader",
        [{**CONFIRM, "by": "secretary"}],
        [("refused", "not_permitted")],
        ProblemState.AWAITING_CONFIRMATION,
    ),
    (
        "by the office's head, not a supervisor",
        [{**CONFIRM, "by": "xcb_zhang"}],
        [("refused", "not_permitted")],
        ProblemState.AWAITING_CONFIRMATION,
    ),
    (
        "by nobody of the inspection",
        [{**CONFIRM, "by": "stranger"}],
        [("refused", "unknown_person")],
        ProblemState.AWAITING_CONFIRMATION,
    ),
]


@pytest.mark.parametrize(
    ("given", "expected", "state"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_decision_goes_through_the_rules_and_the_audit_once(applied, given, expected, state):
    for n, form in enumerate(given):
        channel = f"flow-run:run-{n}"
        outcome = decide(INSPECTION, applied, channel=channel, at=at("2024-10-15", 10 + n), **form)
        with session_scope() as s:
            event = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.outcome, event.code) == expected[n]
        assert outcome.done is (expected[n][0] == "done")
        assert event.actor == form["by"]
        assert event.subject == "1"
        assert event.details["channel"] == channel
        assert event.details["application"] == applied
    with session_scope() as s:
        problem = s.exec(select(Problem).where(Problem.ref == "1")).one()
        assert problem.state is state


def test_the_briefing_shows_the_problem_the_evidence_and_the_history(applied):
    with session_scope() as s:
        (pending,) = pending_applications(s, INSPECTION)
        text = briefing(s, pending)
    assert pending.run_name == "销号审核 滨海新区生态环境局党组 问题 1"
    assert pending.decide_by == dt.date(2024, 10, 21)  # five working days after 2024-10-14
    for shown in (
        "学习贯彻不深不透",
        "minutes-0910.pdf",
        "分管法规副局长",
        "2024-10-21",
        "xcb_li",
        "申请销号",
    ):
        assert shown in text, shown


def view(key, roles, side="office"):
    return PersonView(key, key, frozenset(roles), side)


STAFF = {"xcb_li": view("xcb_li", ["supervisor"]), "xcb_wang": view("xcb_wang", ["supervisor"])}
LATE = AwaitingDecision(7, "1", "学习贯彻不深不透", dt.date(2024, 10, 14), dt.date(2024, 10, 21))

# (case, people, today, marks, told: [(person, role)])
PLANNING = [
    (
        "on the last day to decide",
        {**STAFF, "h": view("h", ["head"])},
        dt.date(2024, 10, 21),
        set(),
        [],
    ),
    (
        "a day late: the head",
        {**STAFF, "h": view("h", ["head"])},
        dt.date(2024, 10, 22),
        set(),
        [("h", "office_head")],
    ),
    (
        "no head: the supervisors",
        STAFF,
        dt.date(2024, 10, 22),
        set(),
        [("xcb_li", "office_supervisor"), ("xcb_wang", "office_supervisor")],
    ),
    (
        "already told",
        {"h": view("h", ["head"])},
        dt.date(2024, 10, 30),
        {Mark("decide:7", dt.date(2024, 10, 21), Level.RED)},
        [],
    ),
    (
        "a unit person called head is not the office's",
        {"h": view("h", ["head"], "unit")},
        dt.date(2024, 10, 22),
        set(),
        [],
    ),
]


@pytest.mark.parametrize(
    ("people", "today", "marks", "told"), [c[1:] for c in PLANNING], ids=[c[0] for c in PLANNING]
)
def test_a_late_decision_is_told_to_the_office_head_once(people, today, marks, told):
    digests = Digests()
    new = decision_overdue(digests, [LATE], people, marks, today)
    assert [(p.to, p.role) for p in digests.plans()] == told
    assert new == ([Mark("decide:7", dt.date(2024, 10, 21), Level.RED)] if told else [])
    for plan in digests.plans():
        assert plan.kind == "decision_overdue" and plan.level is Level.RED


def test_the_watch_writes_the_escalation_to_the_outbox_once(applied):
    from tasks.decisions import escalate_late_decisions

    for day, late in (("2024-10-21", 0), ("2024-10-22", 1), ("2024-10-23", 0)):
        (result,) = escalate_late_decisions.fn([INSPECTION], at(day))
        assert (result["waiting"], result["late"]) == (1, late), day
    with session_scope() as s:
        notices = s.exec(select(Notice).where(Notice.kind == "decision_overdue")).all()
    assert [(n.person_key, n.role) for n in notices] == [("xcb_zhang", "office_head")]
    assert "销号审核逾期未决定" in notices[0].subject
    assert "问题 1" in notices[0].body or "1" in notices[0].body


# (deployment, parameter, what its form shows: a JSON-schema fragment)
FORMS = [
    ("record-progress", "text", {"type": "string"}),
    ("complete-measure", "measure", {"type": "integer"}),
    ("apply-sign-off", "evidence", {"type": "array"}),
    ("extend", "new_due", {"format": "date"}),
    ("review", "outcome", {"enum": ["整改成效保持", "反弹回潮"]}),
    ("feedback-import", "pasted_yaml", {"type": "string"}),
    ("sign-off-decision", "application_id", {"type": "integer"}),
    ("review-decision", "assignment_id", {"type": "integer"}),
    ("decision-watch", "start_runs", {"type": "boolean"}),
]


def _schema_of(prop: dict) -> dict:
    """A property's own schema, or its one non-null alternative (``X | None``)."""
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    return {**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}}


@pytest.mark.parametrize(("name", "parameter", "shows"), FORMS, ids=[f[0] for f in FORMS])
def test_every_office_action_has_a_typed_form_described_in_chinese(name, parameter, shows):
    from prefect.utilities.callables import parameter_schema

    from deployments import by_name

    spec = by_name(name)
    flow = spec.load_flow()
    schema = parameter_schema(flow.fn).model_dump_for_openapi()
    prop = _schema_of(schema["properties"][parameter])
    assert shows.items() <= prop.items(), prop
    for key, each in schema["properties"].items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in each.get("description", "")), key
    assert any("\u4e00" <= ch <= "\u9fff" for ch in flow.description or ""), name
    assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.description)


def test_the_decision_form_asks_for_the_decision_the_reason_and_a_supervisor_of_the_office():
    from flows.decisions import decision_form

    form = decision_form({"xcb_li": "巡察办督查室", "xcb_wang": "巡察办综合室"})
    schema = form.model_json_schema()
    props = schema["properties"]
    assert props["decision"]["enum"] == ["确认销号", "退回"]
    assert props["by"]["enum"] == ["xcb_li", "xcb_wang"]
    assert "巡察办督查室" in props["by"]["description"]
    assert props["reason"]["title"] == "理由或审核意见"
    answer = form(decision="退回", by="xcb_wang", reason="佐证材料不足")
    assert (answer.decision, answer.by) == ("退回", "xcb_wang")
    with pytest.raises(ValueError):
        form(decision="确认销号", by="secretary")


@pytest.fixture
def review_assigned(applied) -> int:
    """Problem 1 confirmed on 2024-10-15 by xcb_li, its 回头看 assigned on 2025-02-03."""
    from rectify.problems.review_decisions import pending_reviews
    from tasks.review import assign_reviews

    assert decide(INSPECTION, applied, channel="cli", at=at("2024-10-15"), **CONFIRM).done
    assign_reviews.fn([INSPECTION], at("2025-02-03"))
    with session_scope() as s:
        (pending,) = pending_reviews(s, INSPECTION)
    assert (pending.reviewer, pending.run_name) == (
        "xcb_wang",
        "回头看 滨海新区生态环境局党组 问题 1",
    )
    return pending.assignment_id


SUSTAINED = {"finding": "整改成效保持", "by": "xcb_wang", "note": "未见反弹"}
RELAPSED = {"finding": "反弹回潮", "by": "xcb_wang", "note": "问题再次出现"}

# (case, outcomes given in turn, expected (outcome, code) of each, the problem's state after)
REVIEWS = [
    ("sustained", [SUSTAINED], [("done", None)], ProblemState.CLOSED),
    (
        "sustained twice: applied once",
        [SUSTAINED, SUSTAINED],
        [("done", None), ("refused", "already_decided")],
        ProblemState.CLOSED,
    ),
    (
        "relapsed, then sustained",
        [RELAPSED, SUSTAINED],
        [("done", None), ("refused", "already_decided")],
        ProblemState.REOPENED,
    ),
    (
        "by who confirmed the sign-off",
        [{**SUSTAINED, "by": "xcb_li"}],
        [("refused", "own_sign_off")],
        ProblemState.CLOSED,
    ),
]


@pytest.mark.parametrize(
    ("given", "expected", "state"), [c[1:] for c in REVIEWS], ids=[c[0] for c in REVIEWS]
)
def test_a_review_outcome_goes_through_the_rules_and_the_audit_once(
    review_assigned, given, expected, state
):
    from rectify.problems.review_decisions import decide_review

    for n, form in enumerate(given):
        channel = f"flow-run:review-{n}"
        outcome = decide_review(
            INSPECTION, review_assigned, channel=channel, at=at("2025-02-04", 10 + n), **form
        )
        with session_scope() as s:
            event = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.outcome, event.code) == ("review", *expected[n])
        assert outcome.done is (expected[n][0] == "done")
        assert (event.actor, event.subject, event.details["channel"]) == (form["by"], "1", channel)
    with session_scope() as s:
        assert s.exec(select(Problem).where(Problem.ref == "1")).one().state is state


def test_the_review_form_offers_the_assigned_reviewer_first():
    from flows.review_decisions import review_form

    schema = review_form({"xcb_li": "督查室", "xcb_wang": "综合室"}, "xcb_wang").model_json_schema()
    assert schema["properties"]["by"]["enum"] == ["xcb_wang", "xcb_li"]
    assert schema["properties"]["finding"]["enum"] == ["整改成效保持", "反弹回潮"]


def test_the_audit_log_shows_the_decision_with_its_flow_run(applied):
    from typer.testing import CliRunner

    from rectify.cli import app

    decide(INSPECTION, applied, channel="flow-run:1234abcd", at=at("2024-10-15"), **CONFIRM)
    decide(INSPECTION, applied, channel="flow-run:5678ef00", at=at("2024-10-16"), **CONFIRM)
    lines = CliRunner().invoke(app, ["audit", "--limit", "2"]).output.splitlines()
    assert "xcb_li（flow-run:5678ef00） sign_off 1 拒绝（already_decided）：" in lines[0]
    assert "xcb_li（flow-run:1234abcd） sign_off 1 完成" in lines[1]
