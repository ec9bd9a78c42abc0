"""The office's pending decisions on applications for sign-off: the applications waiting,
and the late ones told to the office's head through the outbox, once each."""

from __future__ import annotations

import dataclasses
import datetime as dt

from prefect import task
from sqlmodel import select

from models import NoticeMark, session_scope
from rectify.notices.planning import Digests, Mark
from rectify.notices.planning.decisions import AwaitingDecision, decision_overdue
from rectify.problems.decisions import Pending, pending_applications
from rectify.problems.review_decisions import pending_reviews
from rectify.problems.rules.escalation import Level
from tasks.context import InspectionRun, each_inspection


@task(name="待审核的销号申请")
def list_pending(inspection_id: str | None = None) -> list[dict]:
    """The applications for sign-off still waiting for the office's decision."""
    with session_scope() as session:
        return [dataclasses.asdict(p) for p in pending_applications(session, inspection_id)]


@task(name="待开展的回头看")
def list_pending_reviews(inspection_id: str | None = None) -> list[dict]:
    """The 回头看 assigned and not yet carried out."""
    with session_scope() as session:
        return [dataclasses.asdict(r) for r in pending_reviews(session, inspection_id)]


@task(name="销号审核逾期提醒")
def escalate_late_decisions(inspection_ids: list[str], at: dt.datetime) -> list[dict]:
    """Tell each inspection office's head of the applications past their days to decide."""
    return each_inspection(inspection_ids, at, _escalate_one)


def _escalate_one(ctx: InspectionRun):
    marks = {
        Mark(m.subject, m.due, Level(m.level))
        for m in ctx.session.exec(
            select(NoticeMark).where(
                NoticeMark.inspection_id == ctx.inspection.id,
                NoticeMark.subject.startswith("decide:"),
            )
        )
    }
    awaiting = [_awaiting(p) for p in pending_applications(ctx.session, ctx.inspection.id)]
    digests = Digests()
    new_marks = decision_overdue(digests, awaiting, ctx.people, marks, ctx.today)
    ctx.add_marks(new_marks)
    keys = ctx.enqueue(digests.plans(), ctx.today.isoformat(), by_items=True)
    return lambda: {
        "inspection": ctx.inspection.id,
        "date": ctx.today.isoformat(),
        "waiting": len(awaiting),
        "late": len(new_marks),
        "notices": len(ctx.new_notices(keys)),
    }


def _awaiting(p: Pending) -> AwaitingDecision:
    return AwaitingDecision(p.application_id, p.problem, p.title, p.applied_on, p.decide_by)
