"""``rectify status``, ``show`` and the actions people take: approve-plan, submit-report
(整改报告), progress, complete (措施完成), stage-report (阶段报告), apply-sign-off (申请销号), sign-off (销号) and return-sign-off (退回),
long-term (需长期整改), extend and review (回头看)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from models import session_scope
from rectify.cli.common import (
    AsOfOpt,
    AtOpt,
    ByOpt,
    InspectionOpt,
    console,
    exit_on_refusal,
    fail,
    parse_at,
    parse_day,
    report_outcome,
    zone,
)
from rectify.core.settings import get_settings
from rectify.problems import actions, service
from rectify.problems.detail import problem_detail
from rectify.problems.rules.counting import COUNT_KEYS


def status(
    inspection: InspectionOpt = None,
    as_of: AsOfOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Counts per state, overdue, and per aspect, as of a date."""
    tz = zone(inspection)
    as_of_day = parse_day(as_of, "--as-of", tz)
    with exit_on_refusal(), session_scope() as session:
        data = service.status(inspection, as_of_day, session=session)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    plan = data["plan"]
    console.print(
        f"[bold]{data['unit']}[/bold] {data['inspection']} as of {data['as_of']}: "
        f"{data['aspects']} aspects, {data['problems']} problems — closed {data['closed']}, "
        f"long-term {data['long_term']}, in progress {data['in_progress']}, "
        f"not started {data['not_started']}, awaiting confirmation "
        f"{data['awaiting_confirmation']}, reopened {data['reopened']}, overdue {data['overdue']}",
        highlight=False,
    )
    console.print(
        f"plan due {plan['due']}: "
        + (f"approved {plan['approved_on']}" if plan["approved"] else "not approved")
        + (" (late)" if plan["late"] else ""),
        highlight=False,
    )
    table = Table(
        "方面",
        "问题",
        "已销号",
        "长期",
        "推进中",
        "未启动",
        "待销号审核",
        "重新整改",
        "超期",
        "阶段报告逾期",
    )
    for row in data["by_aspect"]:
        table.add_row(f"{row['aspect']}. {row['title'][:30]}", *(str(row[k]) for k in COUNT_KEYS))
    console.print(table)


def show(
    problem: Annotated[str, typer.Argument(help="problem ref, as published")],
    inspection: InspectionOpt = None,
) -> None:
    """One problem: its measures, responsibilities, dues and history."""
    with exit_on_refusal(), session_scope() as session:
        text = problem_detail(inspection, problem, session=session)
    console.print(text, highlight=False, markup=False)


def _act(inspection: str | None, action: actions.AnyAction, at: str | None) -> None:
    report_outcome(service.act(inspection, action, parse_at(at, zone(inspection))))


