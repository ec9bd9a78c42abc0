from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from prefect import task
from sqlmodel import select

from models import Problem, ReportSubmission, SupervisionCycle
from rectify.core.deadlines import add_period
from rectify.notices.planning import Overdue, step_label, supervision
from rectify.problems.rules.counting import problem_overdue
from tasks.context import InspectionRun, each_inspection
from tasks.dashboard import with_dashboard
from tasks.publish import Publisher

Cycles = dict[tuple[int, str], int]  # (problem id, month) → consecutive overdue cycles


@dataclass
class Supervised:
    """What a supervision reads for a batch besides its snapshots: each problem's cycles at
    the previous supervision, and the inspections whose 整改报告 was submitted."""

    cycles: Cycles
    reported: set[str]


@task(name="每月督办")
def supervise(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """Supervision notices: the leaders' overview, lagging, overdue and long-term items to the
    responsible leaders, persons and department heads, the plan and the report overdue again;
    the escalation step of each overdue problem rises with every cycle it stays overdue and
    reaches more people. Once per inspection per month."""
    with Publisher() as publish:  # each inspection's dashboard (tasks.dashboard)
        work = with_dashboard(publish, supervise_one)
        return each_inspection(inspection_ids, at, work, load=_supervised)


def _supervised(contexts: list[InspectionRun]) -> Supervised:
    """The batch's previous cycles and report submissions, in two queries."""
    session = contexts[0].session
    reported = set(
        session.exec(
            select(ReportSubmission.inspection_id).where(
                ReportSubmission.inspection_id.in_([c.inspection.id for c in contexts]),
                ReportSubmission.at <= contexts[0].at,
            )
        )
    )
    return Supervised(_last_cycles(contexts), reported)


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


def _overdue(ctx: InspectionRun, reported: bool) -> Overdue:
    """The plan and the 整改报告, when overdue today."""
    plan_due = ctx.snap.plan.due
    report_due = add_period(ctx.inspection.feedback_date, ctx.snap.policy.report_due, ctx.calendar)
    return Overdue(
        plan_due=plan_due if ctx.plan_approved_on is None and ctx.today > plan_due else None,
        report_due=report_due if not reported and ctx.today > report_due else None,
    )


def supervise_one(loaded: Supervised, ctx: InspectionRun):
    inspection_id = ctx.inspection.id
    period = ctx.today.strftime("%Y-%m")
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
            if (pid, last_period) in loaded.cycles:
                previous_cycles[ref] = loaded.cycles[pid, last_period]
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
        department_heads=ctx.department_heads(),
        overdue=_overdue(ctx, inspection_id in loaded.reported),
        plan_approved=ctx.plan_approved_on is not None,
    )
    for ref, n in cycles.items():
        ctx.add(SupervisionCycle(problem_id=problem_ids[ref], period=period, cycles=n))
    keys = ctx.enqueue(plans, period)
    ctx.mark_failures_reported()

    def finish() -> dict:
        summary = {
            "overdue": sum(problem_overdue(p, ctx.today) for p in ctx.snap.problems),
            "escalated": {ref: step_label(n) for ref, n in sorted(cycles.items())},
            "notices": len(ctx.new_notices(keys)),
            "failures_reported": len(failures),
        }
        if ctx.plan_approved_on is None:
            summary["plan_pending"] = "整改方案尚未审议通过"
        ctx.record_cycle("supervision", period, summary)
        return {"inspection": inspection_id, "unit": ctx.unit, "period": period, **summary}

    return finish
