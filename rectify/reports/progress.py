"""The progress report (整改进展情况通报): what it says as of a date, gathered from the recorded
history. The wording is in ``rectify.reports.wording``; the public version and the office's
(``internal``) come from the same report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from models import AuditEvent, Person
from rectify.core.clock import local_date
from rectify.core.policy import Policy
from rectify.core.states import ProblemState
from rectify.feedback.schema import KIND_LABELS, PublicContact
from rectify.reports.history import History, closing_dates, evidence_names, history_as_of
from rectify.reports.outcomes import (
    Done,
    Recorded,
    Stage,
    done_by_problem,
    public_contact,
    recorded,
    stages_by_problem,
)
from rectify.reports.wording import MARKDOWN, report_blocks
from rectify.reports.wording import cn_date as cn_date  # re-exported for the other reports
from rectify.reports.wording import cn_number as cn_number


@dataclass
class ProblemReport:
    """One problem as the 通报 tells it. ``number`` is as published: the ref under a
    category ("(1)"), the place within its aspect when the aspect holds problems directly
    ("1.")."""

    ref: str
    number: str
    title: str
    state: ProblemState
    state_label: str
    done: list[Done]
    evidence: list[str]
    measures: list[str]
    closed_on: dt.date | None
    stage_goal: str | None
    checkpoint: dt.date | None
    stages: list[Stage]
    overdue: bool
    due: dt.date | None


@dataclass
class CategoryReport:
    """类 ("1.…"); ``title`` is empty when the aspect holds its problems directly."""

    title: str
    problems: list[ProblemReport] = field(default_factory=list)


@dataclass
class AspectReport:
    title: str
    categories: list[CategoryReport] = field(default_factory=list)

    @property
    def problems(self) -> list[ProblemReport]:
        return [p for c in self.categories for p in c.problems]


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
    plan_due: dt.date
    plan_approved_on: dt.date | None
    meeting: str | None
    policy: Policy
    as_of: dt.date
    figures: dict
    aspects: list[AspectReport]
    meetings: list[Recorded] = field(default_factory=list)
    institutions: list[Recorded] = field(default_factory=list)
    accountability: list[Recorded] = field(default_factory=list)
    contact: PublicContact | None = None
    refused: int = 0  # actions refused (audit log), for the office's version only
    names: dict[str, str] = field(default_factory=dict)  # person id → name

    @property
    def title(self) -> str:
        return f"{self.unit}关于{self.round}整改进展情况的通报"

    @property
    def problems(self) -> list[ProblemReport]:
        return [p for a in self.aspects for p in a.problems]


def build_report(inspection_id: str | None, as_of: dt.date, *, session: Session) -> ProgressReport:
    """Everything the 通报 says about the inspection as of ``as_of``."""
    history = history_as_of(session, inspection_id, as_of)
    inspection, snap = history.inspection, history.snapshot
    approved = (
        snap.plan.approved_at
        if snap.plan.approved_at and snap.plan.approved_at < history.cutoff
        else None
    )
    outcomes = recorded(session, history)
    return ProgressReport(
        inspection_id=inspection.id,
        unit=snap.unit,
        round=inspection.round,
        group=inspection.group,
        kind=KIND_LABELS.get(inspection.kind, inspection.kind),
        onsite_start=inspection.onsite_start,
        onsite_end=inspection.onsite_end,
        feedback_date=inspection.feedback_date,
        plan_due=snap.plan.due,
        plan_approved_on=local_date(approved, history.tz) if approved else None,
        meeting=snap.plan.meeting if approved else None,
        policy=Policy.model_validate(inspection.policy),
        as_of=as_of,
        figures=snap.as_json(),
        aspects=_aspects(session, history),
        meetings=outcomes["meetings"],
        institutions=outcomes["institutions"],
        accountability=outcomes["accountability"],
        contact=public_contact(history),
        refused=_refused(session, history),
        names={
            p.key: p.name
            for p in session.exec(select(Person).where(Person.inspection_id == inspection.id))
        },
    )


def _aspects(session: Session, history: History) -> list[AspectReport]:
    snap, tree = history.snapshot, history.tree
    done = done_by_problem(session, history)
    stages = stages_by_problem(session, history)
    evidence = evidence_names(session, history)
    closings = closing_dates(session, history)
    rows = {r["ref"]: r for r in snap.as_json()["items"]}
    aspects: list[AspectReport] = []
    by_category: dict[int, tuple[AspectReport, CategoryReport]] = {}
    for aspect in tree.aspects:
        aspects.append(AspectReport(aspect.title))
        for category in tree.categories:
            if category.aspect_id == aspect.id:
                by_category[category.id] = (aspects[-1], CategoryReport(category.title))
                aspects[-1].categories.append(by_category[category.id][1])
    for problem, view in zip(tree.problems, snap.problems, strict=True):
        aspect, category = by_category[problem.category_id]
        long_term = view.state == ProblemState.LONG_TERM
        problem_stages = stages.get(problem.id, [])
        checkpoint = problem_stages[-1].next_checkpoint if problem_stages else view.checkpoint
        within = len(aspect.problems) + 1  # the place within the aspect, as published
        category.problems.append(
            ProblemReport(
                ref=view.ref,
                number=f"（{view.ref}）" if category.title else f"{within}.",
                title=view.title,
                state=view.state,
                state_label=rows[view.ref]["state_label"],
                done=done.get(problem.id, []),
                evidence=evidence.get(problem.id, []),
                measures=[m.text for m in view.measures],
                closed_on=closings.get(problem.id) if view.state == ProblemState.CLOSED else None,
                stage_goal=problem.stage_goal if long_term else None,
                checkpoint=checkpoint if long_term else None,
                stages=problem_stages if long_term else [],
                overdue=rows[view.ref]["overdue"],
                due=view.latest_due,
            )
        )
    return aspects


def _refused(session: Session, history: History) -> int:
    return session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.inspection_id == history.inspection.id,
            AuditEvent.outcome == "refused",
            AuditEvent.at < history.cutoff,
        )
    ).one()


def progress_report_markdown(
    inspection_id: str | None, as_of: dt.date, *, session: Session, internal: bool = False
) -> str:
    """The 通报 as of ``as_of`` in Markdown, one blank line between paragraphs; ``internal``
    gives the office's version (evidence, who recorded what, overdue and refused counts)."""
    blocks = report_blocks(build_report(inspection_id, as_of, session=session), internal=internal)
    return "\n\n".join(MARKDOWN.get(b.kind, "{}").format(b.text) for b in blocks) + "\n"
