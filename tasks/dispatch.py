from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from prefect import task
from prefect.artifacts import Artifact, TableArtifact

from rectify.notices.planning import SheetRow, dispatch_notices, dispatch_sheet
from tasks.context import InspectionRun, each_inspection
from tasks.dashboard import dashboard_keys, with_dashboard
from tasks.publish import Publisher


@task(name="半月调度")
def dispatch(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """The dispatch sheet and one digest per responsible person, per department head and
    one summary per deputy leader (副组长). Once per inspection per dispatch day. Each unit's
    sheet is published as an artifact as soon as it is drawn up; its dashboard when it
    changed (the deadline watch of the same hour has usually published the same)."""
    with Publisher(unless_same=dashboard_keys(inspection_ids)) as publish:
        work = with_dashboard(publish, partial(dispatch_one, publish))  # and its dashboard
        return each_inspection(inspection_ids, at, work)


def dispatch_one(publish: Callable[[Artifact], None] | None, ctx: InspectionRun):
    period = ctx.today.isoformat()
    inspection_id = ctx.inspection.id
    if ctx.plan_approved_on is None:
        return {"inspection": inspection_id, "date": period, "skipped": "整改方案尚未审议通过"}
    done = ctx.cycle_run("dispatch", period)
    previous = ctx.previous_cycle("dispatch")
    sheet = dispatch_sheet(ctx.snap.problems, ctx.snap.last_progress, previous, ctx.today)
    if publish is not None:
        publish(sheet_artifact(ctx, sheet, previous))
    failures = ctx.failures()
    plans = dispatch_notices(
        problems=ctx.snap.problems,
        sheet=sheet,
        people=ctx.people,
        department_heads=ctx.department_heads(),
        reminders=ctx.snap.policy.reminder_pair,
        today=ctx.today,
        failures=failures,
    )
    keys = ctx.enqueue(plans, period)

    def finish() -> dict:
        new = ctx.new_notices(keys)
        if new:
            ctx.mark_failures_reported()
        summary = {
            "problems": len(sheet),
            "flagged": sum(r.flagged for r in sheet),
            "notices": len(new),
            "failures_reported": len(failures) if new else 0,
        }
        if done is None:
            ctx.record_cycle("dispatch", period, summary)
        return {
            "inspection": inspection_id,
            "unit": ctx.unit,
            "date": period,
            "previous_dispatch": _iso(previous),
            **summary,
        }

    return finish


def sheet_artifact(
    ctx: InspectionRun, sheet: list[SheetRow], previous: dt.date | None
) -> TableArtifact:
    return TableArtifact(
        table=[
            {
                "问题": r.ref,
                "标题": r.title,
                "状态": r.state,
                "最近进展": r.last_progress or "—",
                "进展日期": _iso(r.last_progress_on) or "—",
                "下一时限": _iso(r.next_due) or "—",
                "剩余天数": "" if r.days_to_due is None else r.days_to_due,
                "无新进展": "⚠" if r.flagged else "",
            }
            for r in sheet
        ],
        key=f"dispatch-sheet-{ctx.inspection.id}",
        description=f"{ctx.unit} 半月调度表 {ctx.today}(上次调度 {_iso(previous) or '无'},"
        f"其后无进展 {sum(r.flagged for r in sheet)} 个)",
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
