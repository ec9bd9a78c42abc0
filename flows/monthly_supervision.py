"""Monthly supervision (每月督办): the leader supervises personally every month, reminding the
responsible leaders, departments and persons; red items go up the ladder."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.common import in_batches, local_day, parent_run_name, resolve_at
from tasks.inspections import list_inspections
from tasks.outbox import deliver
from tasks.policies import policies_of
from tasks.supervision import supervise


@flow(name="monthly-supervision", flow_run_name=parent_run_name("每月督办"), log_prints=True)
def monthly_supervision(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    at = resolve_at(as_of)
    day = local_day(at)
    ids = list_inspections(at, inspection_id)
    due = [i for i, policy in policies_of(ids).items() if int(day[8:10]) == policy.supervision_day]
    runs = in_batches(due, supervise, "supervision", at)
    for result in runs:
        if "skipped" not in result:
            _artifact(result, day)
    delivery = deliver(at, capture)
    return {
        "date": day,
        "supervised": [r["inspection"] for r in runs if "skipped" not in r],
        "overdue": sum(r.get("overdue", 0) for r in runs),
        "notices": sum(r.get("notices", 0) for r in runs if "skipped" not in r),
        "delivery": delivery,
    }


def _artifact(result: dict, day: str) -> None:
    escalated = (
        "\n".join(f"- 问题{ref}:{step}" for ref, step in result["escalated"].items()) or "- 无"
    )
    create_markdown_artifact(
        f"## 每月督办 {result['unit']} {day}\n\n超期问题 {result['overdue']} 个:\n{escalated}\n\n"
        f"发出督办通知 {result['notices']} 条;此前发送失败并已报告整改办的通知 {result['failures_reported']} 条\n",
        key=f"supervision-{result['inspection']}",
    )
