"""What every supervision task loads for a batch of inspections at one instant.

A batch is read in a fixed number of queries however many problems, measures and people it
holds, its notices are written in one insert, and each inspection's work sees only its own
``InspectionRun``.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from sqlalchemy import insert, text
from sqlmodel import Session, SQLModel, select

from models import CycleRun, Inspection, Notice, NoticeMark, session_scope
from rectify.core.calendar import WorkCalendar
from rectify.core.clock import as_utc, local_date
from rectify.core.errors import Refusal
from rectify.notices.outbox import FAILED_STATES, Outbox, failure_line
from rectify.notices.planning import Mark, NoticePlan, office_supervisors
from rectify.problems.rules.views import PersonView, ProblemView
from rectify.problems.snapshots import Snapshot, snapshots
from rectify.problems.tree import load_calendar, views_of


class BatchWriter:
    """What the inspections of a batch write: their notices through one outbox, and their
    other rows (cycles, marks, assignments) one insert per table, however many there are."""

    def __init__(self, session: Session, calendar: WorkCalendar) -> None:
        self.outbox = Outbox(session, calendar)
        self.session = session
        self._rows: dict[type[SQLModel], list[dict]] = {}

    def add(self, row: SQLModel) -> None:
        self._rows.setdefault(type(row), []).append(row.model_dump(exclude={"id"}))

    def flush(self) -> None:
        """Write the rows other than notices. The outbox is flushed on its own, before: what
        each inspection reports counts the notices it wrote."""
        for table, rows in self._rows.items():
            self.session.execute(insert(table.__table__), rows)
        self._rows = {}


@dataclass
class InspectionRun:
    session: Session
    inspection: Inspection
    at: dt.datetime
    today: dt.date
    calendar: WorkCalendar
    snap: Snapshot
    batch: BatchWriter
    cycles: list[CycleRun]
    failed: list[Notice]  # failed notices not yet surfaced in a summary

    @property
    def unit(self) -> str:
        return self.snap.unit

    @property
    def people(self) -> dict[str, PersonView]:
        return views_of(self.snap.tree.people.values())

    @property
    def supervisors(self) -> list[str]:
        """The inspection office's supervisors (巡察办督查人员) among its people."""
        return office_supervisors(self.people)

    def office_warning(self) -> dict:
        """``{"without_office": …}`` when the inspection has no office supervisor."""
        return office_warning(self.people)

    def views_by_id(self) -> dict[int, ProblemView]:
        """The snapshot's problem views by the problems' ids."""
        return {
            p.id or 0: view
            for p, view in zip(self.snap.tree.problems, self.snap.problems, strict=True)
        }

    @property
    def plan_approved_on(self) -> dt.date | None:
        """The local date the plan was approved, if it was by this run's instant."""
        approved = self.snap.plan.approved_at
        return (
            local_date(approved, self.inspection.timezone)
            if approved and approved <= self.at
            else None
        )

    def cycle_run(self, kind: str, period: str) -> CycleRun | None:
        """This inspection's dispatch or supervision of ``period``, if it already ran."""
        return next((c for c in self.cycles if c.kind == kind and c.period == period), None)

    def previous_cycle(self, kind: str) -> dt.date | None:
        """The day of the last dispatch or supervision before today."""
        return max(
            (c.on for c in self.cycles if c.kind == kind and c.on < self.today), default=None
        )

    def add(self, row: SQLModel) -> None:
        """Write ``row`` with the rest of the batch's rows of its table."""
        self.batch.add(row)

    def add_marks(self, marks: list[Mark]) -> None:
        """Write the reminder levels given today (see ``rectify.notices.planning.Mark``)."""
        for mark in marks:
            self.add(
                NoticeMark(
                    inspection_id=self.inspection.id,
                    subject=mark.subject,
                    due=mark.due,
                    level=mark.level.value,
                    on=self.today,
                )
            )

    def record_cycle(self, kind: str, period: str, summary: dict) -> None:
        self.add(
            CycleRun(
                inspection_id=self.inspection.id,
                kind=kind,
                period=period,
                on=self.today,
                at=self.at,
                summary=summary,
            )
        )

    def department_heads(self) -> dict[str, str]:
        return {d.key: d.head for d in self.snap.tree.departments.values() if d.head}

    def failures(self) -> list[str]:
        """The failed notices as lines for the next summary."""
        return [failure_line(n) for n in self.failed]

    def mark_failures_reported(self) -> None:
        for row in self.failed:
            row.reported = True
            self.session.add(row)

    def enqueue(self, plans: list[NoticePlan], period: str, *, by_items: bool = False) -> list[str]:
        """Plan these notices; their rows are written when the batch ends (``new_notices``)."""
        return self.batch.outbox.add(
            self.inspection,
            self.unit,
            {p.key: p for p in self.snap.tree.people.values()},
            plans,
            period=period,
            at=self.at,
            today=self.today,
            by_items=by_items,
        )

    def new_notices(self, keys: list[str]) -> list[str]:
        return self.batch.outbox.new(keys)


