"""Service functions on an inspection's problems: acting on them (an audited action, run
through the guard) and their figures as of a date."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from models import Office, Problem, Unit
from rectify.audit.guard import Outcome, audited
from rectify.core.clock import utc_now
from rectify.events import Fact, Place, action_fact, emit
from rectify.problems.actions import AnyAction, action_attempt, apply_action
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import get_inspection


def act(inspection_id: str | None, action: AnyAction, at: dt.datetime | None = None) -> Outcome:
    """Apply ``action`` at ``at`` (default now) to the named inspection, or the only one, if
    the rules allow it; either way, audit it."""
    at = at or utc_now()
    attempt = action_attempt(action)

    def work(session: Session) -> tuple[str, Fact | None]:
        inspection = get_inspection(session, inspection_id)
        attempt.inspection_id = inspection.id
        message = apply_action(session, inspection, action, at)
        return message, _lifecycle_fact(session, inspection, attempt, at)

    outcome, fact = audited(attempt, work, at=at)
    if outcome.done and fact is not None:
        emit([fact])  # after the action's transaction is committed
    return outcome


def _lifecycle_fact(session: Session, inspection, attempt, at: dt.datetime) -> Fact | None:
    """The lifecycle event a done action states (``rectify.events``), if any."""
    if attempt.action not in ("sign_off", "return_sign_off", "review"):
        return None
    office = session.get(Office, inspection.office_id) if inspection.office_id else None
    unit = session.get(Unit, inspection.unit_id)
    place = Place(
        inspection.id,
        unit.name if unit else "",
        inspection.office_id,
        office.name if office else "",
    )
    problem = session.exec(
        select(Problem).where(
            Problem.inspection_id == inspection.id, Problem.ref == attempt.subject
        )
    ).first()
    title = problem.title if problem else ""
    return action_fact(attempt.action, attempt.details, place, title, at.isoformat())


def status(inspection_id: str | None, as_of: dt.date, *, session: Session) -> dict:
    """Counts per state, overdue and per aspect as of ``as_of``, as plain data."""
    return snapshot(session, get_inspection(session, inspection_id), as_of).as_json()
