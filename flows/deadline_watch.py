"""Daily deadline watch (期限检查): plan approval due or overdue, the rectification report
(整改报告) due or overdue, green and yellow reminders, overdue (red) measures, long-term
checkpoints, the end of the centralised period; applications for sign-off to the inspection
office, returns to the unit."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.common import in_batches, local_day, parent_run_name, resolve_at, without_office
from tasks.clues import watch_clues
from tasks.deadline_watch import watch_deadlines
from tasks.inspections import list_inspections
from tasks.outbox import deliver


@flow(name="deadline-watch", flow_run_name=parent_run_name("期限检查"), log_prints=True)
def deadline_watch(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    at = resolve_at(as_of)
    ids = list_inspections(at, inspection_id)
    day = local_day(at)
    runs = in_batches(ids, watch_deadlines, "deadline-watch", at)
    for warning in sorted({w for r in runs for w in r["warnings"]}):
        create_markdown_artifact(
            f"**{warning}**",
            key="calendar-warning",
            description="工作日历提示：节假日安排未知的年份",
        )
    clue_notices = watch_clues(at, inspection_id)["notices"]  # confidential: a count only
    delivery = deliver(at, capture)
    return {
        "date": day,
        "inspections": len(ids),
        "reminders": sum(r["reminders"] for r in runs),
        "notices": sum(r["notices"] for r in runs),
        "clue_notices": clue_notices,
        **without_office(runs),
        "delivery": delivery,
    }
