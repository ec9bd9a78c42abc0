"""Importing a feedback file (导入反馈意见): an audited action, all or nothing. The command
line, the feedback-import flow and the simulation all import through ``import_file``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session

from rectify.audit.guard import Attempt, audited, refuse
from rectify.core.clock import utc_now
from rectify.core.errors import Refusal
from rectify.core.messages import located
from rectify.feedback.validate import FeedbackErrors, load_feedback
from rectify.feedback.write import ImportResult, write_feedback

# A refused import's reason lists at most this many of its errors.
REASON_ERRORS = 50


class ImportOutcome(BaseModel):
    """What an import came to: the figures written, or the errors that refused it."""

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
    """Import a feedback file in one transaction; a refusal writes only its audit event
    (action "import"; a done replacement is audited as "replace")."""
    at = at or utc_now()
    try:
        feedback, _ = load_feedback(path)
    except FeedbackErrors as exc:
        attempt = Attempt("import", subject=path.name, details={"errors": len(exc.errors)})
        reason = "\n".join(exc.errors[:REASON_ERRORS])
        refuse(attempt, Refusal("invalid_file", reason), at=at)
        return ImportOutcome(done=False, errors=exc.errors)
    attempt = Attempt(
        "import", inspection_id=feedback.inspection.id, subject=path.name, details={"errors": 1}
    )

    def work(session: Session) -> tuple[str, ImportResult]:
        try:
            result = write_feedback(session, feedback, source=str(path), replace=replace, at=at)
        except Refusal as refusal:
            raise Refusal(refusal.code, located(str(path), "", "", refusal.message)) from refusal
        attempt.action = "replace" if result.replaced else "import"
        attempt.details = {
            "problems": result.problems,
            "measures": result.measures,
            "notes": result.notes,
        }
        return attempt.action, result

    outcome, result = audited(attempt, work, at=at)
    if result is None:
        return ImportOutcome(
            done=False, inspection_id=feedback.inspection.id, errors=[outcome.message]
        )
    return ImportOutcome(done=True, **result.__dict__)