def approve_plan(
    by: ByOpt,
    meeting: Annotated[str, typer.Option(help="the party group meeting; required")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record the plan's approval (整改方案审议通过) at a named meeting, by the leader."""
    _act(inspection, actions.ApprovePlan(by=by, meeting=meeting), at)


def submit_report(
    by: ByOpt,
    title: Annotated[str, typer.Option(help="the report's title")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record the rectification report (整改报告) submitted to the office, by the leader."""
    _act(inspection, actions.SubmitReport(by=by, title=title), at)


def progress(
    problem: str,
    by: ByOpt,
    text: Annotated[str, typer.Option("--text", help="what was done")],
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="evidence file name; repeatable")
    ] = None,
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record progress on a problem."""
    _act(
        inspection, actions.Progress(by=by, problem=problem, text=text, evidence=evidence or []), at
    )


EvidenceOpt = Annotated[
    list[str] | None, typer.Option("--evidence", help="evidence (支撑材料); repeatable")
]

# the options of the commands with Chinese help
InspectionZh = Annotated[
    str | None, typer.Option("--inspection", "-i", help="巡察编号；只有一个巡察时可省略")
]
AtZh = Annotated[str | None, typer.Option("--at", help="时间 YYYY-MM-DD[THH:MM]（当地）；默认现在")]
ProblemZh = Annotated[str, typer.Argument(help="问题编号（按反馈意见）")]
ByZh = Annotated[str, typer.Option("--by", help="操作人编号")]


def complete(
    problem: ProblemZh,
    measure: Annotated[int, typer.Argument(help="措施序号（该问题的第几项措施，从1起）")],
    by: ByZh,
    text: Annotated[str, typer.Option("--text", help="措施完成情况；必填")] = "",
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="支撑材料文件名；必填，可重复")
    ] = None,
    inspection: InspectionZh = None,
    at: AtZh = None,
) -> None:
    """报送一项整改措施完成（措施完成），附完成情况和支撑材料：由该措施的责任人、责任领导或整改办报送。"""
    action = actions.Complete(
        by=by, problem=problem, measure=measure, text=text, evidence=evidence or []
    )
    _act(inspection, action, at)


def stage_report(
    problem: ProblemZh,
    by: ByZh,
    next_checkpoint: Annotated[
        str, typer.Option("--next-checkpoint", help="下一检查节点 YYYY-MM-DD；须晚于今天")
    ],
    text: Annotated[str, typer.Option("--text", help="阶段性整改情况；必填")] = "",
    inspection: InspectionZh = None,
    at: AtZh = None,
) -> None:
    """报送长期整改问题的阶段报告，并确定下一检查节点：由该问题措施的责任人、责任领导或整改办报送。"""
    when = parse_day(next_checkpoint, "--next-checkpoint", zone(inspection))
    action = actions.StageReportAction(by=by, problem=problem, text=text, next_checkpoint=when)
    _act(inspection, action, at)


def apply_sign_off(
    problem: str,
    by: ByOpt,
    evidence: EvidenceOpt = None,
    note: str = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Apply for a problem's sign-off (申请销号) with evidence, by the unit."""
    _act(
        inspection,
        actions.ApplySignOff(by=by, problem=problem, evidence=evidence or [], note=note),
        at,
    )


def sign_off(
    problem: str,
    by: ByOpt,
    evidence: EvidenceOpt = None,
    note: str = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Confirm a problem's sign-off (整改销号), by an office supervisor; without an
    application, with evidence."""
    _act(
        inspection,
        actions.SignOffAction(by=by, problem=problem, evidence=evidence or [], note=note),
        at,
    )


def return_sign_off(
    problem: str,
    by: ByOpt,
    reason: Annotated[str, typer.Option("--reason", help="why it is returned; required")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Return an application for sign-off (退回) with a reason, by an office supervisor."""
    _act(inspection, actions.ReturnSignOff(by=by, problem=problem, reason=reason), at)


def long_term(
    problem: str,
    by: ByOpt,
    stage_goal: Annotated[str, typer.Option("--stage-goal", help="阶段性目标")],
    checkpoint: Annotated[str, typer.Option("--checkpoint", help="next checkpoint YYYY-MM-DD")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Declare a problem long-term (需长期整改): by the leader; once it is overdue, by an
    office supervisor."""
    when = parse_day(checkpoint, "--checkpoint", get_settings().timezone)
    _act(
        inspection,
        actions.LongTerm(by=by, problem=problem, stage_goal=stage_goal, checkpoint=when),
        at,
    )


def extend(
    problem: str,
    by: ByOpt,
    new_due: Annotated[str, typer.Option("--new-due", help="YYYY-MM-DD")],
    reason: Annotated[str, typer.Option("--reason")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Extend a problem's due date, by an office supervisor; the plan's date is kept."""
    when = parse_day(new_due, "--new-due", get_settings().timezone)
    _act(inspection, actions.Extend(by=by, problem=problem, new_due=when, reason=reason), at)


def review(
    problem: str,
    by: ByOpt,
    outcome: Annotated[str, typer.Option("--outcome", help="sustained | relapsed")],
    note: str = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record a 回头看 review by an office supervisor; relapsed reopens the problem."""
    if outcome not in ("sustained", "relapsed"):
        fail("--outcome: expected sustained or relapsed", 2)
    _act(inspection, actions.ReviewAction(by=by, problem=problem, outcome=outcome, note=note), at)  # type: ignore[arg-type]