def office_warning(people: dict[str, PersonView]) -> dict:
    """``{"without_office": …}`` when an inspection with these people has no office
    supervisor (a file of the earlier format): nobody can be told of an application or
    assigned a review."""
    if office_supervisors(people):
        return {}
    return {"without_office": "未声明巡察办督查人员：销号申请无人审核，回头看无人分派"}


# The work of one inspection: returns its result, or a function giving it once the batch's
# notices are written (for results that count them).
InspectionWork = Callable[[InspectionRun], dict | Callable[[], dict]]


def each_inspection(
    inspection_ids: list[str],
    at: dt.datetime,
    work: InspectionWork,
    load: Callable[[list[InspectionRun]], object] | None = None,
) -> list[dict]:
    """Run ``work`` for each inspection of a batch, in one transaction. What ``load`` reads
    for the whole batch is passed first: ``work(loaded, ctx)``."""
    with _collector_paused(), session_scope() as session:
        contexts = load_inspection_runs(session, inspection_ids, at)
        if load is not None:
            work = partial(work, load(contexts))
        pending = [work(ctx) for ctx in contexts]
        if contexts:
            contexts[0].batch.outbox.flush()
        results = [result() if callable(result) else result for result in pending]
        if contexts:
            contexts[0].batch.flush()
        return results


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch runs. A batch holds ~100 000 ORM objects
    until it ends, and Python's collector would walk them again and again as they are
    created (a third of the dispatch's time at 60 000 measures): they are freed when the
    batch ends, by reference counting or by one collection then."""
    if not gc.isenabled():  # a nested batch, or paused by the caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def load_inspection_runs(
    session: Session, inspection_ids: list[str], at: dt.datetime
) -> list[InspectionRun]:
    at = as_utc(at)
    _lock(session, inspection_ids)
    inspections = known_inspections(session, inspection_ids)
    calendar = load_calendar(session)
    snaps = snapshots(session, inspections, at)
    cycles: dict[str, list[CycleRun]] = {}
    for row in session.exec(select(CycleRun).where(CycleRun.inspection_id.in_(inspection_ids))):
        cycles.setdefault(row.inspection_id, []).append(row)
    failed: dict[str, list[Notice]] = {}
    for row in session.exec(
        select(Notice)
        .where(
            Notice.inspection_id.in_(inspection_ids),
            Notice.status.in_(FAILED_STATES),
            Notice.reported.is_(False),
        )
        .order_by(Notice.id)
    ):
        failed.setdefault(row.inspection_id, []).append(row)
    batch = BatchWriter(session, calendar)
    return [
        InspectionRun(
            session=session,
            inspection=i,
            at=at,
            today=local_date(at, i.timezone),
            calendar=calendar,
            snap=snaps[i.id],
            batch=batch,
            cycles=cycles.get(i.id, []),
            failed=failed.get(i.id, []),
        )
        for i in inspections
    ]


def known_inspections(session: Session, inspection_ids: list[str]) -> list[Inspection]:
    """The inspections of these ids, in id order; refused when one is unknown."""
    inspections = list(
        session.exec(
            select(Inspection).where(Inspection.id.in_(inspection_ids)).order_by(Inspection.id)
        )
    )
    missing = set(inspection_ids) - {i.id for i in inspections}
    if missing:
        raise Refusal("unknown_inspection", f"没有编号为 {'、'.join(sorted(missing))} 的巡察")
    return inspections


def _lock(session: Session, inspection_ids: list[str]) -> None:
    """One batch of work per inspection at a time, held to the end of the transaction. On
    SQLite the transaction's ``BEGIN IMMEDIATE`` already serialises writers; on PostgreSQL
    an advisory lock per inspection, taken in one statement in a fixed order."""
    if session.get_bind().dialect.name != "postgresql" or not inspection_ids:
        return
    session.exec(
        text(
            "SELECT pg_advisory_xact_lock(hashtext('rectify:' || k)) "
            "FROM (SELECT unnest(CAST(:ids AS text[])) AS k ORDER BY 1) AS keys"
        ).bindparams(ids=sorted(inspection_ids))
    )
