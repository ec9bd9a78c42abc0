"""The steps on one problem: progress, a measure completed (措施完成), a long-term stage report
(阶段报告), the sign-off in two steps (申请销号; the office's 销号
or 退回), long-term declaration, extension and the 回头看 review. Each checks what the step
needs, then writes; the person's right was checked before (rules/permissions.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pendulum
from sqlalchemy import func, union_all
from sqlmodel import Session, select

import models
from rectify.core.clock import as_utc, local_date
from rectify.core.deadlines import add_period
from rectify.core.errors import Refusal
from rectify.core.states import ProblemState
from rectify.problems.actions import kinds
from rectify.problems.rules.states import Transition, next_state
from rectify.problems.rules.views import ProblemView
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import InspectionTree, load_calendar, policy_of


@dataclass
class ProblemStep:
    """What every action on one problem works with."""

    session: Session
    tree: InspectionTree
    problem: models.Problem
    view: ProblemView
    at: dt.datetime
    today: dt.date
    confirmation: models.SignOff | None = None  # the latest sign-off, for a review

    @property
    def problem_id(self) -> int:
        return self.problem.id or 0

    def allowed(self, transition: Transition) -> None:
        """Refuse ``transition`` if it is illegal from the problem's state."""
        next_state(self.problem.state, transition)

    def move(self, transition: Transition, applied_from: ProblemState | None = None) -> None:
        """Take the problem through ``transition``, or refuse it."""
        self.problem.state = next_state(self.problem.state, transition, applied_from)

    def record(self, table: type, by: str, **fields: Any) -> Any:
        """Add a row of the problem's history (``table``), at the step's instant."""
        row = table(problem_id=self.problem_id, at=self.at, by=by, **fields)
        self.session.add(row)
        return row

    def deadline(self, period_name: str, start: dt.date | None = None) -> dt.date:
        """``start`` (today by default) plus the policy's period ``period_name``, rolled to a
        working day."""
        policy = policy_of(self.tree.inspection)
        period = getattr(policy, period_name)
        return add_period(start or self.today, period, load_calendar(self.session))


def _progress(step: ProblemStep, action: kinds.Progress) -> str:
    if not action.text:
        raise Refusal("missing_text", "请填写进展情况")
    step.move(Transition.PROGRESS)
    step.record(models.ProgressUpdate, action.by, text=action.text)
    _evidence(step, action.by, action.evidence, "progress")
    return f"问题 {step.problem.ref} 已记录进展"


def _complete(step: ProblemStep, action: kinds.Complete) -> str:
    """One measure done; ``step.view`` holds only that measure (see ``only_measure``)."""
    (measure,) = step.view.measures
    step.allowed(Transition.COMPLETE)
    if measure.completed:
        raise Refusal(
            "already_completed", f"问题 {step.problem.ref} 第 {action.measure} 项措施已完成"
        )
    if not action.text:
        raise Refusal("missing_text", "请填写措施完成情况（--text）")
    if not _named(action.evidence):
        raise Refusal("missing_evidence", "措施完成须附支撑材料（--evidence）")
    step.move(Transition.COMPLETE)
    row = next(m for m in step.tree.measures[step.problem_id] if m.position == measure.position)
    step.session.add(
        models.MeasureCompletion(measure_id=row.id or 0, at=step.at, by=action.by, text=action.text)
    )
    _evidence(step, action.by, action.evidence, "completion")
    return f"问题 {step.problem.ref} 第 {action.measure} 项措施已完成"


def _stage_report(step: ProblemStep, action: kinds.StageReportAction) -> str:
    problem = step.problem
    step.allowed(Transition.STAGE_REPORT)
    if not action.text:
        raise Refusal("missing_text", "请填写阶段性整改情况（--text）")
    if action.next_checkpoint <= step.today:
        raise Refusal(
            "checkpoint_not_future",
            f"下一检查节点 {action.next_checkpoint} 须晚于今天 {step.today}",
        )
    step.move(Transition.STAGE_REPORT)
    problem.checkpoint = action.next_checkpoint
    step.record(
        models.StageReport, action.by, text=action.text, next_checkpoint=action.next_checkpoint
    )
    return f"问题 {problem.ref} 已报送阶段报告，下一检查节点 {action.next_checkpoint}"


def _apply_sign_off(step: ProblemStep, action: kinds.ApplySignOff) -> str:
    step.allowed(Transition.APPLY_SIGN_OFF)
    if not _named(action.evidence):
        raise Refusal("missing_evidence", "申请销号须附支撑材料（--evidence）")
    step.move(Transition.APPLY_SIGN_OFF)
    application = step.record(models.SignOffApplication, action.by, note=action.note)
    step.session.flush()
    _evidence(step, action.by, action.evidence, f"application:{application.id}")
    return f"问题 {step.problem.ref} 已申请销号，待巡察办审核"


def _sign_off(step: ProblemStep, action: kinds.SignOffAction) -> str:
    problem = step.problem
    step.allowed(Transition.SIGN_OFF)
    applied = problem.state is ProblemState.AWAITING_CONFIRMATION
    if not applied and not _named(action.evidence):
        raise Refusal("missing_evidence", "问题未申请销号，直接销号须附支撑材料（--evidence）")
    step.move(Transition.SIGN_OFF)
    problem.closed_at = step.at
    step.record(models.SignOff, action.by, note=action.note)
    _evidence(step, action.by, action.evidence, "sign_off")
    return f"问题 {problem.ref} 已整改销号"


