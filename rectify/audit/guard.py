"""The one audited-action guard: every action a person takes (plan approval, progress,
sign-off, a clue's transfer, a file import …) runs inside it. It opens the session, lets the
work write in a savepoint, and records the action in the audit log either way: done, or
refused with the refusal's stable code and its reason (拒绝原因). A refusal undoes whatever the
work wrote before it was raised; only the audit event remains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session

from models import create_schema, session_scope
from rectify.audit.log import record
from rectify.core.clock import utc_now
from rectify.core.errors import Refusal

T = TypeVar("T")


class Outcome(BaseModel):
    """What an action came to: done with a message, or refused with a code and a reason."""

    done: bool
    action: str
    subject: str | None = None
    code: str | None = None
    message: str
    errors: list[str] = []

    @classmethod
    def of_refusal(cls, attempt: Attempt, refusal: Refusal) -> Outcome:
        """The outcome of ``attempt`` refused for ``refusal``."""
        return cls(
            done=False,
            action=attempt.action,
            subject=attempt.subject,
            code=refusal.code,
            message=refusal.message,
        )


@dataclass
class Attempt:
    """An action as the audit log records it. The work may fill in ``inspection_id`` once it
    has resolved the inspection (a command may leave it to the only one there is)."""

    action: str
    actor: str | None = None
    inspection_id: str | None = None
    subject: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def audited(
    attempt: Attempt,
    work: Callable[[Session], tuple[str, T]],
    *,
    at: dt.datetime | None = None,
) -> tuple[Outcome, T | None]:
    """Run ``work(session)`` as ``attempt`` at ``at``: it returns (message, value) or raises a
    ``Refusal``. Either way the attempt is audited in the same transaction."""
    at = at or utc_now()
    create_schema()
    with session_scope() as session:
        try:
            with session.begin_nested():
                message, value = work(session)
        except Refusal as refusal:
            refused(session, attempt, refusal, at=at)
            return Outcome.of_refusal(attempt, refusal), None
        return accepted(session, attempt, message, at=at), value


def accepted(session: Session, attempt: Attempt, message: str, *, at: dt.datetime) -> Outcome:
    """Record ``attempt`` as done (the caller's transaction) and return its outcome."""
    _record(session, attempt, at=at)
    return Outcome(done=True, action=attempt.action, subject=attempt.subject, message=message)


def refused(session: Session, attempt: Attempt, refusal: Refusal, *, at: dt.datetime) -> None:
    """Record ``attempt`` as refused for ``refusal`` (the caller's transaction)."""
    _record(session, attempt, at=at, refusal=refusal)


def _record(
    session: Session, attempt: Attempt, *, at: dt.datetime, refusal: Refusal | None = None
) -> None:
    record(
        session,
        at=at,
        action=attempt.action,
        outcome="done" if refusal is None else "refused",
        inspection_id=attempt.inspection_id,
        actor=attempt.actor,
        subject=attempt.subject,
        code=None if refusal is None else refusal.code,
        reason=None if refusal is None else refusal.message,
        details=attempt.details,
    )


def refuse(attempt: Attempt, refusal: Refusal, *, at: dt.datetime | None = None) -> Outcome:
    """Record a refusal decided before any work could start (an unreadable file, say)."""
    at = at or utc_now()
    create_schema()
    with session_scope() as session:
        refused(session, attempt, refusal, at=at)
    return Outcome.of_refusal(attempt, refusal)
