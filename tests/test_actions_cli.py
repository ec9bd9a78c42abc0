"""Every command that acts: allowed, refused (exit 1, reason printed, audited)."""

import json

import pytest
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from models import AuditEvent, Measure, Problem, session_scope
from rectify.cli import app

runner = CliRunner()


@pytest.fixture
def imported(db, spec_file):
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    data["people"].append({"id": "discipline", "name": "纪检组长", "roles": ["reviewer"]})
    data["people"].append({"id": "clerk", "name": "科员", "roles": []})
    problems = data["aspects"][0]["categories"][0]["problems"]
    second = {**problems[0], "ref": "2", "title": "制度执行不严"}
    second["measures"] = [{**problems[0]["measures"][0], "responsible_person": "clerk"}]
    problems.append(second)
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    return spec_file


def run(*args):
    return runner.invoke(app, list(args))


def last_audit() -> AuditEvent:
    with session_scope() as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def refused(result, code):
    assert result.exit_code == 1, result.output
    assert f"refused ({code})" in result.output
    event = last_audit()
    assert (event.outcome, event.code) == ("refused", code)
    assert event.reason


def status(as_of="2024-11-15"):
    return json.loads(run("status", "--json", "--as-of", as_of).output)


def test_plan_approval_by_the_leader_only(imported):
    refused(run("approve-plan", "--by", "office_head", "--at", "2024-08-20"), "not_permitted")
    ok = run("approve-plan", "--by", "secretary", "--meeting", "第12次党组会", "--at", "2024-08-20")
    assert ok.exit_code == 0 and "审议通过" in ok.output
    refused(run("approve-plan", "--by", "secretary", "--at", "2024-08-21"), "already_approved")
    plan = status()["plan"]
    assert plan == {
        "due": "2024-08-26",
        "approved": True,
        "approved_on": "2024-08-20",
        "late": False,
    }


def test_late_plan_approval_is_marked_late(imported):
    assert run("status", "--json", "--as-of", "2024-08-27").output.count('"late": true') == 1
    assert run("approve-plan", "--by", "secretary", "--at", "2024-08-28").exit_code == 0
    assert status()["plan"]["late"] is True


def test_progress_then_sign_off_with_evidence_by_an_independent_reviewer(imported):
    refused(
        run("progress", "1", "--by", "ghost", "--text", "x", "--at", "2024-09-01"), "unknown_person"
    )
    assert (
        run(
            "progress", "1", "--by", "office_head", "--text", "已纳入第一议题", "--at", "2024-09-10"
        ).exit_code
        == 0
    )
    assert status()["in_progress"] == 1
    refused(run("sign-off", "1", "--by", "discipline", "--at", "2024-10-15"), "missing_evidence")
    refused(
        run("sign-off", "1", "--by", "office_head", "--evidence", "a.pdf", "--at", "2024-10-15"),
        "own_measure",
    )
    refused(
        run("sign-off", "1", "--by", "secretary", "--evidence", "a.pdf", "--at", "2024-10-15"),
        "not_permitted",
    )
    ok = run(
        "sign-off",
        "1",
        "--by",
        "discipline",
        "--evidence",
        "minutes-0910.pdf",
        "--note",
        "已完成",
        "--at",
        "2024-10-15",
    )
    assert ok.exit_code == 0, ok.output
    refused(
        run("sign-off", "1", "--by", "discipline", "--evidence", "b.pdf", "--at", "2024-10-16"),
        "illegal_transition",
    )
    refused(
        run("progress", "1", "--by", "office_head", "--text", "又做了", "--at", "2024-10-17"),
        "illegal_transition",
    )
    s = status()
    assert (s["closed"], s["in_progress"], s["not_started"]) == (1, 0, 1)
    # the status as of a date before the sign-off is rebuilt from history
    s = status("2024-10-01")
    assert (s["closed"], s["in_progress"]) == (0, 1)
    shown = run("show", "1")
    assert "已销号" in shown.output and "minutes-0910.pdf" in shown.output


def test_sign_off_on_the_cli_names_the_reviewer_rule_for_the_responsible_person(imported):
    result = run(
        "sign-off", "2", "--by", "office_head", "--evidence", "x.pdf", "--at", "2024-09-01"
    )
    assert result.exit_code == 0  # office_head is not responsible for problem 2
    result = run("sign-off", "2", "--by", "clerk", "--evidence", "x.pdf", "--at", "2024-09-01")
    assert result.exit_code == 1


