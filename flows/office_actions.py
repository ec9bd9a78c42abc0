"""The actions people take, as deployments with a typed form (the UI's "Custom run"): record
progress, complete a measure, apply for sign-off, extend, 回头看. Each runs the action the
command line runs (``rectify.problems.service.act``: the same rules, permissions and audit)
and ends Failed with the refusal's Chinese reason when the rules refuse it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.states import Failed
from pydantic import BaseModel, Field

from flows.common import resolve_at
from flows.decisions import start_decision_runs
from rectify.audit.guard import Outcome
from rectify.problems import actions, service
from tasks.decisions import list_pending

Outcome_ = Literal["整改成效保持", "反弹回潮"]
REVIEW_OUTCOMES = {"整改成效保持": "sustained", "反弹回潮": "relapsed"}


def _done(outcome: Outcome, title: str):
    """The run's end: the outcome as its result and a short artifact, Failed if refused."""
    mark = "已办理" if outcome.done else f"被拒绝（{outcome.code}）"
    create_markdown_artifact(
        f"## {title}：{mark}\n\n{outcome.message}\n",
        description=f"{title}的办理结果",
    )
    if not outcome.done:
        return Failed(message=f"{outcome.code}：{outcome.message}", data=outcome.model_dump())
    return outcome.model_dump()


class Handling(BaseModel):
    """Which inspection and when: both may be left empty."""

    inspection_id: str | None = Field(
        default=None, title="巡察编号", description="只有一次巡察时可不填"
    )
    at: dt.datetime | None = Field(
        default=None, title="办理时间", description="默认现在；补录以前的办理时填写"
    )


def _act(handling: Handling | None, action: actions.Action) -> Outcome:
    handling = handling or Handling()
    return service.act(handling.inspection_id, action, resolve_at(handling.at))  # type: ignore[arg-type]


@flow(name="record-progress", flow_run_name="报送进展 问题 {problem}")
def record_progress(
    problem: str,
    by: str,
    text: str,
    evidence: list[str] | None = None,
    handling: Handling | None = None,
):
    """报送整改进展（责任人、责任领导或整改办）。

    Args:
        problem: 问题编号，如 1、2-3（按反馈意见公布的编号）
        by: 报送人编号（人员名单中的 id，如 office_head）
        text: 进展情况
        evidence: 支撑材料文件名，可填多个
        handling: 巡察编号与办理时间（都可不填）
    """
    action = actions.Progress(by=by, problem=problem, text=text, evidence=evidence or [])
    return _done(_act(handling, action), f"问题 {problem} 报送进展")


@flow(name="complete-measure", flow_run_name="措施完成 问题 {problem} 措施 {measure}")
def complete_measure(
    problem: str,
    measure: int,
    by: str,
    text: str,
    evidence: list[str] | None = None,
    handling: Handling | None = None,
):
    """一项整改措施完成（逐项完成，附完成情况和支撑材料）。

    Args:
        problem: 问题编号
        measure: 措施序号（该问题下第几项措施，从 1 起）
        by: 报告人编号
        text: 完成情况
        evidence: 支撑材料文件名，可填多个
        handling: 巡察编号与办理时间（都可不填）
    """
    kind = actions.ACTIONS.get("complete")  # the action is looked up by its registry name
    if kind is None:
        return Failed(message="unsupported：本版本尚不支持逐项完成整改措施（complete）")
    action = kind.model_validate(
        {"by": by, "problem": problem, "measure": measure, "text": text, "evidence": evidence or []}
    )
    return _done(_act(handling, action), f"问题 {problem} 措施 {measure} 完成")


@flow(name="apply-sign-off", flow_run_name="申请销号 问题 {problem}")
def apply_sign_off(
    problem: str,
    by: str,
    evidence: list[str],
    note: str = "",
    handling: Handling | None = None,
):
    """申请销号（被巡察单位）：须附支撑材料；申请后即开启“销号审核”运行，等待巡察办决定。

    Args:
        problem: 问题编号
        by: 申请人编号（牵头领导、责任领导、组长或整改办）
        evidence: 支撑材料文件名，至少一个
        note: 申请说明
        handling: 巡察编号与办理时间（都可不填）
    """
    action = actions.ApplySignOff(by=by, problem=problem, evidence=evidence, note=note)
    outcome = _act(handling, action)
    if outcome.done:
        scope = handling.inspection_id if handling else None
        waiting = [p for p in list_pending(scope) if p["problem"] == problem]
        start_decision_runs(waiting)
    return _done(outcome, f"问题 {problem} 申请销号")


@flow(name="extend", flow_run_name="延期 问题 {problem}")
def extend(
    problem: str,
    by: str,
    new_due: dt.date,
    reason: str,
    handling: Handling | None = None,
):
    """延期（巡察办督查人员审批）：问题的整改时限延至新日期，原定时限保留。

    Args:
        problem: 问题编号
        by: 审批的督查人员编号
        new_due: 新的整改时限
        reason: 延期理由
        handling: 巡察编号与办理时间（都可不填）
    """
    action = actions.Extend(by=by, problem=problem, new_due=new_due, reason=reason)
    return _done(_act(handling, action), f"问题 {problem} 延期")


@flow(name="review", flow_run_name="回头看 问题 {problem}")
def review(
    problem: str,
    by: str,
    outcome: Outcome_,
    note: str = "",
    handling: Handling | None = None,
):
    """回头看（巡察办督查人员，且不是确认该问题销号的人）：反弹回潮的，问题重新打开整改。

    Args:
        problem: 问题编号
        by: 开展回头看的督查人员编号
        outcome: 回头看结论
        note: 说明
        handling: 巡察编号与办理时间（都可不填）
    """
    action = actions.ReviewAction(
        by=by, problem=problem, outcome=REVIEW_OUTCOMES[outcome], note=note
    )  # type: ignore[arg-type]
    result = _act(handling, action)
    return _done(result, f"问题 {problem} 回头看")
