"""What the runs that wait for the office share (the sign-off decision, the 回头看 outcome):
the deciding supervisor's field, what the run reads before it waits, and the wait itself —
suspended until the Resume form is submitted, then the decision applied with the run's id as
its channel and its result shown as an artifact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import flow_run
from prefect.states import Failed
from pydantic import Field, create_model

from models import session_scope
from rectify.audit.guard import Outcome
from rectify.problems.tree import person_views


def with_supervisor(
    base: type[RunInput], name: str, supervisors: dict[str, str], title: str, first: str = ""
) -> type[RunInput]:
    """``base`` with a field ``by``: one of the office's supervisors (key → name), ``first``
    listed first."""
    keys = tuple(sorted(supervisors, key=lambda k: (k != first, k)))
    names = "；".join(f"{k}：{supervisors[k]}" for k in keys)
    return create_model(
        name,
        __base__=base,
        by=(
            Literal[keys],  # type: ignore[valid-type]
            Field(title=title, description=f"巡察办督查人员：{names}"),
        ),
    )


def read_waiting(
    inspection_id: str, item_id: int, find: Callable, brief: Callable
) -> dict[str, Any] | None:
    """What a waiting run shows: the item's briefing, the office's supervisors and the item
    itself (``find(session, inspection_id, item_id)``), or None once it is decided."""
    with session_scope() as session:
        item = find(session, inspection_id, item_id)
        if item is None:
            return None
        people = person_views(session, inspection_id)
        return {
            "briefing": brief(session, item),
            "first": getattr(item, "reviewer", ""),
            "supervisors": {
                k: p.name for k, p in people.items() if p.is_office and "supervisor" in p.roles
            },
        }


def wait_and_apply(
    read: dict[str, Any] | None,
    form_of: Callable[[dict[str, str], str], type[RunInput]],
    key: str,
    apply: Callable[[Any, str], Outcome],
    what: str,
):
    """Suspend until the office submits the form, then ``apply(answer, channel)``; the
    run's result is the outcome, Failed when refused."""
    if read is None:
        return {"done": False, "code": "already_decided", "message": f"该{what}已作出决定"}
    if not read["supervisors"]:
        return Failed(message=f"未声明巡察办督查人员，无人可以办理该{what}")
    form = form_of(read["supervisors"], read["first"])
    answer = suspend_flow_run(
        wait_for_input=form.with_initial_data(description=read["briefing"]), key=key
    )
    channel = f"flow-run:{flow_run.id}"
    outcome = apply(answer, channel)
    create_markdown_artifact(
        f"## {outcome.message}\n\n决定人：{answer.by}；渠道：流程运行 {flow_run.id}\n",
        key=key,
        description=f"{what}的决定：{flow_run.name}",
    )
    if not outcome.done:
        return Failed(message=f"{outcome.code}：{outcome.message}", data=outcome.model_dump())
    return outcome.model_dump()
