"""Every command that acts: allowed, refused (exit 1, reason printed, audited). The unit
rectifies and applies for sign-off; the inspection office (巡察办) confirms or returns it,
extends deadlines, designates an overdue problem long-term and carries out the 回头看."""

import copy
import json

import pytest
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from models import AuditEvent, Measure, Problem, ReportSubmission, Review, session_scope
from rectify.cli import app

runner = CliRunner()

OFFICE = {
    "id": "binhai-xcb",
    "name": "滨海新区区委巡察办",
    "staff": [
        {"id": "xcb_li", "name": "巡察办督查室", "roles": ["supervisor"]},
        {"id": "xcb_wang", "name": "巡察办综合室", "roles": ["supervisor", "clues"]},
    ],
}


@pytest.fixture
def imported(db, spec_file):
    """The spec's example with its office, a clerk, and a problem 2 the clerk answers for."""
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    data["office"] = OFFICE
    data["people"].append({"id": "clerk", "name": "科员", "roles": []})
    problems = data["aspects"][0]["categories"][0]["problems"]
    second = {**copy.deepcopy(problems[0]), "ref": "2", "title": "制度执行不严"}
    second["measures"][0]["responsible_person"] = "clerk"
    problems.append(second)
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    return spec_file


def run(*args):
    return runner.invoke(app, list(args))


def last_audit() -> AuditEvent:
    with session_scope() as s:
        return s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def refused(result, code, says=""):
    assert result.exit_code == 1, result.output
    assert f"拒绝（{code}）" in result.output
    assert says in result.output
    event = last_audit()
    assert (event.outcome, event.code) == ("refused", code)
    assert event.reason


def done(result):
    assert result.exit_code == 0, result.output
    return result.output


def status(as_of="2024-11-15"):
    return json.loads(run("status", "--json", "--as-of", as_of).output)


def test_plan_approval_by_the_leader_at_a_named_meeting(imported):
    refused(
        run("approve-plan", "--by", "office_head", "--meeting", "党组会", "--at", "2024-08-20"),
        "not_permitted",
        "组长",
    )
    refused(run("approve-plan", "--by", "secretary", "--at", "2024-08-20"), "missing_meeting")
    ok = run("approve-plan", "--by", "secretary", "--meeting", "第12次党组会", "--at", "2024-08-20")
    assert "审议通过" in done(ok)
    refused(
        run("approve-plan", "--by", "secretary", "--meeting", "党组会", "--at", "2024-08-21"),
        "already_approved",
    )
    plan = status()["plan"]
    assert plan == {
        "due": "2024-08-26",
        "approved": True,
        "approved_on": "2024-08-20",
        "late": False,
    }


def test_late_plan_approval_is_marked_late(imported):
    assert run("status", "--json", "--as-of", "2024-08-27").output.count('"late": true') == 1
    done(run("approve-plan", "--by", "secretary", "--meeting", "党组会", "--at", "2024-08-28"))
    assert status()["plan"]["late"] is True


def test_the_leader_submits_the_rectification_report(imported):
    refused(run("submit-report", "--by", "office_head", "--at", "2024-08-20"), "not_permitted")
    refused(run("submit-report", "--by", "xcb_li", "--at", "2024-08-20"), "not_permitted")
    # due 60 days after the feedback of 27 June: 26 August
    assert "整改报告已报送巡察办" in done(
        run("submit-report", "--by", "secretary", "--title", "整改报告", "--at", "2024-08-20")
    )
    assert "晚于时限 2024-08-26" in done(
        run("submit-report", "--by", "secretary", "--at", "2024-08-27")
    )
    with session_scope() as s:
        rows = s.exec(select(ReportSubmission)).all()
        assert [(r.by, r.title) for r in rows] == [("secretary", "整改报告"), ("secretary", "")]


