from __future__ import annotations

import datetime as dt

from prefect import task
from sqlmodel import select

from models import NoticeMark, session_scope
from rectify.rules.deadlines import add_period
from rectify.rules.escalation import Level
from rectify.rules.notices import Mark, deadline_watch
from tasks.context import load_context


@task(name="期限检查")
def watch_deadlines(inspection_id: str, at: dt.datetime) -> dict:
    """Plan approval, measure reminders (green/yellow), overdue (red), long-term checkpoints
    and the end of the centralised period; each level is told once per due date."""
    with session_scope() as session:
        ctx = load_context(session, inspection_id, at)
        marks = {
            Mark(m.subject, m.due, Level(m.level))
            for m in session.exec(
                select(NoticeMark).where(NoticeMark.inspection_id == inspection_id)
            )
        }
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
        for mark in new_marks:
            session.add(
                NoticeMark(
                    inspection_id=inspection_id,
                    subject=mark.subject,
                    due=mark.due,
                    level=mark.level.value,
                    on=ctx.today,
                )
            )
        ids = ctx.enqueue(plans, ctx.today.isoformat(), by_items=True)
        return {
            "inspection": inspection_id,
            "date": ctx.today.isoformat(),
            "reminders": len(new_marks),
            "notices": len(ids),
            "warnings": ctx.calendar.warnings(),
        }
