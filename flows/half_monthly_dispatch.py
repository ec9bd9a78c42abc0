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


@flow(name="half-monthly-dispatch", flow_run_name=parent_run_name("半月调度"), log_prints=True)
def half_monthly_dispatch(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, capture: bool = False
) -> dict:
    at, day, runs = scheduled_batches(
        as_of, inspection_id, dispatch, "dispatch", due=_is_dispatch_day
    )
    done = [r for r in runs if "skipped" not in r]
    if done:
        create_markdown_artifact(
            summary_table(day, done),
            key=f"dispatch-summary-{inspection_id}" if inspection_id else "dispatch-summary",
            description=f"半月调度汇总 {day}：各单位问题数、自上次调度以来无新进展的问题、"
            "调度通知数（存在无新进展问题的单位在前）",
        )
    delivery = deliver(at, capture)
    return {
        "date": day,
        "dispatched": [r["inspection"] for r in done],
        "skipped": {r["inspection"]: r["skipped"] for r in runs if "skipped" in r},
        "notices": sum(r.get("notices", 0) for r in runs),
        "delivery": delivery,
    }


def summary_table(day: str, done: list[dict]) -> str:
    """One row per unit dispatched, those with problems without progress since the last
    dispatch first (most first), each of those problems named."""
    rows = sorted(done, key=lambda r: -r["flagged"])
    return (
        f"## 半月调度 {day}\n\n"
        "| 单位 | 问题 | 无新进展 | 无新进展的问题 | 调度通知 | 上次调度 |\n"
        "|---|---|---|---|---|---|\n"
        + "".join(
            f"| {_cell(r['unit'])} | {r['problems']} | {r['flagged']} "
            f"| {_cell('、'.join(r['flagged_problems'])) or '—'} | {r['notices']} "
            f"| {r['previous_dispatch'] or '无'} |\n"
            for r in rows
        )
    )


def _cell(text: str) -> str:
    """``text`` as one cell of a Markdown table: its bars escaped, on one line."""
    return " ".join(text.replace("|", "\\|").split())


def _is_dispatch_day(policy: Policy, day: str) -> bool:
    return int(day[8:10]) in policy.dispatch_days
