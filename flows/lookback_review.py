"""回头看 review: closed problems whose review is due are assigned to a reviewer and
announced; the reviewer's finding (``rectify review``) keeps them closed or reopens them."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.common import in_batches, local_day, parent_run_name, resolve_at
from tasks.inspections import list_inspections
from tasks.outbox import deliver
from tasks.review import assign_reviews


@flow(name="lookback-review", flow_run_name=parent_run_name("回头看"), log_prints=True)
def lookback_review(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    at = resolve_at(as_of)
    day = local_day(at)
    ids = list_inspections(at, inspection_id)
    runs = in_batches(ids, assign_reviews, "review", at)
    delivery = deliver(at, capture)
    return {
        "date": day,
        "assigned": {r["inspection"]: r["assigned"] for r in runs if r["assigned"]},
        "notices": sum(r["notices"] for r in runs),
        "delivery": delivery,
    }
