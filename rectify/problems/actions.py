"""Actions people take: plan approval, progress, sign-off (销号), long-term declaration,
extension and the 回头看 review. The same functions serve the command line and the
simulation's scripted events. A refused action changes nothing but the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pendulum
from pydantic import BaseModel, StringConstraints
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Evidence,
    Extension,
    Inspection,
    LongTermDeclaration,
    Plan,
    ProgressUpdate,
    Review,
    SignOff,
)
from rectify.audit.log import record
from rectify.core.clock import as_utc, local_date
from rectify.core.errors import Refusal
from rectify.problems.rules.permissions import check_actor
from rectify.problems.rules.states import Transition, next_state
from rectify.problems.tree import load_tree, person_views

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class Action(BaseModel):
    model_config = {"extra": "forbid"}
    by: str


class ApprovePlan(Action):
    """整改方案经党组会议审议通过."""

    kind: Literal["approve_plan"] = "approve_plan"
    meeting: Text = ""


class Progress(Action):
    kind: Literal["progress"] = "progress"
    problem: str
    text: Text
    evidence: list[str] = []


class SignOffAction(Action):
    """整改销号: closes the problem and all its measures; evidence is required."""

    kind: Literal["sign_off"] = "sign_off"
    problem: str
    evidence: list[str] = []
    note: Text = ""


class LongTerm(Action):
    """需长期整改: a stage goal and the next checkpoint."""

    kind: Literal["long_term"] = "long_term"
    problem: str
    stage_goal: Text = ""
    checkpoint: dt.date


class Extend(Action):
    kind: Literal["extend"] = "extend"
    problem: str
    new_due: dt.date
    reason: Text = ""


class ReviewAction(Action):
    """回头看: sustained, or relapsed (反弹回潮) which reopens the problem."""

    kind: Literal["review"] = "review"
    problem: str
    outcome: Literal["sustained", "relapsed"]
    note: Text = ""


AnyAction = ApprovePlan | Progress | SignOffAction | LongTerm | Extend | ReviewAction
ACTIONS: dict[str, type[Action]] = {
    "approve_plan": ApprovePlan,
    "progress": Progress,
    "sign_off": SignOffAction,
    "long_term": LongTerm,
    "extend": Extend,
    "review": ReviewAction,
}


class Outcome(BaseModel):
    done: bool
    action: str
    subject: str | None = None
    code: str | None = None
    message: str


def perform(
    session: Session, inspection: Inspection, action: AnyAction, at: dt.datetime
) -> Outcome:
    """Apply ``action`` at ``at`` if the rules allow it; either way, audit it."""
    subject = getattr(action, "problem", None)
    details = action.model_dump(mode="json", exclude={"kind", "by"})
    try:
        # _apply raises every Refusal before it writes anything.
        message = _apply(session, inspection, action, at)
    except Refusal as refusal:
        record(
            session,
            at=at,
            action=action.kind,
            outcome="refused",
            inspection_id=inspection.id,
            actor=action.by,
            subject=subject,
            code=refusal.code,
            reason=refusal.message,
            details=details,
        )
        return Outcome(
            done=False,
            action=action.kind,
            subject=subject,
            code=refusal.code,
            message=refusal.message,
        )
    record(
        session,
        at=at,
        action=action.kind,
        outcome="done",
        inspection_id=inspection.id,
        actor=action.by,
        subject=subject,
        details=details,
    )
    return Outcome(done=True, action=action.kind, subject=subject, message=message)


def _apply(session: Session, inspection: Inspection, action: AnyAction, at: dt.datetime) -> str:
    actor = person_views(session, inspection.id).get(action.by)
    today = local_date(at, inspection.timezone)
    if today < inspection.feedback_date:
        raise Refusal("before_feedback", f"{today} 早于反馈日期 {inspection.feedback_date}")
    if isinstance(action, ApprovePlan):
        return _approve_plan(session, inspection, action, actor, at, today)

    tree = load_tree(session, inspection)
    problem = tree.problem(action.problem)
    view = tree.view(problem)
    check_actor(action.kind, actor, view)
    iid = problem.id or 0
    at = _in_order(session, problem, at, inspection.timezone)
    if isinstance(action, Progress):
        if not action.text:
            raise Refusal("missing_text", "请填写进展情况")
        problem.state = next_state(problem.state, Transition.PROGRESS)
        session.add(ProgressUpdate(problem_id=iid, at=at, by=action.by, text=action.text))
        _evidence(session, iid, at, action.by, action.evidence, "progress")
        message = f"问题 {problem.ref} 已记录进展"
    elif isinstance(action, SignOffAction):
        if not [e for e in action.evidence if e.strip()]:
            raise Refusal("missing_evidence", "销号须附支撑材料(--evidence)")
        problem.state = next_state(problem.state, Transition.SIGN_OFF)
        problem.closed_at = at
        session.add(SignOff(problem_id=iid, at=at, by=action.by, note=action.note))
        _evidence(session, iid, at, action.by, action.evidence, "sign_off")
        message = f"问题 {problem.ref} 已整改销号"
    elif isinstance(action, LongTerm):
        if not action.stage_goal:
            raise Refusal("missing_stage_goal", "长期整改须写明阶段性目标")
        if action.checkpoint <= today:
            raise Refusal(
                "checkpoint_not_future", f"下一检查节点 {action.checkpoint} 须晚于今天 {today}"
            )
        problem.state = next_state(problem.state, Transition.LONG_TERM)
        problem.stage_goal = action.stage_goal
        problem.checkpoint = action.checkpoint
        session.add(
            LongTermDeclaration(
                problem_id=iid,
                at=at,
                by=action.by,
                stage_goal=action.stage_goal,
                checkpoint=action.checkpoint,
            )
        )
        message = f"问题 {problem.ref} 转为长期整改,下一检查节点 {action.checkpoint}"
    elif isinstance(action, Extend):
        if not action.reason:
            raise Refusal("missing_reason", "延期须说明理由")
        next_state(problem.state, Transition.EXTEND)
        measures = tree.measures.get(iid, [])
        later = [m for m in measures if m.due is not None and m.due < action.new_due]
        if not later:
            raise Refusal(
                "not_later",
                f"新时限 {action.new_due} 不晚于问题 {problem.ref} 现有整改时限 {view.latest_due}",
            )
        for m in later:
            session.add(
                Extension(
                    measure_id=m.id or 0,
                    at=at,
                    by=action.by,
                    previous_due=m.due,
                    new_due=action.new_due,
                    reason=action.reason,
                )
            )
            m.due = action.new_due
            session.add(m)
        message = f"问题 {problem.ref} 的 {len(later)} 项措施延期至 {action.new_due}"
    else:
        assert isinstance(action, ReviewAction)
        relapsed = action.outcome == "relapsed"
        problem.state = next_state(
            problem.state, Transition.REVIEW_RELAPSED if relapsed else Transition.REVIEW_SUSTAINED
        )
        if relapsed:
            problem.closed_at = None
        session.add(
            Review(problem_id=iid, at=at, by=action.by, outcome=action.outcome, note=action.note)
        )
        message = f"问题 {problem.ref} 回头看:" + (
            "反弹回潮,已重新打开" if relapsed else "整改成效保持"
        )
    session.add(problem)
    session.flush()
    return message


# The tables of a problem's history, replayed in time order by rectify.problems.snapshots.
HISTORY = (ProgressUpdate, SignOff, Review, LongTermDeclaration)
SAME_INSTANT = dt.timedelta(milliseconds=1)


def _in_order(session: Session, problem, at: dt.datetime, tz: str) -> dt.datetime:
    """The instant to record a problem's event at, so that its history replays in the order
    it was entered: an action entered at the instant of the problem's latest event (several
    commands with one ``--at``) is recorded a microsecond after it; one entered before the
    latest event is refused (its place in the history would contradict the state)."""
    latest = max(
        (
            as_utc(t)
            for table in HISTORY
            if (
                t := session.exec(
                    select(func.max(table.at)).where(table.problem_id == problem.id)
                ).one()
            )
            is not None
        ),
        default=None,
    )
    at = as_utc(at)
    if latest is None or at > latest:
        return at
    if latest - at < SAME_INSTANT:
        return latest + dt.timedelta(microseconds=1)
    raise Refusal(
        "before_last_event",
        f"{pendulum.instance(at).in_tz(tz):%Y-%m-%d %H:%M} 早于问题 {problem.ref} 最近一次记录"
        f"({pendulum.instance(latest).in_tz(tz):%Y-%m-%d %H:%M}),不能补录在其之前",
    )


def _approve_plan(session, inspection, action: ApprovePlan, actor, at, today) -> str:
    check_actor("approve_plan", actor)
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
    return f"整改方案已审议通过({today}" + (f",晚于时限 {plan.due})" if late else ")")


def _evidence(session, problem_id: int, at, by: str, names: list[str], attached_to: str) -> None:
    for name in names:
        if name.strip():
            session.add(
                Evidence(
                    problem_id=problem_id, at=at, by=by, name=name.strip(), attached_to=attached_to
                )
            )
