"""回头看 as interactive runs: each review assigned waits in the Prefect UI, in a run named
"回头看 <单位> 问题 N", for its outcome (整改成效保持 or 反弹回潮, a note and the reviewing
supervisor), given in the run's "Resume" form; suspended, as the sign-off decision is
(flows/decisions.py), and applied by ``rectify review``'s rules and audit, once."""

from __future__ import annotations

from typing import Literal

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import flow_run
from prefect.states import Failed
from pydantic import Field, create_model

from models import session_scope
from rectify.problems.review_decisions import (
    Finding,
    decide_review,
    find_pending_review,
    review_briefing,
)
from rectify.problems.tree import person_views


class ReviewForm(RunInput):
    """回头看的结论。"""

    finding: Finding = Field(
        title="回头看结论",
        description="整改成效保持：问题保持销号；反弹回潮：问题重新打开，按政策设定新的整改时限",
    )
    note: str = Field(default="", title="说明", description="回头看发现的情况")


def review_form(supervisors: dict[str, str], assigned: str) -> type[ReviewForm]:
    """The form of one review: the reviewer among the office's supervisors, the assigned one
    first."""
    keys = tuple(sorted(supervisors, key=lambda k: (k != assigned, k)))
    names = "；".join(f"{k}：{supervisors[k]}" for k in keys)
    return create_model(
        "ReviewOutcome",
        __base__=ReviewForm,
        by=(
            Literal[keys],  # type: ignore[valid-type]
            Field(title="开展回头看的督查人员", description=f"不能是确认该销号的人：{names}"),
        ),
    )


@task(name="回头看材料")
def read_review(inspection_id: str, assignment_id: int) -> dict | None:
    """The review's briefing, its reviewer and the office's supervisors, or None once done."""
    with session_scope() as session:
        pending = find_pending_review(session, inspection_id, assignment_id)
        if pending is None:
            return None
        people = person_views(session, inspection_id)
        return {
            "briefing": review_briefing(session, pending),
            "reviewer": pending.reviewer,
            "supervisors": {
                k: p.name for k, p in people.items() if p.is_office and "supervisor" in p.roles
            },
        }


@flow(
    name="review-decision",
    flow_run_name="回头看 {unit} 问题 {problem}",
    persist_result=True,
    log_prints=True,
)
def review_decision(inspection_id: str, assignment_id: int, unit: str = "", problem: str = ""):
    """等待巡察办督查人员填写回头看结论（在运行页面点击“Resume”填写表单）。

    Args:
        inspection_id: 巡察编号
        assignment_id: 回头看分派编号（由销号审核巡查自动填写）
        unit: 被巡察单位（仅用于运行名称）
        problem: 问题编号（仅用于运行名称）
    """
    review = read_review(inspection_id, assignment_id)
    if review is None:
        return {"done": False, "code": "already_decided", "message": "该回头看已有结论"}
    if not review["supervisors"]:
        return Failed(message="未声明巡察办督查人员，无人可以开展回头看")
    form = review_form(review["supervisors"], review["reviewer"])
    answer = suspend_flow_run(
        wait_for_input=form.with_initial_data(description=review["briefing"]),
        key=f"review-{assignment_id}",
    )
    outcome = decide_review(
        inspection_id,
        assignment_id,
        finding=answer.finding,
        by=answer.by,
        note=answer.note,
        channel=f"flow-run:{flow_run.id}",
    )
    create_markdown_artifact(
        f"## {outcome.message}\n\n开展人：{answer.by}；渠道：流程运行 {flow_run.id}\n",
        key=f"review-decision-{assignment_id}",
        description=f"回头看结论：{unit} 问题 {problem}",
    )
    if not outcome.done:
        return Failed(message=f"{outcome.code}：{outcome.message}", data=outcome.model_dump())
    return outcome.model_dump()
