"""The 回头看 outcome given in an interactive run: the reviews assigned and not yet carried
out, what the reviewer reads, and the outcome applied by the rules, permissions and audit of
``rectify review``, once per assignment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func
from sqlmodel import Session, select

import models
from rectify.audit.guard import Outcome
from rectify.core.clock import as_utc, local_date, utc_now
from rectify.core.states import ProblemState
from rectify.problems.actions import ReviewAction
from rectify.problems.decisions import Waiting, apply_once, history_block

Finding = Literal["整改成效保持", "反弹回潮"]
FINDINGS: dict[str, Literal["sustained", "relapsed"]] = {
    "整改成效保持": "sustained",
    "反弹回潮": "relapsed",
}


@dataclass(frozen=True)
class PendingReview:
    """A 回头看 assigned and not yet carried out."""

    inspection_id: str
    unit: str
    problem: str
    title: str
    assignment_id: int
    closed_on: dt.date
    reviewer: str
    due: dt.date

    @property
    def run_name(self) -> str:
        """The name of the run that waits for the outcome."""
        return f"回头看 {self.unit} 问题 {self.problem}"


def pending_reviews(session: Session, inspection_id: str | None = None) -> list[PendingReview]:
    """Every review assigned for the problem's current closing that has no outcome yet."""
    reviewed = (
        select(models.Review.problem_id, func.max(models.Review.at).label("at"))
        .group_by(models.Review.problem_id)
        .subquery()
    )
    query = (
        select(
            models.ReviewAssignment, models.Problem, models.Inspection, models.Unit, reviewed.c.at
        )
        .join(models.Problem, models.ReviewAssignment.problem_id == models.Problem.id)
        .join(models.Inspection, models.Problem.inspection_id == models.Inspection.id)
        .join(models.Unit, models.Inspection.unit_id == models.Unit.id)
        .outerjoin(reviewed, reviewed.c.problem_id == models.Problem.id)
        .where(models.Problem.state == ProblemState.CLOSED)
        .order_by(models.ReviewAssignment.due, models.ReviewAssignment.id)
    )
    if inspection_id is not None:
        query = query.where(models.Problem.inspection_id == inspection_id)
    out = []
    for a, problem, inspection, unit, last_review in session.exec(query):
        current = problem.closed_at is not None and as_utc(a.closed_at) == as_utc(problem.closed_at)
        if not current or (last_review is not None and as_utc(last_review) > as_utc(a.closed_at)):
            continue
        out.append(
            PendingReview(
                inspection.id,
                unit.name,
                problem.ref,
                problem.title,
                a.id or 0,
                local_date(a.closed_at, inspection.timezone),
                a.reviewer,
                a.due,
            )
        )
    return out


def find_pending_review(
    session: Session, inspection_id: str, assignment_id: int
) -> PendingReview | None:
    """The review ``assignment_id`` if it still waits for its outcome."""
    return next(
        (r for r in pending_reviews(session, inspection_id) if r.assignment_id == assignment_id),
        None,
    )


def review_briefing(session: Session, pending: PendingReview) -> str:
    """What the reviewer reads, as Markdown: the problem in full and the review's dates."""
    return (
        f"## 回头看：{pending.unit} 问题 {pending.problem}\n\n**{pending.title}**\n\n"
        f"- 销号日期 {pending.closed_on}；回头看自 {pending.due} 起开展\n"
        f"- 分派的督查人员：{pending.reviewer}（须由未确认该销号的督查人员开展）\n\n"
        + history_block(session, pending.inspection_id, pending.problem)
    )


def decide_review(
    inspection_id: str,
    assignment_id: int,
    *,
    finding: Finding,
    by: str,
    note: str = "",
    channel: str,
    at: dt.datetime | None = None,
) -> Outcome:
    """The 回头看 outcome of assignment ``assignment_id`` (``rectify review``'s rules and
    audit, with its ``channel``); an assignment already carried out is refused
    (``already_decided``) and the refusal audited."""
    at = at or utc_now()
    action = ReviewAction(by=by, problem="", outcome=FINDINGS[finding], note=note)
    waiting = Waiting(
        inspection_id, models.ReviewAssignment, assignment_id, "回头看", find_pending_review
    )
    return apply_once(
        action, waiting, at, channel=channel, assignment=assignment_id, finding=finding
    )
