"""What the unit recorded as done and built, as of the report's date: measures completed
(整改措施完成), stage reports on long-term problems (阶段性报告), meetings (党组会, 专题民主生活会,
整改推进会), institutions built (建章立制) and accountability cases (问责), and the public's
contact for the closing paragraph. Each read is one query, whatever the inspection's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from models import (
    AccountabilityCase,
    Institution,
    Measure,
    MeasureCompletion,
    Meeting,
    ProgressUpdate,
    StageReport,
)
from rectify.core.clock import local_date
from rectify.feedback.schema import PublicContact
from rectify.reports.history import History


@dataclass(frozen=True)
class Done:
    """One thing done on a problem, as the report tells it: progress (``measure`` None) or
    a measure completed (its position and planned text in ``measure``)."""

    day: dt.date
    text: str
    by: str
    measure: tuple[int, str] | None = None


@dataclass(frozen=True)
class Stage:
    """A stage report (阶段性报告) on a long-term problem and the checkpoint it set."""

    day: dt.date
    text: str
    by: str
    next_checkpoint: dt.date


@dataclass(frozen=True)
class Recorded:
    """A meeting, an institution or an accountability case: ``kind`` ("" for an
    institution), ``title`` (the accountability case's text), ``count`` (1 but for
    accountability)."""

    day: dt.date
    kind: str
    title: str
    by: str
    count: int = 1


def done_by_problem(session: Session, history: History) -> dict[int, list[Done]]:
    """Each problem's progress and completed measures before the cutoff, in time order."""
    rows: list[tuple[dt.datetime, int, int, Done, int]] = []  # time, kind, id: the order
    for row in session.exec(
        select(ProgressUpdate).where(
            ProgressUpdate.problem_id.in_(history.problem_ids),
            ProgressUpdate.at < history.cutoff,
        )
    ):
        rows.append((row.at, 0, row.id, _done(history, row, None), row.problem_id))
    for row, measure in session.exec(
        select(MeasureCompletion, Measure)
        .join(Measure, MeasureCompletion.measure_id == Measure.id)
        .where(
            Measure.problem_id.in_(history.problem_ids),
            MeasureCompletion.at < history.cutoff,
        )
    ):
        done = _done(history, row, (measure.position + 1, measure.text))
        rows.append((row.at, 1, row.id, done, measure.problem_id))
    out: dict[int, list[Done]] = {}
    for *_, done, problem_id in sorted(rows, key=lambda r: r[:3]):
        out.setdefault(problem_id, []).append(done)
    return out


def _done(history: History, row, measure: tuple[int, str] | None) -> Done:
    return Done(local_date(row.at, history.tz), row.text, row.by, measure)


def stages_by_problem(session: Session, history: History) -> dict[int, list[Stage]]:
    """Each long-term problem's stage reports before the cutoff, in time order."""
    out: dict[int, list[Stage]] = {}
    for row in session.exec(
        select(StageReport)
        .where(StageReport.problem_id.in_(history.problem_ids), StageReport.at < history.cutoff)
        .order_by(StageReport.at, StageReport.id)
    ):
        stage = Stage(local_date(row.at, history.tz), row.text, row.by, row.next_checkpoint)
        out.setdefault(row.problem_id, []).append(stage)
    return out


def recorded(session: Session, history: History) -> dict[str, list[Recorded]]:
    """The meetings, institutions and accountability cases recorded before the cutoff, in
    time order: ``{"meetings": […], "institutions": […], "accountability": […]}``."""
    iid, tz = history.inspection.id, history.tz

    def rows(table):
        return session.exec(
            select(table)
            .where(table.inspection_id == iid, table.at < history.cutoff)
            .order_by(table.at, table.id)
        ).all()

    return {
        "meetings": [Recorded(local_date(m.at, tz), m.kind, m.title, m.by) for m in rows(Meeting)],
        "institutions": [
            Recorded(local_date(i.at, tz), "", i.title, i.by) for i in rows(Institution)
        ],
        "accountability": [
            Recorded(local_date(a.at, tz), a.kind, a.text, a.by, a.count)
            for a in rows(AccountabilityCase)
        ],
    }


def public_contact(history: History) -> PublicContact | None:
    """The public's contact (``inspection.public_contact`` of the feedback file, stored at
    import), or None when the file gave none."""
    stored = history.inspection.public_contact or {}
    return PublicContact(**stored) if stored else None
