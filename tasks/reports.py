from __future__ import annotations

import datetime as dt

from prefect import task

from models import session_scope
from rectify.status import snapshot
from rectify.store import get_inspection


@task(name="整改进展")
def progress_figures(inspection_id: str, as_of: dt.date) -> dict:
    """The 通报 figures of one inspection as of a date."""
    with session_scope() as session:
        return snapshot(session, get_inspection(session, inspection_id), as_of).as_json()