def test_the_unit_applies_and_the_office_confirms(imported):
    refused(
        run("progress", "1", "--by", "ghost", "--text", "x", "--at", "2024-09-01"), "unknown_person"
    )
    refused(
        run("progress", "1", "--by", "secretary", "--text", "x", "--at", "2024-09-01"),
        "not_permitted",
        "进展由该问题措施的责任人、责任领导或整改办报送",
    )
    done(
        run(
            "progress", "1", "--by", "office_head", "--text", "已纳入第一议题", "--at", "2024-09-10"
        )
    )
    assert status()["in_progress"] == 1
    apply = ["apply-sign-off", "1", "--at", "2024-10-14"]
    refused(run(*apply, "--by", "deputy_law"), "missing_evidence")
    refused(run(*apply, "--by", "clerk", "--evidence", "a.pdf"), "not_permitted", "销号申请")
    refused(run(*apply, "--by", "xcb_li", "--evidence", "a.pdf"), "not_permitted")
    assert "待巡察办审核" in done(
        run(*apply, "--by", "deputy_law", "--evidence", "minutes-0910.pdf")
    )
    s = status("2024-10-14")
    assert (s["awaiting_confirmation"], s["in_progress"]) == (1, 0)
    refused(
        run("progress", "1", "--by", "office_head", "--text", "又做了", "--at", "2024-10-14"),
        "illegal_transition",
    )
    # nobody of the unit confirms, the leader included
    for person in ("secretary", "office_head", "deputy_law"):
        refused(
            run("sign-off", "1", "--by", person, "--evidence", "a.pdf", "--at", "2024-10-15"),
            "not_permitted",
            "销号由巡察办督查人员审核确认",
        )
    # an applied problem is confirmed on its application's evidence
    done(run("sign-off", "1", "--by", "xcb_li", "--note", "经审核,同意销号", "--at", "2024-10-15"))
    refused(
        run("sign-off", "1", "--by", "xcb_wang", "--evidence", "b.pdf", "--at", "2024-10-16"),
        "illegal_transition",
    )
    refused(
        run("apply-sign-off", "1", "--by", "secretary", "--evidence", "b", "--at", "2024-10-16"),
        "illegal_transition",
    )
    s = status()
    assert (s["closed"], s["awaiting_confirmation"], s["not_started"]) == (1, 0, 1)
    # the status as of a date before the confirmation is rebuilt from history
    assert status("2024-10-01")["in_progress"] == 1
    assert status("2024-10-14")["awaiting_confirmation"] == 1
    shown = run("show", "1").output
    assert "已销号" in shown and "申请销号" in shown and "minutes-0910.pdf" in shown


def test_a_confirmation_without_an_application_carries_its_own_evidence(imported):
    refused(run("sign-off", "2", "--by", "xcb_li", "--at", "2024-09-01"), "missing_evidence")
    done(run("sign-off", "2", "--by", "xcb_li", "--evidence", "x.pdf", "--at", "2024-09-01"))
    assert status()["closed"] == 1


def test_a_returned_application_goes_back_to_where_it_was(imported):
    done(
        run("apply-sign-off", "2", "--by", "secretary", "--evidence", "a.pdf", "--at", "2024-10-01")
    )
    back = ["return-sign-off", "2", "--at", "2024-10-08"]
    refused(run(*back, "--by", "secretary", "--reason", "材料不足"), "not_permitted", "退回")
    refused(run(*back, "--by", "xcb_li"), "missing_reason")
    assert "佐证材料不足" in done(run(*back, "--by", "xcb_li", "--reason", "佐证材料不足"))
    refused(run(*back, "--by", "xcb_li", "--reason", "again"), "illegal_transition")
    s = status("2024-10-09")
    assert (s["awaiting_confirmation"], s["in_progress"]) == (0, 1)
    # a long-term problem returned is long-term again
    done(
        run(
            "long-term", "1", "--by", "secretary", "--stage-goal", "建立长效机制",
            "--checkpoint", "2025-03-31", "--at", "2024-10-09",
        )
    )  # fmt: skip
    done(run("apply-sign-off", "1", "--by", "office_head", "--evidence", "b", "--at", "2024-10-10"))
    done(
        run(
            "return-sign-off",
            "1",
            "--by",
            "xcb_wang",
            "--reason",
            "阶段目标未完成",
            "--at",
            "2024-10-11",
        )
    )
    s = status("2024-10-12")
    assert (s["long_term"], s["in_progress"], s["awaiting_confirmation"]) == (1, 1, 0)
    assert "退回销号申请" in run("show", "1").output


