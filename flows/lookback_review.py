"""回头看 review: closed problems whose review is due are assigned to an inspection office
supervisor who did not confirm their sign-off and announced to them; the reviewer's finding
(``rectify review``) keeps them closed or reopens them. An inspection without an office is
named in the result: its reviews wait until an office is declared."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.common import parent_run_name, scheduled_batches, without_office
from tasks.outbox import deliver
from tasks.review import assign_reviews


@flow(name="lookback-review", flow_run_name=parent_run_name("回头看"), log_prints=True)
def lookback_review(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    at, day, runs = scheduled_batches(as_of, inspection_id, assign_reviews, "review")
    delivery = deliver(at, capture)
    return {
        "date": day,
        "assigned": {r["inspection"]: r["assigned"] for r in runs if r["assigned"]},
        "notices": sum(r["notices"] for r in runs),
        **without_office(runs),
        "delivery": delivery,
    }
