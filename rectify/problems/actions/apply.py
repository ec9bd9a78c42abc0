"""Applying an action: the inspection's own (plan approval, the rectification report) or a
step on one problem. A refused action changes nothing but the audit log."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from models import Inspection, Plan, ReportSubmission, SignOff
from rectify.audit.guard import Outcome, accepted, refused
from rectify.core.clock import as_utc, local_date
from rectify.core.deadlines import add_period
from rectify.core.errors import Refusal
from rectify.core.states import ProblemState
from rectify.problems.actions.kinds import (
    AnyAction,
    ApprovePlan,
    Complete,
    ReviewAction,
    SubmitReport,
    action_attempt,
)
from rectify.problems.actions.outcomes import OUTCOME_ACTIONS, record_outcome
from rectify.problems.actions.steps import SAME_INSTANT, STEPS, ProblemStep, in_order
from rectify.problems.completions import completed_measures, only_measure, with_completed
from rectify.problems.rules.permissions import check_actor
from rectify.problems.rules.views import PersonView
from rectify.problems.tree import load_calendar, load_tree, person_views, policy_of


def perform(
    session: Session, inspection: Inspection, action: AnyAction, at: dt.datetime
) -> Outcome:
    """Apply ``action`` at ``at`` if the rules allow it; either way, audit it in the caller's
    transaction."""
    attempt = action_attempt(action, inspection.id)
    try:
        # apply_action raises every Refusal before it writes anything.
        message = apply_action(session, inspection, action, at)
    except Refusal as refusal:
        refused(session, attempt, refusal, at=at)
        return Outcome.of_refusal(attempt, refusal)
    return accepted(session, attempt, message, at=at)


def apply_action(
    session: Session, inspection: Inspection, action: AnyAction, at: dt.datetime
) -> str:
    """Apply ``action`` at ``at`` and say what was done, or raise the ``Refusal`` that forbids
    it (before writing anything). Not audited: ``perform`` and the guard audit it."""
    actor = person_views(session, inspection.id).get(action.by)
    today = local_date(at, inspection.timezone)
    if today < inspection.feedback_date:
        raise Refusal("before_feedback", f"{today} 早于反馈日期 {inspection.feedback_date}")
    if isinstance(action, ApprovePlan):
        return _approve_plan(session, inspection, action, actor, at, today)
    if isinstance(action, SubmitReport):
        return _submit_report(session, inspection, action, actor, at, today)
    if isinstance(action, OUTCOME_ACTIONS):
        return record_outcome(session, inspection, action, actor, at, today)

    tree = load_tree(session, inspection)
    problem = tree.problem(action.problem)
    done = completed_measures(session, problem.id or 0, as_utc(at) + SAME_INSTANT)
    view = with_completed(
        tree.view(problem),
        {m.position for m in tree.measures.get(problem.id or 0, []) if m.id in done},
    )
    if isinstance(action, Complete):
        view = only_measure(view, action.measure)
    confirmation = _confirmation(session, problem.id) if isinstance(action, ReviewAction) else None
    check_actor(
        action.kind,
        actor,
        view,
        on=today,
        confirmed_by=confirmation.by
        if confirmation and problem.state is ProblemState.CLOSED
        else None,
    )
    at = in_order(session, problem, at, inspection.timezone)
    step = ProblemStep(session, tree, problem, view, at, today, confirmation)
    message = STEPS[type(action)](step, action)
    session.add(problem)
    session.flush()
    return message


def _confirmation(session: Session, problem_id: int | None) -> SignOff | None:
    """The problem's latest confirmed sign-off, which a 回头看 looks back on."""
    return session.exec(
        select(SignOff)
        .where(SignOff.problem_id == problem_id)
        .order_by(SignOff.at.desc(), SignOff.id.desc())
    ).first()


def _approve_plan(
    session: Session,
    inspection: Inspection,
    action: ApprovePlan,
    actor: PersonView | None,
    at: dt.datetime,
    today: dt.date,
) -> str:
    check_actor("approve_plan", actor)
    if not action.meeting:
        raise Refusal("missing_meeting", "审议整改方案须写明党组会议名称（--meeting）")
    plan = session.get(Plan, inspection.id)
    if plan.approved_at is not None:
        raise Refusal(
            "already_approved",
            f"整改方案已于 {local_date(plan.approved_at, inspection.timezone)} 审议通过",
        )
    plan.approved_at = at
    plan.approved_by = action.by
    plan.meeting = action.meeting
    session.add(plan)
    late = today > plan.due
    return f"整改方案已审议通过（{today}" + (f"，晚于时限 {plan.due}）" if late else "）")


def report_due(session: Session, inspection: Inspection) -> dt.date:
    """When the rectification report (整改报告) is due to the office: ``report_due`` after
    the feedback, rolled to a working day."""
    policy = policy_of(inspection)
    return add_period(inspection.feedback_date, policy.report_due, load_calendar(session))


def _submit_report(
    session: Session,
    inspection: Inspection,
    action: SubmitReport,
    actor: PersonView | None,
    at: dt.datetime,
    today: dt.date,
) -> str:
    check_actor("submit_report", actor)
    session.add(
        ReportSubmission(inspection_id=inspection.id, at=at, by=action.by, title=action.title)
    )
    due = report_due(session, inspection)
    late = f"，晚于时限 {due}" if today > due else ""
    return f"整改报告已报送巡察办（{today}{late}）"
