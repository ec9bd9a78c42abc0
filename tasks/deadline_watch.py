from __future__ import annotations

import datetime as dt

from prefect import task
from sqlmodel import select

from models import NoticeMark
from rectify.core.deadlines import add_period
from rectify.notices.planning import Mark, deadline_watch
from rectify.problems.rules.escalation import Level
from tasks.context import InspectionRun, each_inspection

Marks = dict[str, set[Mark]]


@task(name="期限检查")
def watch_deadlines(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """Plan approval, measure reminders (green/yellow), overdue (red), long-term checkpoints
    and the end of the centralised period; each level is told once per due date."""
    return each_inspection(inspection_ids, at, watch_one, load=_marks)


def _marks(contexts: list[InspectionRun]) -> Marks:
    """The reminder levels already given, per inspection."""
    out: Marks = {c.inspection.id: set() for c in contexts}
    for m in contexts[0].session.exec(
        select(NoticeMark).where(NoticeMark.inspection_id.in_(list(out)))
    ):
        out[m.inspection_id].add(Mark(m.subject, m.due, Level(m.level)))
    return out


def watch_one(all_marks: Marks, ctx: InspectionRun):
    inspection_id = ctx.inspection.id
    marks = all_marks[inspection_id]
    plan = ctx.snap.plan
    approved_on = ctx.plan_approved_on
    centralised_end = (
        add_period(approved_on, ctx.snap.policy.centralised_period, ctx.calendar)
        if approved_on
        else None
    )
    plans, new_marks = deadline_watch(
        problems=ctx.snap.problems,
        people=ctx.people,
        plan_due=plan.due,
        plan_approved_on=approved_on,
        centralised_end=centralised_end,
        reminders=ctx.snap.policy.reminder_pair,
        marks=marks,
        today=ctx.today,
    )
    ctx.add_marks(new_marks)
    keys = ctx.enqueue(plans, ctx.today.isoformat(), by_items=True)
    return lambda: {
        "inspection": inspection_id,
        "date": ctx.today.isoformat(),
        "reminders": len(new_marks),
        "notices": len(ctx.new_notices(keys)),
        "warnings": ctx.calendar.warnings(),
    }
