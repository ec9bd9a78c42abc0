from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from prefect import task
from sqlmodel import select

from models import NoticeMark, Problem, ReportSubmission, SignOffApplication, SignOffReturn
from rectify.core.clock import local_date
from rectify.core.deadlines import add_period
from rectify.core.states import ProblemState
from rectify.notices.planning import Mark, SignOffEvent, deadline_watch
from rectify.problems.rules.escalation import Level
from tasks.context import InspectionRun, each_inspection
from tasks.dashboard import with_dashboard
from tasks.events import emit_facts, overdue_facts
from tasks.publish import Publisher


@dataclass
class Watched:
    """What the deadline watch reads for a batch besides its snapshots, by inspection: the
    reminder levels already given, each problem's latest sign-off application, the returns,
    and the inspections whose rectification report (整改报告) was submitted."""

    marks: dict[str, set[Mark]] = field(default_factory=dict)
    applications: dict[str, dict[int, SignOffApplication]] = field(default_factory=dict)
    returns: dict[str, list[SignOffReturn]] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)


@task(name="期限检查")
def watch_deadlines(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """Plan approval, the rectification report, measure reminders (green/yellow), overdue
    (red), long-term checkpoints, the end of the centralised period, and the sign-offs
    between the two sides (applications to the office, returns to the unit); each level of
    each deadline and each application or return is told once."""
    with Publisher() as publish:  # each inspection's dashboard (tasks.dashboard)
        results = each_inspection(
            inspection_ids, at, with_dashboard(publish, watch_one), load=_watched
        )
    emit_facts(results)  # committed: the new overdue facts as lifecycle events
    return results


def _watched(contexts: list[InspectionRun]) -> Watched:
    """The batch's marks, sign-off applications and returns, report submissions, in four
    queries. Whether an application is still undecided is the snapshot's state."""
    ids = [c.inspection.id for c in contexts]
    at = contexts[0].at
    session = contexts[0].session
    out = Watched(marks={i: set() for i in ids})
    for m in session.exec(select(NoticeMark).where(NoticeMark.inspection_id.in_(ids))):
        out.marks[m.inspection_id].add(Mark(m.subject, m.due, Level(m.level)))

    def history(table):
        return session.exec(
            select(table, Problem.inspection_id)
            .join(Problem, table.problem_id == Problem.id)
            .where(Problem.inspection_id.in_(ids), table.at <= at)
            .order_by(table.at, table.id)
        ).all()

    for row, inspection_id in history(SignOffApplication):  # in time order: the latest wins
        out.applications.setdefault(inspection_id, {})[row.problem_id] = row
    for row, inspection_id in history(SignOffReturn):
        out.returns.setdefault(inspection_id, []).append(row)
    out.reported = set(
        session.exec(
            select(ReportSubmission.inspection_id).where(
                ReportSubmission.inspection_id.in_(ids), ReportSubmission.at <= at
            )
        )
    )
    return out


def watch_one(watched: Watched, ctx: InspectionRun):
    inspection = ctx.inspection
    plan = ctx.snap.plan
    approved_on = ctx.plan_approved_on
    policy = ctx.snap.policy
    centralised_end = (
        add_period(approved_on, policy.centralised_period, ctx.calendar, roll=False)
        if approved_on
        else None
    )
    report_due = add_period(inspection.feedback_date, policy.report_due, ctx.calendar)
    views = ctx.views_by_id()
    tz = inspection.timezone
    plans, new_marks = deadline_watch(
        problems=ctx.snap.problems,
        people=ctx.people,
        plan_due=plan.due,
        plan_approved_on=approved_on,
        centralised_end=centralised_end,
        reminders=policy.reminder_pair,
        marks=watched.marks[inspection.id],
        today=ctx.today,
        report_due=None if inspection.id in watched.reported else report_due,
        applications=[
            SignOffEvent(a.id or 0, views[a.problem_id], local_date(a.at, tz), a.by, a.note)
            for a in watched.applications.get(inspection.id, {}).values()
            # awaiting the office's decision: the latest application is undecided
            if views[a.problem_id].state is ProblemState.AWAITING_CONFIRMATION
        ],
        returns=[
            SignOffEvent(r.id or 0, views[r.problem_id], local_date(r.at, tz), r.by, r.reason)
            for r in watched.returns.get(inspection.id, [])
        ],
    )
    ctx.add_marks(new_marks)
    keys = ctx.enqueue(plans, ctx.today.isoformat(), by_items=True)
    return lambda: {
        "inspection": inspection.id,
        "date": ctx.today.isoformat(),
        "reminders": len(new_marks),
        "notices": len(ctx.new_notices(keys)),
        "warnings": ctx.calendar.warnings(),
        **ctx.office_warning(),
        "facts": overdue_facts(ctx, new_marks),
    }
