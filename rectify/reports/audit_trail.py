"""Reading the audit log (审计日志) as a person may see it: newest first, with the events
about problem clues (问题线索) redacted for anyone the clue register does not let read them.
A clue event's subject is stored sealed (``rectify.clues.sealing``): it is opened here, with
the clue key, for a reader with the right only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, func, select

from models import AuditEvent
from rectify.clues import ClueKeyError, clue_key, is_sealed, may_read

# What a reader without the right to see clues reads in place of a clue event's subject.
REDACTED_SUBJECT = "（问题线索）"
# What a reader with the right reads when the clue key is missing or wrong.
UNREADABLE_SUBJECT = "（问题线索，密钥不可用）"


@dataclass(frozen=True)
class AuditRow:
    """One audit event as listed; ``subject`` and ``reason`` may be redacted."""

    id: int | None
    at: dt.datetime
    inspection_id: str | None
    actor: str | None
    action: str
    subject: str | None
    outcome: str
    code: str | None
    reason: str | None
    channel: str | None = None  # where the decision was given (``flow-run:<id>``), if not here


def is_clue_event(event: AuditEvent) -> bool:
    """Whether ``event`` is about a problem clue (its action is one of the clue register's)."""
    return event.action.startswith("clue")


def audit_rows(
    *, session: Session, actor: str | None, inspection_id: str | None = None, limit: int = 50
) -> list[AuditRow]:
    """The newest ``limit`` events (of one inspection, when named), newest first. A clue
    event shows its clue number and reason only to the office or an authorised reader."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if inspection_id:
        query = query.where(AuditEvent.inspection_id == inspection_id)
    events = session.exec(query).all()
    readable = {
        i: may_read(session, i, actor)
        for i in {e.inspection_id for e in events if is_clue_event(e)}
    }
    rows = []
    for e in events:
        hidden = is_clue_event(e) and not readable[e.inspection_id]
        subject = REDACTED_SUBJECT if hidden else _opened(e.subject)
        rows.append(
            AuditRow(
                id=e.id,
                at=e.at,
                inspection_id=e.inspection_id,
                actor=e.actor,
                action=e.action,
                subject=subject,
                outcome=e.outcome,
                code=e.code,
                reason=None if hidden else e.reason,
                channel=(e.details or {}).get("channel") if isinstance(e.details, dict) else None,
            )
        )
    return rows


def _opened(subject: str | None) -> str | None:
    """A subject as stored, or the clue number it seals, opened with the clue key."""
    if not is_sealed(subject):
        return subject
    try:
        return clue_key().open(subject or "")
    except ClueKeyError:
        return UNREADABLE_SUBJECT


def count_events(*, session: Session) -> int:
    """How many events the audit log holds."""
    return session.exec(select(func.count()).select_from(AuditEvent)).one()
