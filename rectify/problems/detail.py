"""One problem in full, as the office reads it."""

from __future__ import annotations

from sqlmodel import Session, select

import models
from rectify.core.clock import local_text
from rectify.core.states import STATE_LABELS
from rectify.problems.tree import InspectionTree, get_inspection, load_tree


def problem_detail(inspection_id: str | None, ref: str, *, session: Session) -> str:
    """Problem ``ref`` of the named inspection (or the only one) as text: its measures,
    responsibilities, dues, history and evidence (支撑材料)."""
    inspection = get_inspection(session, inspection_id)
    tz = inspection.timezone
    tree = load_tree(session, inspection)
    problem = tree.problem(ref)
    aspect = tree.aspect_of(problem)
    lines = [
        f"问题 {problem.ref}：{problem.title}",
        f"巡察：{inspection.id}；方面：{aspect.position + 1}. {aspect.title}",
        f"状态：{STATE_LABELS[problem.state]}"
        + (f"（销号于 {local_text(problem.closed_at, tz)}）" if problem.closed_at else ""),
    ]
    if problem.stage_goal:
        lines.append(f"阶段性目标：{problem.stage_goal}；下一检查节点：{problem.checkpoint}")
    lines.append("整改措施：")
    lines += _measure_lines(tree, problem)
    history = _history(session, tree, problem.id)
    evidence = session.exec(
        select(models.Evidence).where(models.Evidence.problem_id == problem.id)
    ).all()
    if history:
        lines.append("记录：")
        lines += [
            f"  {local_text(at, tz)} {text}" for at, text in sorted(history, key=lambda h: h[0])
        ]
    if evidence:
        lines.append("支撑材料：" + "、".join(e.name for e in evidence))
    return "\n".join(lines)


def _measure_lines(tree: InspectionTree, problem: models.Problem) -> list[str]:
    lines = []
    for m in tree.measures.get(problem.id, []):
        due = "长期整改" if m.due is None else str(m.due)
        if m.original_due and m.due != m.original_due:
            due += f"（原定 {m.original_due}）"
        if m.checkpoint:
            due += f"，检查节点 {m.checkpoint}"
        lines.append(
            f"  {m.position + 1}. {m.text}\n"
            f"     牵头领导 {tree.people[m.lead_leader_id].name}；责任领导 {tree.people[m.responsible_leader_id].name}；"
            f"责任科室 {tree.departments[m.department_id].name}；责任人 {tree.people[m.responsible_person_id].name}；"
            f"整改时限 {due}"
        )
    return lines


# Each history table of a problem and how one of its rows reads in ``show``.
_HISTORY_LINES = (
    (models.ProgressUpdate, lambda r: f"进展（{r.by}）：{r.text}"),
    (models.SignOffApplication, lambda r: f"申请销号（{r.by}）：{r.note}"),
    (models.SignOff, lambda r: f"销号（{r.by}）：{r.note}"),
    (models.SignOffReturn, lambda r: f"退回销号申请（{r.by}）：{r.reason}"),
    (
        models.LongTermDeclaration,
        lambda r: f"转长期整改（{r.by}）：{r.stage_goal}，检查节点 {r.checkpoint}",
    ),
    (
        models.StageReport,
        lambda r: f"阶段报告（{r.by}）：{r.text}，下一检查节点 {r.next_checkpoint}",
    ),
    (
        models.Review,
        lambda r: (
            f"回头看（{r.by}）：{'反弹回潮' if r.outcome == 'relapsed' else '成效保持'} {r.note}"
            + (f"，新整改时限 {r.new_due}" if r.new_due else "")
        ),
    ),
)


def _history(session: Session, tree: InspectionTree, pid: int | None) -> list[tuple]:
    history: list[tuple] = [
        (row.at, line(row))
        for table, line in _HISTORY_LINES
        for row in session.exec(select(table).where(table.problem_id == pid))
    ]
    measure_ids = [m.id for m in tree.measures.get(pid, [])]
    position = {m.id: m.position + 1 for m in tree.measures.get(pid, [])}
    for row in session.exec(
        select(models.MeasureCompletion).where(models.MeasureCompletion.measure_id.in_(measure_ids))
    ):
        history.append((row.at, f"第{position[row.measure_id]}项措施完成（{row.by}）：{row.text}"))
    for row in session.exec(
        select(models.Extension).where(models.Extension.measure_id.in_(measure_ids))
    ):
        history.append(
            (row.at, f"延期（{row.by}）：{row.previous_due} → {row.new_due}，理由：{row.reason}")
        )
    return history
