"""Delivery of the outbox (发送通知): retries with backoff and notices held for quiet hours."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.common import parent_run_name, resolve_at
from tasks.outbox import deliver


@flow(name="deliver-notices", flow_run_name=parent_run_name("发送通知"))
def deliver_notices(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    return deliver(resolve_at(as_of), capture, inspection_id)
