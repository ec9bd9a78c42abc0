from __future__ import annotations

import datetime as dt

from prefect import task
from sqlmodel import select

from models import Inspection, create_schema, session_scope
from rectify.core.clock import as_utc, local_date


@task(name="在办巡察")
def list_inspections(at: dt.datetime, inspection_id: str | None = None) -> list[str]:
    """Inspections whose feedback has been given by ``at`` (one, if named)."""
    at = as_utc(at)
    create_schema()
    with session_scope() as session:
        rows = session.exec(select(Inspection).order_by(Inspection.id)).all()
        return [
            i.id
            for i in rows
            if (inspection_id is None or i.id == inspection_id)
            and local_date(at, i.timezone) >= i.feedback_date
        ]
