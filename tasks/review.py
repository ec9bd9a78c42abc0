from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from prefect import task
from sqlmodel import select

from models import Problem, ReviewAssignment, SignOff
from rectify.core.clock import as_utc, local_date
from rectify.core.deadlines import add_period
from rectify.core.states import ProblemState
from rectify.notices.planning import ClosedProblem, review_assignments
from tasks.context import InspectionRun, each_inspection


@dataclass
class Reviews:
    """What the review reads for a batch besides its snapshots: the closings already
    assigned (problem id, closed at), the reviews each supervisor was given so far by
    inspection, and who confirmed each sign-off (problem id → [(at, by)], in time order)."""

    assigned: set[tuple[int, dt.datetime]] = field(default_factory=set)
    load: dict[str, Counter[str]] = field(default_factory=dict)
    sign_offs: dict[int, list[tuple[dt.datetime, str]]] = field(default_factory=dict)


@task(name="回头看")
def assign_reviews(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """Closed problems whose 回头看 is due are assigned to an office supervisor who did not
    confirm their sign-off, in turn across the office's supervisors, and announced. No
    dashboard: an assignment changes nothing it shows, and the deadline watch of the same
    hour publishes it."""
    return each_inspection(inspection_ids, at, assign_one, load=_reviews)


def _reviews(contexts: list[InspectionRun]) -> Reviews:
    """The batch's review assignments and sign-offs, in two queries."""
    ids = [c.inspection.id for c in contexts]
    session = contexts[0].session
    out = Reviews(load={i: Counter() for i in ids})
    for a, inspection_id in session.exec(
        select(ReviewAssignment, Problem.inspection_id)
        .join(Problem, ReviewAssignment.problem_id == Problem.id)
        .where(Problem.inspection_id.in_(ids))
    ):
        out.assigned.add((a.problem_id, as_utc(a.closed_at)))
        out.load[inspection_id][a.reviewer] += 1
    for s in session.exec(
        select(SignOff)
        .join(Problem, SignOff.problem_id == Problem.id)
        .where(Problem.inspection_id.in_(ids), SignOff.at <= contexts[0].at)
        .order_by(SignOff.at, SignOff.id)
    ):
        out.sign_offs.setdefault(s.problem_id, []).append((as_utc(s.at), s.by))
    return out


def _confirmed_by(reviews: Reviews, problem: Problem) -> str:
    """Who confirmed the sign-off that closed ``problem``: the latest one by its closing."""
    assert problem.closed_at is not None
    closed_at = as_utc(problem.closed_at)
    by = [who for at, who in reviews.sign_offs.get(problem.id or 0, []) if at <= closed_at]
    return by[-1] if by else ""


def assign_one(reviews: Reviews, ctx: InspectionRun):
    at = ctx.at
    tz = ctx.inspection.timezone
    problems = {p.ref: p for p in ctx.snap.tree.problems}
    closed = []
    for view in ctx.snap.problems:
        problem = problems[view.ref]
        if view.state is not ProblemState.CLOSED or problem.closed_at is None:
            continue
        if problem.closed_at > at:
            continue
        closed_on = local_date(problem.closed_at, tz)
        closed.append(
            ClosedProblem(
                problem=view,
                closed_on=closed_on,
                review_due=add_period(closed_on, ctx.snap.policy.review_after, ctx.calendar),
                assigned=(problem.id, as_utc(problem.closed_at)) in reviews.assigned,
                confirmed_by=_confirmed_by(reviews, problem),
            )
        )
    load = reviews.load[ctx.inspection.id]
    plans, new = review_assignments(closed, ctx.people, ctx.today, load)
    by_ref = {c.problem.ref: c for c in closed}
    for ref, reviewer in new.items():
        ctx.add(
            ReviewAssignment(
                problem_id=problems[ref].id,
                closed_at=problems[ref].closed_at,
                reviewer=reviewer,
                due=by_ref[ref].review_due,
                assigned_on=ctx.today,
            )
        )
    keys = ctx.enqueue(plans, ctx.today.isoformat(), by_items=True)
    return lambda: {
        "inspection": ctx.inspection.id,
        "date": ctx.today.isoformat(),
        "assigned": dict(sorted(new.items())),
        "notices": len(ctx.new_notices(keys)),
        **ctx.office_warning(),
    }
