from __future__ import annotations

import datetime as dt

from prefect import task
from sqlmodel import select

from models import Problem, ReviewAssignment
from rectify.core.clock import as_utc, local_date
from rectify.core.deadlines import add_period
from rectify.core.states import ProblemState
from rectify.notices.planning import ClosedProblem, review_assignments
from tasks.context import InspectionRun, each_inspection

Assigned = set[tuple[int, dt.datetime]]  # (problem id, closed at) already assigned


@task(name="回头看")
def assign_reviews(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """Closed problems whose 回头看 is due are assigned to a reviewer and announced."""
    return each_inspection(inspection_ids, at, assign_one, load=_assigned)


def _assigned(contexts: list[InspectionRun]) -> Assigned:
    rows = contexts[0].session.exec(
        select(ReviewAssignment)
        .join(Problem, ReviewAssignment.problem_id == Problem.id)
        .where(Problem.inspection_id.in_([c.inspection.id for c in contexts]))
    )
    return {(a.problem_id, as_utc(a.closed_at)) for a in rows}


def assign_one(assigned: Assigned, ctx: InspectionRun):
    at = ctx.at
    tz = ctx.inspection.timezone
    problems = {p.ref: p for p in ctx.snap.tree.problems}
    closed_views = [v for v in ctx.snap.problems if v.state is ProblemState.CLOSED]
    closed = []
    for view in closed_views:
        problem = problems[view.ref]
        if problem.closed_at is None or problem.closed_at > at:
            continue
        closed_on = local_date(problem.closed_at, tz)
        closed.append(
            ClosedProblem(
                problem=view,
                closed_on=closed_on,
                review_due=add_period(closed_on, ctx.snap.policy.review_after, ctx.calendar),
                assigned=(problem.id, as_utc(problem.closed_at)) in assigned,
            )
        )
    plans, new = review_assignments(closed, ctx.people, ctx.today)
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
    }
