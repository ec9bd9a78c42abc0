"""Tasks of the progress report (整改通报), the office overview (巡察办总览) and its
accountability view (干部考核问责)."""

from __future__ import annotations

import datetime as dt

from prefect import task

from models import session_scope
from rectify.core.errors import Refusal
from rectify.core.settings import get_settings
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import get_inspection
from rectify.reports import accountability_view, office_rows, write_chart


@task(name="整改进展")
def progress_figures(inspection_id: str, as_of: dt.date) -> dict:
    """The 通报 figures of one inspection as of a date."""
    with session_scope() as session:
        return snapshot(session, get_inspection(session, inspection_id), as_of).as_json()


@task(name="整改进展图")
def progress_chart(inspection_id: str, as_of: dt.date) -> dict:
    """The chart (PNG under RECTIFY_HOME/reports) and the weekly figures it plots."""
    path = get_settings().home / "reports" / f"{inspection_id}-{as_of.isoformat()}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    with session_scope() as session:
        return {**write_chart(inspection_id, as_of, path, session=session), "png": str(path)}


@task(name="各单位整改进展")
def office_figures(as_of: dt.date) -> list[dict]:
    """One row per inspection, grouped by its office, laggards first within each office."""
    with session_scope() as session:
        return office_rows(as_of, session=session)


@task(name="干部考核问责")
def accountability_figures(as_of: dt.date) -> dict:
    """Per unit and per responsible person, who was late and by how much; empty when there is
    no inspection yet."""
    with session_scope() as session:
        try:
            return accountability_view(as_of, session=session)
        except Refusal:
            return {"units": [], "people": []}
