from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from prefect import task

from rectify.notices.sender import deliver_due


@task(name="发送通知")
def deliver(at: dt.datetime, capture: bool = False, inspection_id: str | None = None) -> dict:
    """Send every outbox row due at ``at`` (or capture it, in a simulation)."""
    return asdict(deliver_due(at, capture=capture, inspection_id=inspection_id))
