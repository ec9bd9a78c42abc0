"""The append-only audit log: every action, done or refused, with its reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from models import AuditEvent
from rectify.clock import utc_now


def record(
    session: Session,
    *,
    at: dt.datetime,
    action: str,
    outcome: str,
    inspection_id: str | None = None,
    actor: str | None = None,
    subject: str | None = None,
    code: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=at,
        recorded_at=utc_now(),
        inspection_id=inspection_id,
        actor=actor,
        action=action,
        subject=subject,
        outcome=outcome,
        code=code,
        reason=reason,
        details=details or {},
    )
    session.add(event)
    return event
