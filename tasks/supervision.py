from __future__ import annotations

import datetime as dt

from prefect import task
from sqlmodel import select

from models import Problem, SupervisionCycle
from rectify.notices.planning import step_label, supervision
from tasks.context import InspectionRun, each_inspection
from tasks.dashboard import with_dashboard
from tasks.publish import Publisher

Cycles = dict[tuple[int, str], int]  # (problem id, month) → consecutive overdue cycles


@task(name="每月督办")
def supervise(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """Supervision notices for lagging and overdue items; the escalation step of each overdue
    problem rises with every cycle it stays overdue. Once per inspection per month."""
    with Publisher() as publish:  # each inspection's dashboard (tasks.dashboard)
        work = with_dashboard(publish, supervise_one)
        return each_inspection(inspection_ids, at, work, load=_last_cycles)


def _last_cycles(contexts: list[InspectionRun]) -> Cycles:
    """Each problem's overdue cycles counted at its inspection's previous supervision."""
    months = {p.strftime("%Y-%m") for c in contexts if (p := c.previous_cycle("supervision"))}
    if not months:
        return {}
    session = contexts[0].session
    rows = session.exec(
        select(SupervisionCycle)
        .join(Problem, SupervisionCycle.problem_id == Problem.id)
        .where(
            Problem.inspection_id.in_([c.inspection.id for c in contexts]),
            SupervisionCycle.period.in_(months),
        )
    )
    return {(row.problem_id, row.period): row.cycles for row in rows}


def supervise_one(last_cycles: Cycles, ctx: InspectionRun):
    inspection_id = ctx.inspection.id
    period = ctx.today.strftime("%Y-%m")
    if ctx.plan_approved_on is None:
        return {"inspection": inspection_id, "period": period, "skipped": "整改方案尚未审议通过"}
    done = ctx.cycle_run("supervision", period)
    if done is not None:
        return {
            "inspection": inspection_id,
            "period": period,
            "skipped": "本月已督办",
            **done.summary,
        }
    previous = ctx.previous_cycle("supervision")
    problem_ids = {p.ref: p.id for p in ctx.snap.tree.problems}
    previous_cycles: dict[str, int] = {}
    if previous is not None:
        last_period = previous.strftime("%Y-%m")
        for ref, pid in problem_ids.items():
            if (pid, last_period) in last_cycles:
                previous_cycles[ref] = last_cycles[pid, last_period]
    failures = ctx.failures()
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
        ctx.add(SupervisionCycle(problem_id=problem_ids[ref], period=period, cycles=n))
    keys = ctx.enqueue(plans, period)
    ctx.mark_failures_reported()

    def finish() -> dict:
        summary = {
            "overdue": len(cycles),
            "escalated": {ref: step_label(n) for ref, n in sorted(cycles.items())},
            "notices": len(ctx.new_notices(keys)),
            "failures_reported": len(failures),
        }
        ctx.record_cycle("supervision", period, summary)
        return {"inspection": inspection_id, "unit": ctx.unit, "period": period, **summary}

    return finish
