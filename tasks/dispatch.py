from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from prefect import task

from models import session_scope
from rectify.notices.outbox import unreported_failures
from rectify.rules.notices import dispatch_notices, dispatch_sheet
from tasks.context import load_context


@task(name="半月调度")
def dispatch(inspection_id: str, at: dt.datetime) -> dict:
    """The dispatch sheet and one digest per responsible person, per department head and
    one summary per deputy leader (副组长). Once per inspection per dispatch day."""
    with session_scope() as session:
        ctx = load_context(session, inspection_id, at)
        period = ctx.today.isoformat()
        if ctx.plan_approved_on is None:
            return {"inspection": inspection_id, "date": period, "skipped": "整改方案尚未审议通过"}
        done = ctx.cycle_run("dispatch", period)
        previous = ctx.previous_cycle("dispatch")
        sheet = dispatch_sheet(ctx.snap.problems, ctx.snap.last_progress, previous, ctx.today)
        failures, failed_rows = unreported_failures(session, inspection_id)
        plans = dispatch_notices(
            problems=ctx.snap.problems,
            sheet=sheet,
            people=ctx.people,
            department_heads=ctx.department_heads(),
            reminders=ctx.snap.policy.reminder_pair,
            today=ctx.today,
            failures=failures,
        )
        ids = ctx.enqueue(plans, period)
        if ids:
            for row in failed_rows:
                row.reported = True
                session.add(row)
        summary = {
            "problems": len(sheet),
            "flagged": sum(r.flagged for r in sheet),
            "notices": len(ids),
            "failures_reported": len(failures) if ids else 0,
        }
        if done is None:
            ctx.record_cycle("dispatch", period, summary)
        return {
            "inspection": inspection_id,
            "unit": ctx.unit,
            "date": period,
            "previous_dispatch": previous.isoformat() if previous else None,
            "sheet": [
                {
                    **asdict(r),
                    "last_progress_on": _iso(r.last_progress_on),
                    "next_due": _iso(r.next_due),
                }
                for r in sheet
            ],
            **summary,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
