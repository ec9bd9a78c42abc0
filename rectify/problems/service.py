"""Service functions on an inspection's problems: acting on them (an audited action, run
through the guard) and their figures as of a date."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from rectify.audit.guard import Outcome, audited
from rectify.core.clock import utc_now
from rectify.problems.actions import AnyAction, action_attempt, apply_action
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import get_inspection


def act(inspection_id: str | None, action: AnyAction, at: dt.datetime | None = None) -> Outcome:
    """Apply ``action`` at ``at`` (default now) to the named inspection, or the only one, if
    the rules allow it; either way, audit it."""
    at = at or utc_now()
    attempt = action_attempt(action)

    def work(session: Session) -> tuple[str, None]:
        inspection = get_inspection(session, inspection_id)
        attempt.inspection_id = inspection.id
        return apply_action(session, inspection, action, at), None

    outcome, _ = audited(attempt, work, at=at)
    return outcome


def status(inspection_id: str | None, as_of: dt.date, *, session: Session) -> dict:
    """Counts per state, overdue and per aspect as of ``as_of``, as plain data."""
    return snapshot(session, get_inspection(session, inspection_id), as_of).as_json()
