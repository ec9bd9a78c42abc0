"""Monthly supervision (每月督办): the leader supervises personally every month, reminding the
responsible leaders, departments and persons; red items go up the ladder."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.common import parent_run_name, scheduled_batches
from rectify.core.policy import Policy
from tasks.outbox import deliver
from tasks.supervision import supervise


@flow(name="monthly-supervision", flow_run_name=parent_run_name("每月督办"), log_prints=True)
def monthly_supervision(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    at, day, runs = scheduled_batches(
        as_of, inspection_id, supervise, "supervision", due=_is_supervision_day
    )
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


def _is_supervision_day(policy: Policy, day: str) -> bool:
    return int(day[8:10]) == policy.supervision_day


def _artifact(result: dict, day: str) -> None:
    escalated = (
        "\n".join(f"- 问题{ref}:{step}" for ref, step in result["escalated"].items()) or "- 无"
    )
    create_markdown_artifact(
        f"## 每月督办 {result['unit']} {day}\n\n超期问题 {result['overdue']} 个:\n{escalated}\n\n"
        f"发出督办通知 {result['notices']} 条;此前发送失败并已报告整改办的通知 {result['failures_reported']} 条\n",
        key=f"supervision-{result['inspection']}",
        description=f"{result['unit']} 每月督办 {day}：超期问题 {result['overdue']} 个及其督办层级",
    )
