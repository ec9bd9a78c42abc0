"""Actions people take: plan approval, progress, sign-off (销号), long-term declaration,
extension and the 回头看 review. The same functions serve the command line and the
simulation's scripted events. A refused action changes nothing but the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

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
    Problem,
    ProgressUpdate,
    Review,
    SignOff,
)
from rectify.audit.guard import Attempt, Outcome, accepted, refused
from rectify.core.clock import as_utc, local_date
from rectify.core.errors import Refusal
from rectify.problems.rules.permissions import check_actor
from rectify.problems.rules.states import Transition, next_state
from rectify.problems.rules.views import ProblemView
from rectify.problems.tree import InspectionTree, load_tree, person_views

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


def action_attempt(action: AnyAction, inspection_id: str | None = None) -> Attempt:
    """``action`` as the audit log records it."""
    return Attempt(
        action=action.kind,
        actor=action.by,
        inspection_id=inspection_id,
        subject=getattr(action, "problem", None),
        details=action.model_dump(mode="json", exclude={"kind", "by"}),
    )


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

    tree = load_tree(session, inspection)
    problem = tree.problem(action.problem)
    view = tree.view(problem)
    check_actor(action.kind, actor, view)
    at = _in_order(session, problem, at, inspection.timezone)
    step = _ProblemStep(session, tree, problem, view, at, today)
    message = _STEPS[type(action)](step, action)
    session.add(problem)
    session.flush()
    return message


@dataclass
class _ProblemStep:
    """What every action on one problem works with."""

    session: Session
    tree: InspectionTree
    problem: Problem
    view: ProblemView
    at: dt.datetime
    today: dt.date

    @property
    def problem_id(self) -> int:
        return self.problem.id or 0

    def move(self, transition: Transition) -> None:
        """Take the problem through ``transition``, or refuse it."""
        self.problem.state = next_state(self.problem.state, transition)

    def record(self, table: type, by: str, **fields: Any) -> None:
        """Add a row of the problem's history (``table``), at the step's instant."""
        self.session.add(table(problem_id=self.problem_id, at=self.at, by=by, **fields))


def _progress(step: _ProblemStep, action: Progress) -> str:
    problem = step.problem
    if not action.text:
        raise Refusal("missing_text", "请填写进展情况")
    step.move(Transition.PROGRESS)
    step.record(ProgressUpdate, action.by, text=action.text)
    _evidence(step, action.by, action.evidence, "progress")
    return f"问题 {problem.ref} 已记录进展"


def _sign_off(step: _ProblemStep, action: SignOffAction) -> str:
    problem = step.problem
    if not [e for e in action.evidence if e.strip()]:
        raise Refusal("missing_evidence", "销号须附支撑材料(--evidence)")
    step.move(Transition.SIGN_OFF)
    problem.closed_at = step.at
    step.record(SignOff, action.by, note=action.note)
    _evidence(step, action.by, action.evidence, "sign_off")
    return f"问题 {problem.ref} 已整改销号"


def _long_term(step: _ProblemStep, action: LongTerm) -> str:
    problem = step.problem
    if not action.stage_goal:
        raise Refusal("missing_stage_goal", "长期整改须写明阶段性目标")
    if action.checkpoint <= step.today:
        raise Refusal(
            "checkpoint_not_future", f"下一检查节点 {action.checkpoint} 须晚于今天 {step.today}"
        )
    step.move(Transition.LONG_TERM)
    problem.stage_goal = action.stage_goal
    problem.checkpoint = action.checkpoint
    step.record(
        LongTermDeclaration, action.by, stage_goal=action.stage_goal, checkpoint=action.checkpoint
    )
    return f"问题 {problem.ref} 转为长期整改,下一检查节点 {action.checkpoint}"


def _extend(step: _ProblemStep, action: Extend) -> str:
    problem = step.problem
    if not action.reason:
        raise Refusal("missing_reason", "延期须说明理由")
    next_state(problem.state, Transition.EXTEND)
    measures = step.tree.measures.get(step.problem_id, [])
    later = [m for m in measures if m.due is not None and m.due < action.new_due]
    if not later:
        raise Refusal(
            "not_later",
            f"新时限 {action.new_due} 不晚于问题 {problem.ref} 现有整改时限 {step.view.latest_due}",
        )
    for m in later:
        step.session.add(
            Extension(
                measure_id=m.id or 0,
                at=step.at,
                by=action.by,
                previous_due=m.due,
                new_due=action.new_due,
                reason=action.reason,
            )
        )
        m.due = action.new_due
        step.session.add(m)
    return f"问题 {problem.ref} 的 {len(later)} 项措施延期至 {action.new_due}"


def _review(step: _ProblemStep, action: ReviewAction) -> str:
    problem = step.problem
    relapsed = action.outcome == "relapsed"
    step.move(Transition.REVIEW_RELAPSED if relapsed else Transition.REVIEW_SUSTAINED)
    if relapsed:
        problem.closed_at = None
    step.record(Review, action.by, outcome=action.outcome, note=action.note)
    return f"问题 {problem.ref} 回头看:" + ("反弹回潮,已重新打开" if relapsed else "整改成效保持")


_STEPS: dict[type[Action], Callable[[_ProblemStep, Any], str]] = {
    Progress: _progress,
    SignOffAction: _sign_off,
    LongTerm: _long_term,
    Extend: _extend,
    ReviewAction: _review,
}


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


def _evidence(step: _ProblemStep, by: str, names: list[str], attached_to: str) -> None:
    for name in names:
        if name.strip():
            step.record(Evidence, by, name=name.strip(), attached_to=attached_to)