def _return_sign_off(step: ProblemStep, action: kinds.ReturnSignOff) -> str:
    step.allowed(Transition.RETURN_SIGN_OFF)
    if not action.reason:
        raise Refusal("missing_reason", "退回销号申请须说明理由（--reason）")
    before = snapshot(step.session, step.tree.inspection, step.today, until=step.at)
    applied_from = next(v.applied_from for v in before.problems if v.ref == step.problem.ref)
    step.move(Transition.RETURN_SIGN_OFF, applied_from)
    step.record(models.SignOffReturn, action.by, reason=action.reason)
    return f"问题 {step.problem.ref} 的销号申请已退回：{action.reason}"


def _long_term(step: ProblemStep, action: kinds.LongTerm) -> str:
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
        models.LongTermDeclaration,
        action.by,
        stage_goal=action.stage_goal,
        checkpoint=action.checkpoint,
    )
    return f"问题 {problem.ref} 转为长期整改，下一检查节点 {action.checkpoint}"


def _extend(step: ProblemStep, action: kinds.Extend) -> str:
    problem = step.problem
    if not action.reason:
        raise Refusal("missing_reason", "延期须说明理由")
    if action.new_due <= step.today:
        raise Refusal("due_not_future", f"新时限 {action.new_due} 须晚于今天 {step.today}")
    step.allowed(Transition.EXTEND)
    measures = step.tree.measures.get(step.problem_id, [])
    done = {m.position for m in step.view.measures if m.completed}  # completed: nothing to extend
    later = [
        m
        for m in measures
        if m.due is not None and m.due < action.new_due and m.position not in done
    ]
    if not later:
        raise Refusal(
            "not_later",
            f"新时限 {action.new_due} 不晚于问题 {problem.ref} 现有整改时限 {step.view.latest_due}",
        )
    for m in later:
        step.session.add(
            models.Extension(
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


def _review(step: ProblemStep, action: kinds.ReviewAction) -> str:
    problem = step.problem
    relapsed = action.outcome == "relapsed"
    transition = Transition.REVIEW_RELAPSED if relapsed else Transition.REVIEW_SUSTAINED
    step.allowed(transition)
    if step.confirmation is not None:
        tz = step.tree.inspection.timezone
        confirmed_on = local_date(step.confirmation.at, tz)
        due = step.deadline("review_after", start=confirmed_on)
        if step.today < due:
            raise Refusal(
                "review_not_due",
                f"问题 {problem.ref} 于 {confirmed_on} 销号，回头看自 {due} 起开展（今天 {step.today}）",
            )
    step.move(transition)
    if not relapsed:
        step.record(models.Review, action.by, outcome=action.outcome, note=action.note)
        return f"问题 {problem.ref} 回头看：整改成效保持"
    new_due = step.deadline("relapse_due")
    problem.closed_at = None
    step.record(models.Review, action.by, outcome=action.outcome, note=action.note, new_due=new_due)
    for m in step.tree.measures.get(step.problem_id, []):
        if m.due is not None:
            m.due = new_due
            step.session.add(m)
    return f"问题 {problem.ref} 回头看：反弹回潮，已重新打开，整改时限 {new_due}"


STEPS: dict[type[kinds.Action], Callable[[ProblemStep, Any], str]] = {
    kinds.Progress: _progress,
    kinds.Complete: _complete,
    kinds.StageReportAction: _stage_report,
    kinds.ApplySignOff: _apply_sign_off,
    kinds.SignOffAction: _sign_off,
    kinds.ReturnSignOff: _return_sign_off,
    kinds.LongTerm: _long_term,
    kinds.Extend: _extend,
    kinds.ReviewAction: _review,
}
"""The step each kind of problem action takes."""


# The tables of a problem's history, replayed in time order by rectify.problems.snapshots.
HISTORY = (
    models.ProgressUpdate,
    models.SignOffApplication,
    models.SignOff,
    models.SignOffReturn,
    models.Review,
    models.LongTermDeclaration,
    models.StageReport,
)
SAME_INSTANT = dt.timedelta(milliseconds=1)


def in_order(session: Session, problem: models.Problem, at: dt.datetime, tz: str) -> dt.datetime:
    """The instant to record a problem's event at, so that its history replays in the order
    it was entered: an action entered at the instant of the problem's latest event (several
    commands with one ``--at``) is recorded a microsecond after it; one entered before the
    latest event is refused (its place in the history would contradict the state)."""
    latest_of_each = union_all(  # one statement for the eight kinds of record
        *(select(func.max(t.at)).where(t.problem_id == problem.id) for t in HISTORY),
        select(func.max(models.MeasureCompletion.at))
        .join(models.Measure, models.MeasureCompletion.measure_id == models.Measure.id)
        .where(models.Measure.problem_id == problem.id),
    )
    latest = max(
        (as_utc(t) for t in session.execute(latest_of_each).scalars() if t is not None),
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
        f"（{pendulum.instance(latest).in_tz(tz):%Y-%m-%d %H:%M}），不能补录在其之前",
    )


def _named(names: list[str]) -> list[str]:
    return [n.strip() for n in names if n.strip()]


def _evidence(step: ProblemStep, by: str, names: list[str], attached_to: str) -> None:
    for name in _named(names):
        step.record(models.Evidence, by, name=name, attached_to=attached_to)
