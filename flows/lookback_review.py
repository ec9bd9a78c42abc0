"""回头看 review: closed problems whose review is due are assigned to a reviewer and
announced; the reviewer's finding (``rectify review``) keeps them closed or reopens them."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.common import for_each_inspection, local_day, parent_run_name, resolve_at
from tasks.inspections import list_inspections
from tasks.outbox import deliver
from tasks.review import assign_reviews


@flow(name="lookback-review-inspection", flow_run_name="回头看 {inspection_id} {day}")
def review_inspection(inspection_id: str, at: dt.datetime, day: str) -> dict:
    return assign_reviews(inspection_id, at)


@flow(name="lookback-review", flow_run_name=parent_run_name("回头看"), log_prints=True)
def lookback_review(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    at = resolve_at(as_of)
    day = local_day(at)
    ids = list_inspections(at, inspection_id)
    runs = for_each_inspection(
        ids, review_inspection, "review", at, day, single=inspection_id is not None
    )
    delivery = deliver(at, capture)
    return {
        "date": day,
        "assigned": {r["inspection"]: r["assigned"] for r in runs if r["assigned"]},
        "notices": sum(r["notices"] for r in runs),
        "delivery": delivery,
    }
