from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from prefect import task

from models import session_scope
from rectify.clues.sealing import clue_key, is_sealed
from rectify.notices.sender import deliver_due


def open_sealed(text: str) -> str:
    """A clue notice's sealed subject or body opened with the clue key; plain texts pass."""
    return clue_key().open(text) if is_sealed(text) else text


@task(name="发送通知")
def deliver(at: dt.datetime, capture: bool = False, inspection_id: str | None = None) -> dict:
    """Send every outbox row due at ``at`` (or capture it, in a simulation); each claim and
    each row's outcome is committed in its own transaction, as soon as it is known."""
    report = deliver_due(
        at,
        sessions=session_scope,
        capture=capture,
        inspection_id=inspection_id,
        open_text=open_sealed,
    )
    return asdict(report)
