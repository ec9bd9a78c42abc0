from __future__ import annotations

from prefect import task
from sqlmodel import select

from models import Inspection, session_scope
from rectify.core.policy import Policy


@task(name="巡察政策")
def policies_of(ids: list[str]) -> dict[str, Policy]:
    with session_scope() as session:
        rows = session.exec(
            select(Inspection).where(Inspection.id.in_(ids)).order_by(Inspection.id)
        )
        return {i.id: Policy.model_validate(i.policy) for i in rows}