def test_long_term_by_the_leader_and_once_overdue_by_the_office(imported):
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
    done(
        run(
            *args, "--by", "secretary", "--stage-goal", "建立长效机制", "--checkpoint", "2025-03-31"
        )
    )
    s = status("2024-12-01")
    assert (s["long_term"], s["overdue"]) == (1, 1)  # problem 1 is overdue; long-term 2 is not
    refused(
        run(*"extend 2 --by xcb_li --new-due 2025-01-31 --reason r --at 2024-10-21".split()),
        "illegal_transition",
    )
    # problem 1 is overdue since 1 November: the leader may no longer declare it long-term
    late = [
        "long-term",
        "1",
        "--at",
        "2024-11-05",
        "--stage-goal",
        "g",
        "--checkpoint",
        "2025-06-30",
    ]
    refused(run(*late, "--by", "secretary"), "not_permitted", "问题已逾期")
    done(run(*late, "--by", "xcb_li"))
    assert status("2024-12-01")["overdue"] == 0


def test_extension_by_the_office_keeps_the_original_due(imported):
    def extend(by, new_due, reason, at="2024-11-01"):
        return run("extend", "1", "--by", by, "--new-due", new_due, "--reason", reason, "--at", at)

    for person in ("secretary", "office_head"):
        refused(extend(person, "2024-12-15", "待拨付"), "not_permitted", "延期由巡察办督查人员审批")
    refused(extend("xcb_li", "2024-12-15", ""), "missing_reason")
    refused(extend("xcb_li", "2024-09-01", "r", at="2024-09-20"), "due_not_future", "须晚于今天")
    refused(extend("xcb_li", "2024-10-01", "r", at="2024-09-20"), "not_later")
    assert status("2024-11-02")["overdue"] == 2
    done(extend("xcb_li", "2024-12-15", "待财政拨付"))
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


def test_review_by_another_supervisor_when_due_and_a_relapse_gets_a_new_due(imported):
    for ref in ("1", "2"):
        done(run("sign-off", ref, "--by", "xcb_li", "--evidence", "a.pdf", "--at", "2024-10-15"))
    # due 90 days after the confirmation: 13 January 2025
    refused(
        run("review", "1", "--by", "xcb_wang", "--outcome", "sustained", "--at", "2025-01-10"),
        "review_not_due",
        "2025-01-13",
    )
    refused(
        run("review", "1", "--by", "xcb_li", "--outcome", "sustained", "--at", "2025-01-20"),
        "own_sign_off",
    )
    refused(
        run("review", "1", "--by", "secretary", "--outcome", "sustained", "--at", "2025-01-20"),
        "not_permitted",
        "回头看由巡察办督查人员开展",
    )
    done(run("review", "1", "--by", "xcb_wang", "--outcome", "sustained", "--at", "2025-01-20"))
    relapse = run("review", "2", "--by", "xcb_wang", "--outcome", "relapsed", "--at", "2025-01-20")
    assert "2025-02-19" in done(relapse)  # 30 days after the review
    s = status("2025-01-21")
    assert (s["closed"], s["reopened"]) == (1, 1)
    assert s["overdue"] == 0  # reopened with its new deadline: not red the moment it reopens
    assert status("2025-02-20")["overdue"] == 1  # and supervised again once that passes
    with session_scope() as session:
        assert [str(r.new_due) for r in session.exec(select(Review))] == ["None", "2025-02-19"]
    assert "2025-02-19" in run("show", "2").output
    refused(
        run("review", "2", "--by", "xcb_wang", "--outcome", "sustained", "--at", "2025-01-22"),
        "illegal_transition",
    )
    bad = run("review", "1", "--by", "xcb_wang", "--outcome", "maybe")
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
