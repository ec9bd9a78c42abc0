from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from prefect import task
from sqlmodel import Session, select

from models import Inspection, Person, Problem, ReviewAssignment, SignOff, session_scope
from rectify.core.clock import as_utc, local_date
from rectify.core.deadlines import add_period
from rectify.core.states import ProblemState
from rectify.notices.planning import ClosedProblem, review_assignments
from rectify.problems.tree import load_calendar, policy_of, views_of
from tasks.context import (
    InspectionRun,
    each_inspection,
    known_inspections,
    office_warning,
)


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
    hour publishes it.

    The review runs every day, and on most days nothing is due: the inspections without a
    closing whose review is due today and not yet assigned get their (empty) result from
    two small queries, without their snapshots (the whole tree and history of each)."""
    with session_scope() as session:
        inspections = known_inspections(session, inspection_ids)
        due = _maybe_due(session, inspections, as_utc(at))
        quiet = _nothing_due(session, [i for i in inspections if i.id not in due], at)
    done = each_inspection(sorted(due), at, assign_one, load=_reviews) if due else []
    results = {r["inspection"]: r for r in done} | quiet
    return [results[i.id] for i in inspections]


def _maybe_due(session: Session, inspections: list[Inspection], at: dt.datetime) -> set[str]:
    """The inspections with a closing by ``at`` whose review is due on their day and not yet
    assigned: all that ``assign_one`` could assign (it also asks that the problem is still
    closed and that a supervisor other than its confirmer is there)."""
    by_id = {i.id: i for i in inspections}
    assigned = {
        (problem_id, as_utc(closed_at))
        for problem_id, closed_at in session.exec(
            select(ReviewAssignment.problem_id, ReviewAssignment.closed_at)
            .join(Problem, ReviewAssignment.problem_id == Problem.id)
            .where(Problem.inspection_id.in_(list(by_id)))
        )
    }
    closings = [
        (inspection_id, as_utc(closed_at))
        for problem_id, inspection_id, closed_at in session.exec(
            select(Problem.id, Problem.inspection_id, Problem.closed_at).where(
                Problem.inspection_id.in_(list(by_id)), Problem.closed_at.is_not(None)
            )
        )
        if as_utc(closed_at) <= at and (problem_id, as_utc(closed_at)) not in assigned
    ]
    calendar = load_calendar(session) if closings else None
    due: set[str] = set()
    for inspection_id, closed_at in closings:
        inspection = by_id[inspection_id]
        tz = inspection.timezone
        review_after = policy_of(inspection).review_after
        if local_date(at, tz) >= add_period(local_date(closed_at, tz), review_after, calendar):
            due.add(inspection_id)
    return due


def _nothing_due(session: Session, inspections: list[Inspection], at: dt.datetime) -> dict:
    """The result of a review with nothing to assign, by inspection: as ``assign_one``'s."""
    people: dict[str, list[Person]] = {i.id: [] for i in inspections}
    for person in session.exec(select(Person).where(Person.inspection_id.in_(list(people)))):
        people[person.inspection_id].append(person)
    return {
        i.id: {
            "inspection": i.id,
            "date": local_date(as_utc(at), i.timezone).isoformat(),
            "assigned": {},
            "notices": 0,
            **office_warning(views_of(people[i.id])),
        }
        for i in inspections
    }


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
