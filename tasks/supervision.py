from __future__ import annotations

import datetime as dt

from prefect import task
from sqlmodel import select

from models import SupervisionCycle, session_scope
from rectify.notices.outbox import unreported_failures
from rectify.rules.notices import step_label, supervision
from tasks.context import load_context


@task(name="每月督办")
def supervise(inspection_id: str, at: dt.datetime) -> dict:
    """Supervision notices for lagging and overdue items; the escalation step of each overdue
    problem rises with every cycle it stays overdue. Once per inspection per month."""
    with session_scope() as session:
        ctx = load_context(session, inspection_id, at)
        period = ctx.today.strftime("%Y-%m")
        if ctx.plan_approved_on is None:
            return {
                "inspection": inspection_id,
                "period": period,
                "skipped": "整改方案尚未审议通过",
            }
        done = ctx.cycle_run("supervision", period)
        if done is not None:
            return {
                "inspection": inspection_id,
                "period": period,
                "skipped": "本月已督办",
                **done.summary,
            }
        previous = ctx.previous_cycle("supervision")
        problem_ids = {p.ref: p.id for p in ctx.snap.ledger.problems}
        previous_cycles: dict[str, int] = {}
        if previous is not None:
            last_period = previous.strftime("%Y-%m")
            by_id = {v: k for k, v in problem_ids.items()}
            for row in session.exec(
                select(SupervisionCycle).where(
                    SupervisionCycle.problem_id.in_(list(problem_ids.values())),
                    SupervisionCycle.period == last_period,
                )
            ):
                previous_cycles[by_id[row.problem_id]] = row.cycles
        failures, failed_rows = unreported_failures(session, inspection_id)
        plans, cycles = supervision(
            problems=ctx.snap.problems,
            people=ctx.people,
            last_progress=ctx.snap.last_progress,
            previous_supervision=previous,
            previous_cycles=previous_cycles,
            reminders=ctx.snap.policy.reminder_pair,
            today=ctx.today,
            failures=failures,
        )
        for ref, n in cycles.items():
            session.add(SupervisionCycle(problem_id=problem_ids[ref], period=period, cycles=n))
        ids = ctx.enqueue(plans, period)
        for row in failed_rows:
            row.reported = True
            session.add(row)
        summary = {
            "overdue": len(cycles),
            "escalated": {ref: step_label(n) for ref, n in sorted(cycles.items())},
            "notices": len(ids),
            "failures_reported": len(failures),
        }
        ctx.record_cycle("supervision", period, summary)
        return {"inspection": inspection_id, "unit": ctx.unit, "period": period, **summary}
