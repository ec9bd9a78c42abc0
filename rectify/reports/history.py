"""What the recorded history says about one inspection as of a date: the snapshot every
report starts from, and the progress updates (整改进展), evidence (支撑材料) and sign-offs
(整改销号) recorded before the end of that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from models import Evidence, Inspection, ProgressUpdate, SignOff
from rectify.core.clock import end_of_local_day_utc, local_date
from rectify.problems.snapshots import Snapshot, snapshot
from rectify.problems.tree import InspectionTree, get_inspection


@dataclass
class History:
    """One inspection as of ``as_of``: its snapshot, and ``cutoff``, the end of that local
    day in UTC (what was recorded before it counts)."""

    inspection: Inspection
    snapshot: Snapshot
    as_of: dt.date
    cutoff: dt.datetime

    @property
    def tz(self) -> str:
        return self.inspection.timezone

    @property
    def tree(self) -> InspectionTree:
        return self.snapshot.tree

    @property
    def problem_ids(self) -> list[int]:
        return [p.id for p in self.tree.problems]


def history_as_of(session: Session, inspection_id: str | None, as_of: dt.date) -> History:
    """Load the inspection (the only one when none is named) and its snapshot as of ``as_of``."""
    inspection = get_inspection(session, inspection_id)
    return History(
        inspection=inspection,
        snapshot=snapshot(session, inspection, as_of),
        as_of=as_of,
        cutoff=end_of_local_day_utc(as_of, inspection.timezone),
    )


def progress_entries(session: Session, history: History) -> dict[int, list[tuple[dt.date, str]]]:
    """Each problem's progress updates recorded before the cutoff: (local date, text), in order."""
    out: dict[int, list[tuple[dt.date, str]]] = {}
    for row in session.exec(
        select(ProgressUpdate)
        .where(
            ProgressUpdate.problem_id.in_(history.problem_ids),
            ProgressUpdate.at < history.cutoff,
        )
        .order_by(ProgressUpdate.at, ProgressUpdate.id)
    ):
        out.setdefault(row.problem_id, []).append((local_date(row.at, history.tz), row.text))
    return out


def closing_dates(session: Session, history: History) -> dict[int, dt.date]:
    """The local date of each problem's latest sign-off (整改销号) before the cutoff."""
    out: dict[int, dt.date] = {}
    for row in session.exec(
        select(SignOff)
        .where(SignOff.problem_id.in_(history.problem_ids), SignOff.at < history.cutoff)
        .order_by(SignOff.at, SignOff.id)
    ):
        out[row.problem_id] = local_date(row.at, history.tz)
    return out


def evidence_names(session: Session, history: History) -> dict[int, list[str]]:
    """Each problem's evidence (支撑材料) recorded before the cutoff: names, once each, in order."""
    out: dict[int, list[str]] = {}
    for row in session.exec(
        select(Evidence)
        .where(Evidence.problem_id.in_(history.problem_ids), Evidence.at < history.cutoff)
        .order_by(Evidence.at, Evidence.id)
    ):
        names = out.setdefault(row.problem_id, [])
        if row.name not in names:
            names.append(row.name)
    return out
