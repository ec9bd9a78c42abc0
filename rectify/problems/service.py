"""Entry points shared by the command line, the flows and the simulation: each opens its
own session, does one thing all-or-nothing, and returns plain data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from models import create_schema, session_scope
from rectify.audit.log import record
from rectify.core.clock import utc_now
from rectify.core.errors import Refusal
from rectify.feedback.validate import FeedbackErrors, load_feedback
from rectify.feedback.write import write_feedback
from rectify.problems.actions import AnyAction, Outcome, perform
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import get_inspection


class ImportOutcome(BaseModel):
    done: bool
    inspection_id: str | None = None
    replaced: bool = False
    aspects: int = 0
    problems: int = 0
    measures: int = 0
    plan_due: dt.date | None = None
    errors: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []


def import_file(
    path: Path, *, replace: bool = False, at: dt.datetime | None = None
) -> ImportOutcome:
    """Import a feedback file in one transaction; a refusal writes only its audit event."""
    at = at or utc_now()
    create_schema()
    try:
        feedback, _ = load_feedback(path)
    except FeedbackErrors as exc:
        _refused_import(path, None, at, "invalid_file", exc.errors)
        return ImportOutcome(done=False, errors=exc.errors)
    try:
        with session_scope() as session:
            result = write_feedback(session, feedback, source=str(path), replace=replace, at=at)
            record(
                session,
                at=at,
                action="replace" if result.replaced else "import",
                outcome="done",
                inspection_id=result.inspection_id,
                subject=path.name,
                details={
                    "problems": result.problems,
                    "measures": result.measures,
                    "notes": result.notes,
                },
            )
    except Refusal as refusal:
        _refused_import(
            path, feedback.inspection.id, at, refusal.code, [f"{path}: {refusal.message}"]
        )
        return ImportOutcome(
            done=False, inspection_id=feedback.inspection.id, errors=[f"{path}: {refusal.message}"]
        )
    return ImportOutcome(done=True, **{k: v for k, v in result.__dict__.items()})


def _refused_import(
    path: Path, inspection_id: str | None, at, code: str, errors: list[str]
) -> None:
    with session_scope() as session:
        record(
            session,
            at=at,
            action="import",
            outcome="refused",
            inspection_id=inspection_id,
            subject=path.name,
            code=code,
            reason="\n".join(errors[:50]),
            details={"errors": len(errors)},
        )


def act(inspection_id: str | None, action: AnyAction, at: dt.datetime | None = None) -> Outcome:
    with session_scope() as session:
        inspection = get_inspection(session, inspection_id)
        return perform(session, inspection, action, at or utc_now())


def status(inspection_id: str | None, as_of: dt.date) -> dict:
    with session_scope() as session:
        return snapshot(session, get_inspection(session, inspection_id), as_of).as_json()
