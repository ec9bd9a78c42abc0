from __future__ import annotations

import datetime as dt

from prefect import task
from sqlmodel import select

from models import ReviewAssignment, session_scope
from rectify.clock import local_date
from rectify.rules.deadlines import add_period
from rectify.rules.notices import ClosedProblem, review_assignments
from rectify.rules.states import ProblemState
from tasks.context import load_context


@task(name="回头看")
def assign_reviews(inspection_id: str, at: dt.datetime) -> dict:
    """Closed problems whose 回头看 is due are assigned to a reviewer and announced."""
    with session_scope() as session:
        ctx = load_context(session, inspection_id, at)
        tz = ctx.inspection.timezone
        problems = {p.ref: p for p in ctx.snap.ledger.problems}
        closed_views = [v for v in ctx.snap.problems if v.state is ProblemState.CLOSED]
        ids = [problems[v.ref].id for v in closed_views]
        assigned = {
            (a.problem_id, a.closed_at)
            for a in session.exec(
                select(ReviewAssignment).where(ReviewAssignment.problem_id.in_(ids))
            )
        }
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
                    assigned=(problem.id, problem.closed_at) in assigned,
                )
            )
        plans, new = review_assignments(closed, ctx.people, ctx.today)
        by_ref = {c.problem.ref: c for c in closed}
        for ref, reviewer in new.items():
            session.add(
                ReviewAssignment(
                    problem_id=problems[ref].id,
                    closed_at=problems[ref].closed_at,
                    reviewer=reviewer,
                    due=by_ref[ref].review_due,
                    assigned_on=ctx.today,
                )
            )
        notice_ids = ctx.enqueue(plans, ctx.today.isoformat(), by_items=True)
        return {
            "inspection": inspection_id,
            "date": ctx.today.isoformat(),
            "assigned": dict(sorted(new.items())),
            "notices": len(notice_ids),
        }
