"""``rectify status``, ``show`` and the actions people take: approve-plan, submit-report
(整改报告), progress, complete (措施完成), stage-report (阶段报告), apply-sign-off (申请销号), sign-off (销号) and return-sign-off (退回),
long-term (需长期整改), extend and review (回头看)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from models import create_schema, session_scope
from rectify.cli.common import (
    AsOfOpt,
    AtOpt,
    ByOpt,
    InspectionOpt,
    console,
    exit_on_refusal,
    fail,
    figures_table,
    parse_at,
    parse_day,
    report_outcome,
    zone,
)
from rectify.core.settings import get_settings
from rectify.problems import actions, service
from rectify.problems.detail import problem_detail
from rectify.problems.rules.counting import COUNT_KEYS

ProblemArg = Annotated[str, typer.Argument(metavar="问题编号", help="问题编号（与反馈意见一致）")]
NoteOpt = Annotated[str, typer.Option("--note", help="备注")]


def status(
    inspection: InspectionOpt = None,
    as_of: AsOfOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """截至某日的整改情况：各状态问题数、超期数，以及各方面的分项统计。"""
    tz = zone(inspection)
    as_of_day = parse_day(as_of, "--as-of", tz)
    with exit_on_refusal(), session_scope() as session:
        data = service.status(inspection, as_of_day, session=session)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    plan = data["plan"]
    console.print(
        f"{data['unit']} {data['inspection']}，截至 {data['as_of']}："
        f"{data['aspects']} 个方面，{data['problems']} 个问题；已销号 {data['closed']}，"
        f"长期整改 {data['long_term']}，推进中 {data['in_progress']}，"
        f"未启动 {data['not_started']}，待销号审核 {data['awaiting_confirmation']}，"
        f"重新整改 {data['reopened']}，超期 {data['overdue']}",
        style="bold",
        highlight=False,
        markup=False,
    )
    console.print(
        f"整改方案时限 {plan['due']}："
        + (f"已于 {plan['approved_on']} 审议通过" if plan["approved"] else "尚未审议通过")
        + ("（逾期）" if plan["late"] else ""),
        highlight=False,
    )
    table = figures_table(
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
        wide=("方面",),
        clip=True,
    )
    for row in data["by_aspect"]:
        table.add_row(f"{row['aspect']}.{row['title'][:30]}", *(str(row[k]) for k in COUNT_KEYS))
    console.print(table)


def show(
    problem: ProblemArg,
    inspection: InspectionOpt = None,
) -> None:
    """一个问题的详情：整改措施、责任、时限和历史记录。"""
    create_schema()
    with exit_on_refusal(), session_scope() as session:
        text = problem_detail(inspection, problem, session=session)
    console.print(text, highlight=False, markup=False)


def _act(inspection: str | None, action: actions.AnyAction, at: str | None) -> None:
    report_outcome(service.act(inspection, action, parse_at(at, zone(inspection))))


def approve_plan(
    by: ByOpt,
    meeting: Annotated[str, typer.Option(help="审议的党组（党委）会议名称；必填")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """记录整改方案审议通过（须写明会议），由主要负责人操作。"""
    _act(inspection, actions.ApprovePlan(by=by, meeting=meeting), at)


def submit_report(
    by: ByOpt,
    title: Annotated[str, typer.Option(help="整改报告标题")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """记录向巡察办报送整改报告，由主要负责人操作。"""
    _act(inspection, actions.SubmitReport(by=by, title=title), at)


def progress(
    problem: ProblemArg,
    by: ByOpt,
    text: Annotated[str, typer.Option("--text", help="整改进展情况")],
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="支撑材料文件名；可重复")
    ] = None,
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """记录一个问题的整改进展。"""
    _act(
        inspection, actions.Progress(by=by, problem=problem, text=text, evidence=evidence or []), at
    )


EvidenceOpt = Annotated[list[str] | None, typer.Option("--evidence", help="支撑材料；可重复")]

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
    problem: ProblemArg,
    by: ByOpt,
    evidence: EvidenceOpt = None,
    note: NoteOpt = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """被巡察单位附支撑材料申请销号。"""
    _act(
        inspection,
        actions.ApplySignOff(by=by, problem=problem, evidence=evidence or [], note=note),
        at,
    )


def sign_off(
    problem: ProblemArg,
    by: ByOpt,
    evidence: EvidenceOpt = None,
    note: NoteOpt = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """巡察办确认整改销号；未经申请直接销号的须附支撑材料。"""
    _act(
        inspection,
        actions.SignOffAction(by=by, problem=problem, evidence=evidence or [], note=note),
        at,
    )


def return_sign_off(
    problem: ProblemArg,
    by: ByOpt,
    reason: Annotated[str, typer.Option("--reason", help="退回理由；必填")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """巡察办退回销号申请，须说明理由。"""
    _act(inspection, actions.ReturnSignOff(by=by, problem=problem, reason=reason), at)


def long_term(
    problem: ProblemArg,
    by: ByOpt,
    stage_goal: Annotated[str, typer.Option("--stage-goal", help="阶段性目标")],
    checkpoint: Annotated[str, typer.Option("--checkpoint", help="下一个节点日期 YYYY-MM-DD")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """将问题列为需长期整改：由主要负责人操作；问题超期后由巡察办操作。"""
    when = parse_day(checkpoint, "--checkpoint", get_settings().timezone)
    _act(
        inspection,
        actions.LongTerm(by=by, problem=problem, stage_goal=stage_goal, checkpoint=when),
        at,
    )


def extend(
    problem: ProblemArg,
    by: ByOpt,
    new_due: Annotated[str, typer.Option("--new-due", help="新的整改时限 YYYY-MM-DD")],
    reason: Annotated[str, typer.Option("--reason", help="延期理由")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """巡察办延长问题的整改时限；整改方案中的原定时限保留。"""
    when = parse_day(new_due, "--new-due", get_settings().timezone)
    _act(inspection, actions.Extend(by=by, problem=problem, new_due=when, reason=reason), at)


def review(
    problem: ProblemArg,
    by: ByOpt,
    outcome: Annotated[str, typer.Option("--outcome", help="sustained（保持） | relapsed（反弹）")],
    note: NoteOpt = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """巡察办记录“回头看”结果；反弹（relapsed）的问题重新整改。"""
    if outcome not in ("sustained", "relapsed"):
        fail("--outcome：应为 sustained（保持）或 relapsed（反弹）", 2)
    _act(inspection, actions.ReviewAction(by=by, problem=problem, outcome=outcome, note=note), at)  # type: ignore[arg-type]
