"""The progress report (整改进展情况通报) in the official phrasing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from rectify.core.clock import local_date
from rectify.core.states import ProblemState
from rectify.feedback.schema import KIND_LABELS
from rectify.reports.history import (
    closing_dates,
    evidence_names,
    history_as_of,
    progress_entries,
)


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
    """一, 二, … 十五 for the numbered headings; larger numbers in digits."""
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


def build_report(inspection_id: str | None, as_of: dt.date, *, session: Session) -> ProgressReport:
    """Everything the 通报 says about the inspection as of ``as_of``."""
    history = history_as_of(session, inspection_id, as_of)
    inspection, snap, tree = history.inspection, history.snapshot, history.tree
    progress = {
        pid: [f"{day:%Y年%-m月%-d日},{text}" for day, text in entries]
        for pid, entries in progress_entries(session, history).items()
    }
    evidence = evidence_names(session, history)
    closings = {
        pid: f"{day:%Y年%-m月%-d日}" for pid, day in closing_dates(session, history).items()
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
        long_term = view.state == ProblemState.LONG_TERM
        by_category[problem.category_id].problems.append(
            ProblemReport(
                ref=view.ref,
                title=view.title,
                state=row["state_label"],
                measures=[m.text for m in view.measures],
                progress=progress.get(problem.id, []),
                evidence=evidence.get(problem.id, []),
                closed_on=closings.get(problem.id) if view.state == ProblemState.CLOSED else None,
                stage_goal=problem.stage_goal if long_term else None,
                checkpoint=row["checkpoint"] if long_term else None,
                overdue=row["overdue"],
            )
        )
    approved = (
        snap.plan.approved_at
        if snap.plan.approved_at and snap.plan.approved_at < history.cutoff
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
        plan_approved_on=local_date(approved, history.tz) if approved else None,
        meeting=snap.plan.meeting if approved else None,
        as_of=as_of,
        figures=figures,
        aspects=aspects,
    )


def cn_date(day: dt.date) -> str:
    """A date as the 通报 writes it: 2023年10月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Block:
    """One paragraph of the 通报 and what it is (``kind``), for the Markdown and the DOCX to
    lay out each in its own way: title, body, section (一、), headline (截至…, the chart
    follows it), aspect ((一)), category (1.), problem ((1)…), unit and date (the signature)."""

    kind: str
    text: str


def report_blocks(report: ProgressReport) -> list[Block]:
    """The 通报's paragraphs in order."""
    r = report
    blocks = [
        Block("title", r.title),
        Block(
            "body",
            f"根据巡察工作统一部署,{cn_date(r.onsite_start)}至{cn_date(r.onsite_end)},"
            f"{r.group}对{r.unit}开展了{r.kind},并于{cn_date(r.feedback_date)}"
            "反馈了巡察意见。按照巡察工作有关要求,现将巡察整改进展情况予以公布。",
        ),
        Block("section", "一、整改工作组织情况"),
    ]
    if r.plan_approved_on:
        organisation = (
            f"{cn_date(r.plan_approved_on)},{r.meeting or '党组会议'}审议通过了整改工作方案,"
            "逐一明确了牵头领导、责任领导、责任科室、责任人和整改时限,实行整改销号制度,"
            "做到整改一个销号一个。整改工作领导小组副组长每半月调度整改工作进展,组长每月亲自督办。"
        )
    else:
        organisation = "整改工作方案尚未经党组会议审议通过。"
    blocks += [
        Block("body", organisation),
        Block("section", "二、整改工作落实情况"),
        Block("headline", f"截至{cn_date(r.as_of)},{headline(r.figures)}。"),
    ]
    for a, aspect in enumerate(r.aspects, start=1):
        blocks.append(Block("aspect", f"({cn_number(a)}){aspect.title}"))
        for c, category in enumerate(aspect.categories, start=1):
            blocks.append(Block("category", f"{c}.{category.title}"))
            for p in category.problems:
                blocks.append(Block("problem", f"({p.ref}){p.title}"))
                blocks.append(Block("body", problem_paragraph(p)))
    blocks += [Block("unit", r.unit), Block("date", cn_date(r.as_of))]
    return blocks


MARKDOWN = {"title": "# {}", "section": "## {}", "aspect": "### {}", "category": "**{}**"}


def progress_report_markdown(inspection_id: str | None, as_of: dt.date, *, session: Session) -> str:
    """The 通报 as of ``as_of`` in Markdown, one blank line between paragraphs."""
    blocks = report_blocks(build_report(inspection_id, as_of, session=session))
    return "\n\n".join(MARKDOWN.get(b.kind, "{}").format(b.text) for b in blocks) + "\n"


ORDINALS = ["一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是"]


def problem_paragraph(p: ProblemReport) -> str:
    """What the 通报 says of one problem: 整改情况, 支撑材料, and where it stands."""
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