def test_long_term_needs_leader_stage_goal_and_future_checkpoint(imported):
    args = ["long-term", "2", "--at", "2024-10-20"]
    refused(
        run(*args, "--by", "office_head", "--stage-goal", "g", "--checkpoint", "2025-03-31"),
        "not_permitted",
    )
    refused(
        run(*args, "--by", "secretary", "--stage-goal", "", "--checkpoint", "2025-03-31"),
        "missing_stage_goal",
    )
    refused(
        run(*args, "--by", "secretary", "--stage-goal", "g", "--checkpoint", "2024-10-01"),
        "checkpoint_not_future",
    )
    ok = run(
        *args, "--by", "secretary", "--stage-goal", "建立长效机制", "--checkpoint", "2025-03-31"
    )
    assert ok.exit_code == 0, ok.output
    s = status("2024-12-01")
    assert (s["long_term"], s["overdue"]) == (1, 1)  # problem 1 is overdue; long-term 2 is not
    refused(
        run(
            "extend",
            "2",
            "--by",
            "secretary",
            "--new-due",
            "2025-01-31",
            "--reason",
            "r",
            "--at",
            "2024-10-21",
        ),
        "illegal_transition",
    )


def test_extension_keeps_the_original_due(imported):
    refused(
        run(
            "extend",
            "1",
            "--by",
            "office_head",
            "--new-due",
            "2024-12-15",
            "--reason",
            "待拨付",
            "--at",
            "2024-11-01",
        ),
        "not_permitted",
    )
    refused(
        run(
            "extend",
            "1",
            "--by",
            "secretary",
            "--new-due",
            "2024-12-15",
            "--reason",
            "",
            "--at",
            "2024-11-01",
        ),
        "missing_reason",
    )
    refused(
        run(
            "extend",
            "1",
            "--by",
            "secretary",
            "--new-due",
            "2024-10-01",
            "--reason",
            "r",
            "--at",
            "2024-11-01",
        ),
        "not_later",
    )
    assert status("2024-11-02")["overdue"] == 2
    ok = run(
        "extend",
        "1",
        "--by",
        "secretary",
        "--new-due",
        "2024-12-15",
        "--reason",
        "待财政拨付",
        "--at",
        "2024-11-01",
    )
    assert ok.exit_code == 0, ok.output
    assert status("2024-11-02")["overdue"] == 1
    # the extension counts from the day it was granted; before, the plan's due stood
    assert status("2024-11-01")["overdue"] == 1  # only problem 2
    assert status("2024-10-31")["overdue"] == 0
    with session_scope() as s:
        m = s.exec(
            select(Measure).join(Problem).where(Problem.ref == "1", Measure.position == 0)
        ).one()
        assert str(m.original_due) == "2024-10-31" and str(m.due) == "2024-12-15"
    assert "原定 2024-10-31" in run("show", "1").output


def test_review_relapsed_reopens_and_sustained_keeps_closed(imported):
    assert (
        run(
            "sign-off", "1", "--by", "discipline", "--evidence", "a.pdf", "--at", "2024-10-15"
        ).exit_code
        == 0
    )
    assert (
        run(
            "sign-off", "2", "--by", "discipline", "--evidence", "b.pdf", "--at", "2024-10-15"
        ).exit_code
        == 0
    )
    refused(
        run("review", "1", "--by", "office_head", "--outcome", "sustained", "--at", "2025-01-20"),
        "own_measure",
    )
    assert (
        run(
            "review", "1", "--by", "discipline", "--outcome", "sustained", "--at", "2025-01-20"
        ).exit_code
        == 0
    )
    assert (
        run(
            "review", "2", "--by", "discipline", "--outcome", "relapsed", "--at", "2025-01-20"
        ).exit_code
        == 0
    )
    s = status("2025-01-21")
    assert (s["closed"], s["reopened"]) == (1, 1)
    assert s["overdue"] == 1  # reopened and past its due: supervised again
    refused(
        run("review", "2", "--by", "discipline", "--outcome", "sustained", "--at", "2025-01-22"),
        "illegal_transition",
    )
    bad = run("review", "1", "--by", "discipline", "--outcome", "maybe")
    assert bad.exit_code == 2


def test_unknown_problem_and_action_before_feedback_are_refused(imported):
    refused(
        run("progress", "99", "--by", "office_head", "--text", "x", "--at", "2024-09-01"),
        "unknown_problem",
    )
    refused(
        run("progress", "1", "--by", "office_head", "--text", "x", "--at", "2024-06-01"),
        "before_feedback",
    )


def test_bad_at_is_a_usage_error(imported):
    result = run("progress", "1", "--by", "office_head", "--text", "x", "--at", "2024-13-45")
    assert result.exit_code == 2 and "--at" in result.output
