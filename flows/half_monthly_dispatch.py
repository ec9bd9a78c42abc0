"""Half-monthly dispatch (每半月调度): the deputy leaders dispatch progress on each
inspection's dispatch days (default the 1st and 16th)."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.common import parent_run_name, scheduled_batches
from rectify.core.policy import Policy
from tasks.dispatch import dispatch
from tasks.outbox import deliver
from tasks.publish import overlapping_batches


@flow(name="half-monthly-dispatch", flow_run_name=parent_run_name("半月调度"), log_prints=True)
def half_monthly_dispatch(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    with overlapping_batches():  # the artifacts of a batch created while the next works
        at, day, runs = scheduled_batches(
            as_of, inspection_id, dispatch, "dispatch", due=_is_dispatch_day
        )
        done = [r for r in runs if "skipped" not in r]
        if done:
            create_markdown_artifact(
                f"## 半月调度 {day}\n\n| 单位 | 问题 | 无新进展 | 调度通知 | 上次调度 |\n|---|---|---|---|---|\n"
                + "".join(
                    f"| {r['unit']} | {r['problems']} | {r['flagged']} | {r['notices']} "
                    f"| {r['previous_dispatch'] or '无'} |\n"
                    for r in done
                ),
                key=f"dispatch-summary-{inspection_id}" if inspection_id else "dispatch-summary",
                description=f"半月调度汇总 {day}：各单位问题数、无新进展问题数、调度通知数",
            )
        delivery = deliver(at, capture)
    return {
        "date": day,
        "dispatched": [r["inspection"] for r in done],
        "skipped": {r["inspection"]: r["skipped"] for r in runs if "skipped" in r},
        "notices": sum(r.get("notices", 0) for r in runs),
        "delivery": delivery,
    }


def _is_dispatch_day(policy: Policy, day: str) -> bool:
    return int(day[8:10]) in policy.dispatch_days
