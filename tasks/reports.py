from __future__ import annotations

import datetime as dt

from prefect import task

from models import session_scope
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import get_inspection


@task(name="整改进展")
def progress_figures(inspection_id: str, as_of: dt.date) -> dict:
    """The 通报 figures of one inspection as of a date."""
    with session_scope() as session:
        return snapshot(session, get_inspection(session, inspection_id), as_of).as_json()


@task(name="整改进展图")
def progress_chart(inspection_id: str, as_of: dt.date) -> dict:
    """The chart (PNG under RECTIFY_HOME/reports) and the weekly figures it plots."""
    from rectify.core.settings import get_settings
    from rectify.reports.chart import write_chart

    path = get_settings().home / "reports" / f"{inspection_id}-{as_of.isoformat()}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return {**write_chart(inspection_id, as_of, path), "png": str(path)}
