from __future__ import annotations

import datetime as dt

from prefect import task

from rectify.notices.planning import dispatch_notices, dispatch_sheet
from tasks.context import InspectionRun, each_inspection


@task(name="半月调度")
def dispatch(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """The dispatch sheet and one digest per responsible person, per department head and
    one summary per deputy leader (副组长). Once per inspection per dispatch day. What the
    office sees of it is the flow's summary (a row per unit, the problems without progress
    since the last dispatch named); each problem's state, latest progress and next due are
    on the unit's dashboard, which the deadline watch of the same hour publishes."""
    return each_inspection(inspection_ids, at, dispatch_one)


def dispatch_one(ctx: InspectionRun):
    period = ctx.today.isoformat()
    inspection_id = ctx.inspection.id
    if ctx.plan_approved_on is None:
        return {"inspection": inspection_id, "date": period, "skipped": "整改方案尚未审议通过"}
    done = ctx.cycle_run("dispatch", period)
    previous = ctx.previous_cycle("dispatch")
    sheet = dispatch_sheet(ctx.snap.problems, ctx.snap.last_progress, previous, ctx.today)
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
            "flagged_problems": [r.ref for r in sheet if r.flagged],
            **summary,
        }

    return finish


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
