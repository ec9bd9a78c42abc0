"""`rectify complete` (措施完成) and `rectify stage-report` (阶段报告), as feedback-format.md's
"Who may do what" and counting rules say: a measure is completed by its responsible person or
responsible leader, or the unit office, with text and evidence; a completed measure is never
overdue; a relapse at review reopens the measures. A stage report on a long-term problem sets
its next checkpoint; a checkpoint passed without one is counted apart (阶段报告逾期)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from models import Evidence, MeasureCompletion, StageReport, session_scope
from tests.test_actions_cli import imported, last_audit, run  # noqa: F401 (fixture)

COMPLETE_1_1 = ["complete", "1", "1", "--text", "已纳入党组会第一议题", "--evidence", "m.pdf"]
LONG_TERM_1 = [
    "long-term", "1", "--by", "secretary", "--stage-goal", "建立长效机制",
    "--checkpoint", "2024-12-31", "--at", "2024-10-09",
]  # fmt: skip
STAGE_1 = ["stage-report", "1", "--text", "阶段目标完成", "--next-checkpoint", "2025-03-31"]
SIGN_OFF_1 = ["sign-off", "1", "--by", "xcb_li", "--evidence", "x.pdf", "--at", "2024-09-15"]

# (case, commands before (each must succeed), the command, expected: "done" and a text of its
# message, or the refusal's code and a text of its reason)
CASES = [
    # --- complete: who may
    (
        "responsible_person",
        [],
        [*COMPLETE_1_1, "--by", "office_head"],
        ("done", "第 1 项措施已完成"),
    ),
    ("responsible_leader", [], [*COMPLETE_1_1, "--by", "deputy_law"], ("done", "已完成")),
    (
        "unit_office_on_a_measure_of_another",
        [],
        ["complete", "2", "1", "--text", "t", "--evidence", "e", "--by", "office_head"],
        ("done", "问题 2 第 1 项措施已完成"),
    ),
    (
        "the_clerk_on_their_own_measure",
        [],
        ["complete", "2", "1", "--text", "t", "--evidence", "e", "--by", "clerk"],
        ("done", "已完成"),
    ),
    (
        "the_clerk_on_a_measure_of_another",
        [],
        [*COMPLETE_1_1, "--by", "clerk"],
        ("not_permitted", "措施完成由该措施的责任人、责任领导或整改办报送"),
    ),
    ("the_leader_not_named", [], [*COMPLETE_1_1, "--by", "secretary"], ("not_permitted", "")),
    ("the_office_side", [], [*COMPLETE_1_1, "--by", "xcb_li"], ("not_permitted", "")),
    ("a_stranger", [], [*COMPLETE_1_1, "--by", "ghost"], ("unknown_person", "")),
    # --- complete: what it needs
    (
        "unknown_problem",
        [],
        ["complete", "9", "1", "--text", "t", "--evidence", "e", "--by", "office_head"],
        ("unknown_problem", "没有编号为 9 的问题"),
    ),
    (
        "unknown_measure",
        [],
        ["complete", "1", "3", "--text", "t", "--evidence", "e", "--by", "office_head"],
        ("unknown_measure", "问题 1 没有第 3 项措施（共 2 项）"),
    ),
    (
        "without_evidence",
        [],
        ["complete", "1", "1", "--text", "t", "--by", "office_head"],
        ("missing_evidence", "支撑材料"),
    ),
    (
        "without_text",
        [],
        ["complete", "1", "1", "--evidence", "e", "--by", "office_head"],
        ("missing_text", "完成情况"),
    ),
    (
        "already_completed",
        [[*COMPLETE_1_1, "--by", "office_head", "--at", "2024-09-12"]],
        [*COMPLETE_1_1, "--by", "deputy_law", "--at", "2024-09-13"],
        ("already_completed", "问题 1 第 1 项措施已完成"),
    ),
    (
        "closed_problem",
        [SIGN_OFF_1],
        [*COMPLETE_1_1, "--by", "office_head", "--at", "2024-09-16"],
        ("illegal_transition", "不能再完成措施"),
    ),
    (
        "awaiting_confirmation",
        [["apply-sign-off", "1", "--by", "office_head", "--evidence", "a", "--at", "2024-09-15"]],
        [*COMPLETE_1_1, "--by", "office_head", "--at", "2024-09-16"],
        ("illegal_transition", "待销号审核"),
    ),
    (
        "a_relapse_reopens_the_measures",
        [
            [*COMPLETE_1_1, "--by", "office_head", "--at", "2024-09-12"],
            SIGN_OFF_1,
            ["review", "1", "--by", "xcb_wang", "--outcome", "relapsed", "--at", "2024-12-20"],
        ],
        [*COMPLETE_1_1, "--by", "office_head", "--at", "2024-12-21"],
        ("done", "第 1 项措施已完成"),
    ),
    (
        "a_completed_measure_is_not_extended",
        [[*COMPLETE_1_1, "--by", "office_head", "--at", "2024-09-12"]],
        [
            "extend",
            "1",
            "--by",
            "xcb_li",
            "--new-due",
            "2024-12-15",
            "--reason",
            "r",
            "--at",
            "2024-10-01",
        ],
        ("not_later", "不晚于问题 1 现有整改时限"),
    ),
    # --- stage report on a long-term problem
    (
        "stage_report_by_the_responsible_person",
        [LONG_TERM_1],
        [*STAGE_1, "--by", "office_head", "--at", "2024-12-20"],
        ("done", "下一检查节点 2025-03-31"),
    ),
    (
        "stage_report_after_the_checkpoint_passed",
        [LONG_TERM_1],
        [*STAGE_1, "--by", "deputy_law", "--at", "2025-01-05"],
        ("done", "已报送阶段报告"),
    ),
    (
        "stage_report_not_long_term",
        [],
        [*STAGE_1, "--by", "office_head", "--at", "2024-12-20"],
        ("illegal_transition", "只有需长期整改的问题报送阶段报告"),
    ),
    (
        "stage_report_checkpoint_past",
        [LONG_TERM_1],
        [*STAGE_1[:-1], "2024-12-01", "--by", "office_head", "--at", "2024-12-20"],
        ("checkpoint_not_future", "须晚于今天 2024-12-20"),
    ),
    (
        "stage_report_without_text",
        [LONG_TERM_1],
        [
            "stage-report",
            "1",
            "--next-checkpoint",
            "2025-03-31",
            "--by",
            "office_head",
            "--at",
            "2024-12-20",
        ],
        ("missing_text", "阶段性整改情况"),
    ),  # fmt: skip
    (
        "stage_report_by_the_leader_not_named",
        [LONG_TERM_1],
        [*STAGE_1, "--by", "secretary", "--at", "2024-12-20"],
        ("not_permitted", "阶段报告由该问题措施的责任人、责任领导或整改办报送"),
    ),
]


@pytest.mark.parametrize(
    ("before", "command", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_complete_and_stage_report(imported, before, command, expected):  # noqa: F811
    for step in before:
        assert run(*step).exit_code == 0, run(*step).output
    result = run(*command)
    outcome, says = expected
    if outcome == "done":
        assert result.exit_code == 0, result.output
        assert says in result.output
        assert last_audit().outcome == "done"
        return
    assert result.exit_code == 1, result.output
    assert f"拒绝（{outcome}）" in result.output and says in result.output
    event = last_audit()
    assert (event.outcome, event.code) == ("refused", outcome)


def status(as_of: str) -> dict:
    return json.loads(run("status", "--json", "--as-of", as_of).output)


def test_a_completed_measure_is_no_longer_overdue(imported):  # noqa: F811
    """Problem 1's dated measure done on time, problem 2's not: only problem 2 is overdue
    after 31 October; the completion is in progress, recorded with its evidence."""
    assert status("2024-09-11")["not_started"] == 2
    run(*COMPLETE_1_1, "--by", "office_head", "--at", "2024-10-20")
    after = status("2024-11-15")
    assert (after["in_progress"], after["not_started"], after["overdue"]) == (1, 1, 1)
    overdue = {row["ref"]: row["overdue"] for row in after["items"]}
    assert overdue == {"1": False, "2": True}
    with session_scope() as s:
        (done,) = s.exec(select(MeasureCompletion)).all()
        assert (done.by, done.text) == ("office_head", "已纳入党组会第一议题")
        assert [(e.name, e.attached_to) for e in s.exec(select(Evidence))] == [
            ("m.pdf", "completion")
        ]
    shown = run("show", "1").output
    assert "第1项措施完成（office_head）：已纳入党组会第一议题" in shown and "m.pdf" in shown


def test_a_long_term_measure_shows_its_checkpoint_as_the_next_date(imported):  # noqa: F811
    """Problem 1's dated measure done, its long-term measure (checkpoint 31 December) is the
    date the problem is worked towards: the next date, green and yellow before it, never
    red or overdue after it."""
    run(*COMPLETE_1_1, "--by", "office_head", "--at", "2024-10-20")

    def row(day: str) -> tuple:
        found = next(r for r in status(day)["items"] if r["ref"] == "1")
        return found["next_due"], found["level"], found["overdue"]

    assert row("2024-11-15") == ("2024-12-31", None, False)
    assert row("2024-12-15") == ("2024-12-31", "green", False)  # 16 days before: first
    assert row("2024-12-22") == ("2024-12-31", "yellow", False)  # 9 days before: second
    assert row("2025-01-02") == (None, None, False)  # passed: in supervision, not overdue


def test_a_missed_checkpoint_is_counted_apart_until_the_stage_report(imported):  # noqa: F811
    run(*LONG_TERM_1)
    assert status("2024-12-31")["stage_report_overdue"] == 0  # the checkpoint day itself
    late = status("2025-01-02")
    # problem 2, past its due, is overdue; problem 1 is counted apart
    assert (late["long_term"], late["stage_report_overdue"], late["overdue"]) == (1, 1, 1)
    row = next(r for r in late["items"] if r["ref"] == "1")
    assert (row["level"], row["stage_report_overdue"]) == ("red", True)
    assert status("2024-12-15")["items"][0]["level"] == "green"  # 16 days before: first
    assert status("2024-12-22")["items"][0]["level"] == "yellow"  # 9 days before: second
    assert run(*STAGE_1, "--by", "office_head", "--at", "2025-01-05").exit_code == 0
    again = status("2025-01-06")
    assert again["stage_report_overdue"] == 0
    assert again["items"][0]["checkpoint"] == "2025-03-31"
    with session_scope() as s:
        (report,) = s.exec(select(StageReport)).all()
        assert (report.by, report.next_checkpoint.isoformat()) == ("office_head", "2025-03-31")
    assert (
        "阶段报告（office_head）：阶段目标完成，下一检查节点 2025-03-31" in run("show", "1").output
    )
