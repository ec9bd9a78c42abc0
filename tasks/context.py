"""What every supervision task loads for one inspection at one instant."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from models import CycleRun, Department, Inspection
from rectify.calendar import WorkCalendar
from rectify.clock import as_utc, local_date
from rectify.notices.outbox import enqueue
from rectify.rules.notices import NoticePlan
from rectify.rules.views import PersonView
from rectify.status import Snapshot, snapshot
from rectify.store import get_inspection, load_calendar, person_views


@dataclass
class Context:
    session: Session
    inspection: Inspection
    at: dt.datetime
    today: dt.date
    calendar: WorkCalendar
    snap: Snapshot
    people: dict[str, PersonView]

    @property
    def unit(self) -> str:
        return self.snap.unit

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
        return self.session.exec(
            select(CycleRun).where(
                CycleRun.inspection_id == self.inspection.id,
                CycleRun.kind == kind,
                CycleRun.period == period,
            )
        ).first()

    def previous_cycle(self, kind: str) -> dt.date | None:
        """The day of the last dispatch or supervision before today."""
        return self.session.exec(
            select(CycleRun.on)
            .where(
                CycleRun.inspection_id == self.inspection.id,
                CycleRun.kind == kind,
                CycleRun.on < self.today,
            )
            .order_by(CycleRun.on.desc())
        ).first()

    def record_cycle(self, kind: str, period: str, summary: dict) -> None:
        self.session.add(
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
        rows = self.session.exec(
            select(Department).where(Department.inspection_id == self.inspection.id)
        )
        return {d.key: d.head for d in rows if d.head}

    def enqueue(self, plans: list[NoticePlan], period: str, *, by_items: bool = False) -> list[int]:
        return enqueue(
            self.session,
            self.inspection,
            self.unit,
            plans,
            period=period,
            at=self.at,
            today=self.today,
            calendar=self.calendar,
            by_items=by_items,
        )


def load_context(session: Session, inspection_id: str, at: dt.datetime) -> Context:
    at = as_utc(at)
    inspection = get_inspection(session, inspection_id)
    today = local_date(at, inspection.timezone)
    return Context(
        session=session,
        inspection=inspection,
        at=at,
        today=today,
        calendar=load_calendar(session),
        snap=snapshot(session, inspection, today, until=at),
        people=person_views(session, inspection.id),
    )
