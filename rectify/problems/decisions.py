"""The office's decision on an application for sign-off (销号审核) given through another
channel than the command line (an interactive Prefect run): the applications still waiting,
what the office reads about one, and the decision itself, applied by the same rules,
permissions and audit as ``rectify sign-off`` / ``return-sign-off``, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session, select

import models
from rectify.audit.guard import Outcome, audited
from rectify.core.clock import local_date, utc_now
from rectify.core.deadlines import add_period
from rectify.core.errors import Refusal
from rectify.core.states import ProblemState
from rectify.problems.actions import (
    ReturnSignOff,
    ReviewAction,
    SignOffAction,
    action_attempt,
    apply_action,
)
from rectify.problems.detail import problem_detail
from rectify.problems.tree import get_inspection, load_calendar, person_views, policy_of

Decision = Literal["确认销号", "退回"]
CONFIRM: Decision = "确认销号"
RETURN: Decision = "退回"


@dataclass(frozen=True)
class Pending:
    """An application for sign-off still waiting for the office's decision."""

    inspection_id: str
    unit: str
    problem: str  # the problem's ref
    title: str
    application_id: int
    applied_on: dt.date
    applied_by: str
    note: str
    decide_by: dt.date  # the policy's days to decide, from the application
    evidence: list[str] = field(default_factory=list)

    @property
    def run_name(self) -> str:
        """The name of the run that waits for the decision."""
        return f"销号审核 {self.unit} 问题 {self.problem}"


def pending_applications(session: Session, inspection_id: str | None = None) -> list[Pending]:
    """Every application still undecided (its problem awaits confirmation and it is the
    problem's latest application), oldest first; of one inspection when named."""
    query = (
        select(models.SignOffApplication, models.Problem, models.Inspection, models.Unit)
        .join(models.Problem, models.SignOffApplication.problem_id == models.Problem.id)
        .join(models.Inspection, models.Problem.inspection_id == models.Inspection.id)
        .join(models.Unit, models.Inspection.unit_id == models.Unit.id)
        .where(models.Problem.state == ProblemState.AWAITING_CONFIRMATION)
        .order_by(models.SignOffApplication.at, models.SignOffApplication.id)
    )
    if inspection_id is not None:
        query = query.where(models.Problem.inspection_id == inspection_id)
    latest: dict[int, Pending] = {}
    calendar = load_calendar(session)
    for application, problem, inspection, unit in session.exec(query):
        on = local_date(application.at, inspection.timezone)
        latest[problem.id or 0] = Pending(
            inspection_id=inspection.id,
            unit=unit.name,
            problem=problem.ref,
            title=problem.title,
            application_id=application.id or 0,
            applied_on=on,
            applied_by=application.by,
            note=application.note,
            decide_by=add_period(on, policy_of(inspection).decision_days, calendar),
            evidence=_evidence(session, problem.id, application.id),
        )
    return sorted(latest.values(), key=lambda p: (p.applied_on, p.application_id))


def _evidence(session: Session, problem_id: int | None, application_id: int | None) -> list[str]:
    return list(
        session.exec(
            select(models.Evidence.name).where(
                models.Evidence.problem_id == problem_id,
                models.Evidence.attached_to == f"application:{application_id}",
            )
        )
    )


def find_pending(session: Session, inspection_id: str, application_id: int) -> Pending | None:
    """The application ``application_id`` if it still waits for a decision."""
    return next(
        (
            p
            for p in pending_applications(session, inspection_id)
            if p.application_id == application_id
        ),
        None,
    )


def briefing(session: Session, pending: Pending) -> str:
    """What the office reads before deciding, as Markdown: the problem, its measures and
    history (problem_detail), the application with its evidence, and the time to decide."""
    people = person_views(session, pending.inspection_id)
    applicant = people.get(pending.applied_by)
    supervisors = [p for p in people.values() if p.is_office and "supervisor" in p.roles]
    evidence = "、".join(pending.evidence) or "（无）"
    return (
        f"## 销号审核：{pending.unit} 问题 {pending.problem}\n\n"
        f"**{pending.title}**\n\n"
        f"- 申请人：{applicant.name if applicant else pending.applied_by}"
        f"（{pending.applied_by}），申请日期 {pending.applied_on}\n"
        f"- 申请说明：{pending.note or '（无）'}\n"
        f"- 支撑材料：{evidence}\n"
        f"- 请于 {pending.decide_by} 前作出决定；逾期未决定的，提醒巡察办负责人\n"
        f"- 可作决定的督查人员："
        + "、".join(f"{p.name}（{p.key}）" for p in sorted(supervisors, key=lambda p: p.key))
        + "\n\n"
        + history_block(session, pending.inspection_id, pending.problem)
    )


def history_block(session: Session, inspection_id: str, ref: str) -> str:
    """The problem in full (measures, history, evidence) as a Markdown section."""
    detail = problem_detail(inspection_id, ref, session=session)
    return f"### 问题详情与历史记录\n\n```\n{detail}\n```\n"


def decide(
    inspection_id: str,
    application_id: int,
    *,
    decision: Decision,
    by: str,
    reason: str = "",
    channel: str,
    at: dt.datetime | None = None,
) -> Outcome:
    """The office's decision on application ``application_id``: 确认销号 (SignOffAction) or
    退回 with ``reason`` (ReturnSignOff), by the rules and permissions of the command line,
    audited with its ``channel`` (e.g. ``flow-run:<id>``) and the application beside the
    deciding person. An application already decided is refused (``already_decided``) and the
    refusal audited: a decision given twice is applied once."""
    at = at or utc_now()
    if decision == CONFIRM:
        action: SignOffAction | ReturnSignOff = SignOffAction(by=by, problem="", note=reason)
    else:
        action = ReturnSignOff(by=by, problem="", reason=reason)
    waiting = Waiting(
        inspection_id, models.SignOffApplication, application_id, "销号申请", find_pending
    )
    return apply_once(
        action, waiting, at, channel=channel, application=application_id, decision=decision
    )


@dataclass(frozen=True)
class Waiting:
    """What a decision is about: a row (an application, a review assignment) of a problem,
    and how to find it while it waits (``find(session, inspection_id, id)``)."""

    inspection_id: str
    table: type
    id: int
    what: str  # in words: 销号申请, 回头看
    find: Callable[[Session, str, int], object | None]


def apply_once(
    action: SignOffAction | ReturnSignOff | ReviewAction,
    waiting: Waiting,
    at: dt.datetime,
    **details: object,
) -> Outcome:
    """Apply ``action`` on the problem of ``waiting`` while it waits; else refuse it
    (``already_decided``). Either way audited, with ``details`` (the channel …), in one
    transaction."""
    attempt = action_attempt(action, waiting.inspection_id)
    attempt.details.update(details)

    def work(session: Session) -> tuple[str, None]:
        row = session.get(waiting.table, waiting.id)
        problem = session.get(models.Problem, row.problem_id) if row else None
        if problem is None or problem.inspection_id != waiting.inspection_id:
            raise Refusal(
                "unknown_item", f"巡察 {waiting.inspection_id} 没有第 {waiting.id} 号{waiting.what}"
            )
        attempt.subject = action.problem = attempt.details["problem"] = problem.ref
        if waiting.find(session, waiting.inspection_id, waiting.id) is None:
            raise Refusal(
                "already_decided",
                f"问题 {problem.ref} 的第 {waiting.id} 号{waiting.what}已作出决定，不再重复处理",
            )
        inspection = get_inspection(session, waiting.inspection_id)
        return apply_action(session, inspection, action, at), None

    outcome, _ = audited(attempt, work, at=at)
    return outcome
