"""The progress report (整改进展情况通报) in the official phrasing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def headline(figures: dict) -> str:
    """E.g. "巡察反馈的3个方面31个问题,已整改销号26个,仍在推进且需长期整改的问题共5个"."""
    text = f"巡察反馈的{figures['aspects']}个方面{figures['problems']}个问题,已整改销号{figures['closed']}个"
    ongoing = figures["in_progress"] + figures["not_started"] + figures["reopened"]
    if figures["long_term"] and not ongoing:
        text += f",仍在推进且需长期整改的问题共{figures['long_term']}个"
    else:
        if figures["long_term"]:
            text += f",需长期整改{figures['long_term']}个"
        if ongoing:
            text += f",正在推进整改{ongoing}个"
    if figures["overdue"]:
        text += f"(其中超期{figures['overdue']}个)"
    return text


CN_NUMBERS = [
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
]


def cn_number(n: int) -> str:
    return CN_NUMBERS[n - 1] if 0 < n <= len(CN_NUMBERS) else str(n)


@dataclass
class ProblemReport:
    ref: str
    title: str
    state: str
    measures: list[str]
    progress: list[str]
    evidence: list[str]
    closed_on: str | None
    stage_goal: str | None
    checkpoint: str | None
    overdue: bool


@dataclass
class CategoryReport:
    title: str
    problems: list[ProblemReport] = field(default_factory=list)


@dataclass
class AspectReport:
    title: str
    categories: list[CategoryReport] = field(default_factory=list)


@dataclass
class ProgressReport:
    """Everything the 通报 says, as of a date: the same database and date give the same."""

    inspection_id: str
    unit: str
    round: str
    group: str
    kind: str
    onsite_start: dt.date
    onsite_end: dt.date
    feedback_date: dt.date
    plan_approved_on: dt.date | None
    meeting: str | None
    as_of: dt.date
    figures: dict
    aspects: list[AspectReport]

    @property
    def title(self) -> str:
        return f"{self.unit}关于{self.round}整改进展情况的通报"


def build_report(inspection_id: str | None, as_of: dt.date) -> ProgressReport:
    from sqlmodel import select

    from models import Evidence, session_scope
    from rectify.core.clock import end_of_local_day_utc, local_date
    from rectify.feedback.schema import KIND_LABELS
    from rectify.problems.snapshots import snapshot
    from rectify.problems.tree import get_inspection

    with session_scope() as session:
        inspection = get_inspection(session, inspection_id)
        tz = inspection.timezone
        snap = snapshot(session, inspection, as_of)
        cutoff = end_of_local_day_utc(as_of, tz)
        tree = snap.tree
        ids = [p.id for p in tree.problems]
        progress = {
            pid: [f"{day:%Y年%-m月%-d日},{text}" for day, text in entries]
            for pid, entries in progress_entries(session, ids, cutoff, tz).items()
        }
        evidence: dict[int, list[str]] = {}
        for row in session.exec(
            select(Evidence)
            .where(Evidence.problem_id.in_(ids), Evidence.at < cutoff)
            .order_by(Evidence.at, Evidence.id)
        ):
            names = evidence.setdefault(row.problem_id, [])
            if row.name not in names:
                names.append(row.name)
        closings = {
            pid: f"{day:%Y年%-m月%-d日}"
            for pid, day in closing_dates(session, ids, cutoff, tz).items()
        }
        figures = snap.as_json()
        rows = {r["ref"]: r for r in figures["items"]}
        aspects: list[AspectReport] = []
        by_category: dict[int, CategoryReport] = {}
        for aspect in tree.aspects:
            aspects.append(AspectReport(aspect.title))
            for category in tree.categories:
                if category.aspect_id == aspect.id:
                    by_category[category.id] = CategoryReport(category.title)
                    aspects[-1].categories.append(by_category[category.id])
        for problem, view in zip(tree.problems, snap.problems, strict=True):
            row = rows[view.ref]
            by_category[problem.category_id].problems.append(
                ProblemReport(
                    ref=view.ref,
                    title=view.title,
                    state=row["state_label"],
                    measures=[m.text for m in view.measures],
                    progress=progress.get(problem.id, []),
                    evidence=evidence.get(problem.id, []),
                    closed_on=closings.get(problem.id) if view.state.value == "closed" else None,
                    stage_goal=problem.stage_goal if view.state.value == "long_term" else None,
                    checkpoint=row["checkpoint"] if view.state.value == "long_term" else None,
                    overdue=row["overdue"],
                )
            )
        approved = (
            snap.plan.approved_at
            if snap.plan.approved_at and snap.plan.approved_at < cutoff
            else None
        )
        return ProgressReport(
            inspection_id=inspection.id,
            unit=snap.unit,
            round=inspection.round,
            group=inspection.group,
            kind=KIND_LABELS.get(inspection.kind, inspection.kind),
            onsite_start=inspection.onsite_start,
            onsite_end=inspection.onsite_end,
            feedback_date=inspection.feedback_date,
            plan_approved_on=local_date(approved, tz) if approved else None,
            meeting=snap.plan.meeting if approved else None,
            as_of=as_of,
            figures=figures,
            aspects=aspects,
        )


def progress_entries(
    session, ids: list[int], cutoff: dt.datetime, tz: str
) -> dict[int, list[tuple[dt.date, str]]]:
    """Each problem's progress updates recorded before ``cutoff``: (local date, text), in order."""
    from sqlmodel import select

    from models import ProgressUpdate
    from rectify.core.clock import local_date

    out: dict[int, list[tuple[dt.date, str]]] = {}
    for row in session.exec(
        select(ProgressUpdate)
        .where(ProgressUpdate.problem_id.in_(ids), ProgressUpdate.at < cutoff)
        .order_by(ProgressUpdate.at, ProgressUpdate.id)
    ):
        out.setdefault(row.problem_id, []).append((local_date(row.at, tz), row.text))
    return out


