"""销号审核 as interactive runs: each application for sign-off waits in the Prefect UI, in a
run named "销号审核 <单位> 问题 N", for the office's decision (确认销号 or 退回, with the
reason and the deciding supervisor), given in the run's "Resume" form.

The run is *suspended* (``suspend_flow_run``), not paused: a decision may take days, and a
suspended run holds no process meanwhile and survives a restart of ``rectify serve`` or of a
worker. Suspension needs a deployment (``sign-off-decision``) and persisted results; on
resume Prefect runs the flow again from its start, and ``suspend_flow_run`` with the same key
then returns the submitted form. The decision itself goes through
``rectify.problems.decisions.decide``: the rules, permissions and audit of the command line,
with the run's id as its channel; an application already decided is refused (and audited).

The decision watch (``decision-watch``) starts the run of each waiting application that has
none (one per application, by an idempotency key) and tells the office's head of the
applications past the policy's days to decide (``decision_days``)."""

from __future__ import annotations

import datetime as dt

from prefect import flow, get_run_logger, task
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.input import RunInput
from pydantic import Field

from flows.common import parent_run_name, scheduled_batches
from flows.waiting import read_waiting, wait_and_apply, with_supervisor
from rectify.problems.decisions import Decision, briefing, decide, find_pending
from tasks.decisions import escalate_late_decisions, list_pending, list_pending_reviews
from tasks.outbox import deliver

DECISION_DEPLOYMENT = "sign-off-decision/sign-off-decision"
REVIEW_DEPLOYMENT = "review-decision/review-decision"


class DecisionForm(RunInput):
    """巡察办的销号审核决定。"""

    decision: Decision = Field(
        title="审核决定",
        description="确认销号：问题整改完成、支撑材料充分，予以销号；退回：须在下栏写明退回理由",
    )
    reason: str = Field(
        default="",
        title="理由或审核意见",
        description="退回时必填（退回理由将告知被巡察单位）；确认销号时可填写审核意见",
    )


def decision_form(supervisors: dict[str, str], first: str = "") -> type[DecisionForm]:
    """The form of one inspection: the deciding supervisor chosen among its office's
    supervisors (key → name)."""
    return with_supervisor(  # type: ignore[return-value]
        DecisionForm, "SignOffDecision", supervisors, "决定人（巡察办督查人员）", first
    )


@task(name="销号申请材料")
def read_application(inspection_id: str, application_id: int) -> dict | None:
    """The application's briefing and the office's supervisors, or None once decided."""
    return read_waiting(inspection_id, application_id, find_pending, briefing)


@flow(
    name="sign-off-decision",
    flow_run_name="销号审核 {unit} 问题 {problem}",
    persist_result=True,
    log_prints=True,
)
def sign_off_decision(inspection_id: str, application_id: int, unit: str = "", problem: str = ""):
    """等待巡察办对一项销号申请作出决定（在运行页面点击“Resume”填写表单）。

    Args:
        inspection_id: 巡察编号
        application_id: 销号申请编号（由销号审核巡查或申请销号自动填写）
        unit: 被巡察单位（仅用于运行名称）
        problem: 问题编号（仅用于运行名称）
    """

    def apply(answer, channel: str):
        return decide(
            inspection_id,
            application_id,
            decision=answer.decision,
            by=answer.by,
            reason=answer.reason,
            channel=channel,
        )

    read = read_application(inspection_id, application_id)
    return wait_and_apply(read, decision_form, f"decision-{application_id}", apply, "销号申请")


def start_decision_runs(pending: list[dict]) -> list[str]:
    """The waiting run of each application, started once (an idempotency key per
    application); nothing when the ``sign-off-decision`` deployment is not served."""
    return _start_runs(DECISION_DEPLOYMENT, pending, "application_id")


def start_review_runs(pending: list[dict]) -> list[str]:
    """The waiting run of each 回头看 assigned, started once."""
    return _start_runs(REVIEW_DEPLOYMENT, pending, "assignment_id")


def _start_runs(deployment: str, pending: list[dict], id_field: str) -> list[str]:
    logger = get_run_logger()
    started = []
    for p in pending:
        try:
            run = run_deployment(
                deployment,
                parameters={
                    "inspection_id": p["inspection_id"],
                    id_field: p[id_field],
                    "unit": p["unit"],
                    "problem": p["problem"],
                },
                timeout=0,
                as_subflow=False,
                idempotency_key=f"{deployment}:{p['inspection_id']}:{p[id_field]}",
            )
        except ObjectNotFound:
            logger.warning(f"未部署 {deployment}，待决定事项未进入界面审核")
            return started
        started.append(str(run.id))
    return started


@flow(name="decision-watch", flow_run_name=parent_run_name("销号审核巡查"), log_prints=True)
def decision_watch(
    as_of: dt.datetime | None = None, inspection_id: str | None = None, start_runs: bool = True
) -> dict:
    """销号审核巡查：为每项待审核的销号申请和每项已分派的回头看开启界面运行；超过审核时限未决定的，提醒巡察办负责人。

    Args:
        as_of: 按此时间检查（默认现在）
        inspection_id: 只检查此巡察（默认全部）
        start_runs: 是否为待审核的销号申请开启界面审核运行
    """
    at, day, runs = scheduled_batches(as_of, inspection_id, escalate_late_decisions, "decision")
    pending = list_pending(inspection_id)
    reviews = list_pending_reviews(inspection_id)
    started = start_decision_runs(pending) + start_review_runs(reviews) if start_runs else []
    delivery = deliver(at)
    return {
        "date": day,
        "waiting": len(pending),
        "reviews": len(reviews),
        "runs": started,
        "late": {r["inspection"]: r["late"] for r in runs if r["late"]},
        "notices": sum(r["notices"] for r in runs),
        "delivery": delivery,
    }
