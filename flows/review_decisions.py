"""回头看 as interactive runs: each review assigned waits in the Prefect UI, in a run named
"回头看 <单位> 问题 N", for its outcome (整改成效保持 or 反弹回潮, a note and the reviewing
supervisor), given in the run's "Resume" form; suspended, as the sign-off decision is
(flows/decisions.py), and applied by ``rectify review``'s rules and audit, once."""

from __future__ import annotations

from prefect import flow, task
from prefect.input import RunInput
from pydantic import Field

from flows.waiting import read_waiting, wait_and_apply, with_supervisor
from rectify.problems.review_decisions import (
    Finding,
    decide_review,
    find_pending_review,
    review_briefing,
)


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
    return with_supervisor(  # type: ignore[return-value]
        ReviewForm,
        "ReviewOutcome",
        supervisors,
        "开展回头看的督查人员（不能是确认该销号的人）",
        assigned,
    )


@task(name="回头看材料")
def read_review(inspection_id: str, assignment_id: int) -> dict | None:
    """The review's briefing, its reviewer and the office's supervisors, or None once done."""
    return read_waiting(inspection_id, assignment_id, find_pending_review, review_briefing)


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

    def apply(answer, channel: str):
        return decide_review(
            inspection_id,
            assignment_id,
            finding=answer.finding,
            by=answer.by,
            note=answer.note,
            channel=channel,
        )

    read = read_review(inspection_id, assignment_id)
    return wait_and_apply(read, review_form, f"review-{assignment_id}", apply, "回头看")