def closing_dates(session, ids: list[int], cutoff: dt.datetime, tz: str) -> dict[int, dt.date]:
    """The local date of each problem's latest sign-off before ``cutoff``."""
    from sqlmodel import select

    from models import SignOff
    from rectify.core.clock import local_date

    out: dict[int, dt.date] = {}
    for row in session.exec(
        select(SignOff)
        .where(SignOff.problem_id.in_(ids), SignOff.at < cutoff)
        .order_by(SignOff.at, SignOff.id)
    ):
        out[row.problem_id] = local_date(row.at, tz)
    return out


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def progress_report_markdown(inspection_id: str | None, as_of: dt.date) -> str:
    r = build_report(inspection_id, as_of)
    lines = [f"# {r.title}", ""]
    lines.append(
        f"根据巡察工作统一部署,{cn_date(r.onsite_start)}至{cn_date(r.onsite_end)},{r.group}对{r.unit}开展了{r.kind},"
        f"并于{cn_date(r.feedback_date)}反馈了巡察意见。按照巡察工作有关要求,现将巡察整改进展情况予以公布。"
    )
    lines.append("")
    lines.append("## 一、整改工作组织情况")
    lines.append("")
    if r.plan_approved_on:
        lines.append(
            f"{cn_date(r.plan_approved_on)},{r.meeting or '党组会议'}审议通过了整改工作方案,逐一明确了牵头领导、"
            "责任领导、责任科室、责任人和整改时限,实行整改销号制度,做到整改一个销号一个。"
            "整改工作领导小组副组长每半月调度整改工作进展,组长每月亲自督办。"
        )
    else:
        lines.append("整改工作方案尚未经党组会议审议通过。")
    lines.append("")
    lines.append("## 二、整改工作落实情况")
    lines.append("")
    lines.append(f"截至{cn_date(r.as_of)},{headline(r.figures)}。")
    for a, aspect in enumerate(r.aspects, start=1):
        lines += ["", f"### ({cn_number(a)}){aspect.title}"]
        for c, category in enumerate(aspect.categories, start=1):
            lines += ["", f"**{c}.{category.title}**"]
            for p in category.problems:
                lines += ["", f"({p.ref}){p.title}", ""]
                lines.append(_paragraph(p))
    lines += ["", f"{r.unit}", "", cn_date(r.as_of), ""]
    return "\n".join(lines)


ORDINALS = ["一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是"]


def _paragraph(p: ProblemReport) -> str:
    done = p.progress or [f"{m}" for m in p.measures]
    parts = [
        f"{ORDINALS[i] if i < len(ORDINALS) else ''}{text.rstrip('。')}。"
        for i, text in enumerate(done)
    ]
    text = "整改情况:" + "".join(parts)
    if p.evidence:
        text += f"支撑材料:{'、'.join(p.evidence)}。"
    if p.closed_on:
        text += f"该问题已于{p.closed_on}整改销号。"
    elif p.stage_goal:
        text += f"该问题需长期整改,阶段性目标:{p.stage_goal.rstrip('。')};下一步将持续推进,{p.checkpoint}前完成阶段评估。"
    else:
        text += f"当前状态:{p.state}" + (",已超过整改时限,正在督办。" if p.overdue else "。")
    return text
