"""The office's actions as flows (the UI's "Custom run" forms) under a Prefect test server:
each goes through the command line's rules and audit, a refusal ends the run Failed with its
Chinese reason, pasted YAML imports like a file."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from sqlmodel import select

from flows.feedback_import import feedback_import
from flows.office_actions import (
    Handling,
    apply_sign_off,
    complete_measure,
    extend,
    record_progress,
    review,
)
from models import AuditEvent, Problem, session_scope
from rectify.core.states import ProblemState
from tests.conftest import SPEC_EXAMPLE

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]
INSPECTION = "binhai-2024-r8"


def when(day: str) -> Handling:
    return Handling(
        inspection_id=INSPECTION, at=pendulum.parse(day, tz="Asia/Shanghai").add(hours=10)
    )


# (case, flow, parameters, done?, the audit's (action, outcome, code))
STEPS = [
    (
        "progress",
        record_progress,
        {
            "problem": "1",
            "by": "office_head",
            "text": "已纳入第一议题",
            "handling": when("2024-09-10"),
        },
        True,
        ("progress", "done", None),
    ),
    (
        "progress by nobody",
        record_progress,
        {"problem": "1", "by": "stranger", "text": "x", "handling": when("2024-09-11")},
        False,
        ("progress", "refused", "unknown_person"),
    ),
    (
        "extension by the unit",
        extend,
        {
            "problem": "1",
            "by": "secretary",
            "new_due": dt.date(2024, 12, 31),
            "reason": "需要时间",
            "handling": when("2024-09-12"),
        },
        False,
        ("extend", "refused", "not_permitted"),
    ),
    (
        "extension",
        extend,
        {
            "problem": "1",
            "by": "xcb_li",
            "new_due": dt.date(2024, 12, 31),
            "reason": "工程周期",
            "handling": when("2024-09-12"),
        },
        True,
        ("extend", "done", None),
    ),
    (
        "application without evidence",
        apply_sign_off,
        {"problem": "1", "by": "deputy_law", "evidence": [], "handling": when("2024-10-14")},
        False,
        ("apply_sign_off", "refused", "missing_evidence"),
    ),
    (
        "application",
        apply_sign_off,
        {
            "problem": "1",
            "by": "deputy_law",
            "evidence": ["minutes.pdf"],
            "handling": when("2024-10-14"),
        },
        True,
        ("apply_sign_off", "done", None),
    ),
    (
        "review of an open problem",
        review,
        {
            "problem": "1",
            "by": "xcb_wang",
            "outcome": "整改成效保持",
            "handling": when("2024-10-15"),
        },
        False,
        ("review", "refused", None),
    ),
]


def test_office_actions_run_as_flows_through_the_rules_and_the_audit(db, tmp_path):
    pasted = SPEC_EXAMPLE.read_text(encoding="utf-8")
    assert feedback_import(pasted_yaml=pasted)["inspection_id"] == INSPECTION
    for case, flow, parameters, done, audited in STEPS:
        state = flow(**parameters, return_state=True)
        assert state.is_completed() is done, case
        if not done:
            assert "：" in state.message, case  # code：Chinese reason
        with session_scope() as s:
            event = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.outcome) == audited[:2], case
        if audited[2]:
            assert event.code == audited[2], case
    with session_scope() as s:
        problem = s.exec(select(Problem).where(Problem.ref == "1")).one()
        assert problem.state is ProblemState.AWAITING_CONFIRMATION
    measure = complete_measure(
        problem="1",
        measure=1,
        by="office_head",
        text="完成",
        handling=when("2024-10-16"),
        return_state=True,
    )
    # a problem awaiting the office's decision takes no completion: refused by the same rules
    assert measure.is_failed() and measure.message.startswith("illegal_transition："), measure


def test_a_feedback_import_takes_a_path_or_pasted_yaml_not_both(db):
    state = feedback_import(path=str(SPEC_EXAMPLE), pasted_yaml="x: 1", return_state=True)
    assert state.is_failed() and "二者只填其一" in state.message
