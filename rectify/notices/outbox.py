"""The outbox: every notice is written here first, in the same transaction as the state that
caused it, under a unique dedupe key (inspection, kind, person, period). A re-run, a retry or
two runs at once therefore never enqueue the same notice twice."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from models import Inspection, Notice, Person
from rectify.core.calendar import WorkCalendar
from rectify.core.settings import get_settings
from rectify.notices.planning import NoticePlan
from rectify.notices.quiet_hours import delivery_instant
from rectify.notices.render import render

FAILED_STATES = ("failed", "no_contact")


@dataclass(frozen=True)
class ConfidentialScope:
    """Where a confidential kind of notice (问题线索) is filed and how it is worded. Its rows
    are addressed to ``<inspection>/<name>``, not to the inspection: the dispatch and
    supervision summaries, which list an inspection's failed notices to its deputies and
    office, never reach them. ``render(plan, name=…, today=…)`` gives their subject and body;
    the rows name no problem."""

    name: str
    render: Callable[..., tuple[str, str]]
    # Seals a row's subject and body before it is stored (the clue key's ``seal``): the
    # outbox then holds no readable confidential text; the sender opens it to send.
    seal: Callable[[str], str] | None = None

    def address(self, inspection_id: str) -> str:
        """The ``inspection_id`` its notices are stored under (part of their dedupe keys)."""
        return f"{inspection_id}/{self.name}"

    def inspection_of(self, address: str) -> str:
        """The inspection a notice stored under ``address`` belongs to."""
        return address.removesuffix(f"/{self.name}")


def dedupe_key(inspection_id: str, plan: NoticePlan, period: str, *, by_items: bool) -> str:
    """The notice's unique key: (inspection or scope, kind, person, period) and, by items,
    a digest of what it lists."""
    key = f"{inspection_id}|{plan.kind}|{plan.to}|{period}"
    if by_items:
        identity = "\n".join(f"{i.ref}|{i.text}|{i.due}|{i.level}" for i in plan.items)
        key += "|" + hashlib.sha1(identity.encode()).hexdigest()[:12]
    return key


class Outbox:
    """The notices one batch of work plans, written together: one query for the keys already
    stored and one insert for the new rows, however many inspections and people the batch
    covers. A key another run wrote first is skipped (``ON CONFLICT DO NOTHING``)."""

    def __init__(self, session: Session, calendar: WorkCalendar) -> None:
        self.session = session
        self.calendar = calendar
        self.settings = get_settings()
        self._rows: dict[str, dict] = {}
        self._new: set[str] | None = None

    def add(
        self,
        inspection: Inspection,
        unit: str,
        people: Mapping[str, Person],
        plans: list[NoticePlan],
        *,
        period: str,
        at: dt.datetime,
        today: dt.date,
        by_items: bool = False,
        confidential: ConfidentialScope | None = None,
    ) -> list[str]:
        """Plan one row per notice; returns their keys (see ``new`` after ``flush``). A
        ``confidential`` notice is filed under its scope, worded by its own renderer and names
        no problem."""
        deliver_after = delivery_instant(
            at,
            inspection.timezone,
            self.calendar,
            self.settings.quiet_until_hour,
            self.settings.quiet_from_hour,
        )
        address = confidential.address(inspection.id) if confidential else inspection.id
        keys = []
        for plan in plans:
            key = dedupe_key(address, plan, period, by_items=by_items)
            keys.append(key)
            if key in self._rows:
                continue
            person = people.get(plan.to)
            name = person.name if person else plan.to
            subject, body = (
                confidential.render(plan, name=name, today=today)
                if confidential
                else render(plan, unit=unit, round_=inspection.round, person_name=name, today=today)
            )
            if confidential and confidential.seal:
                subject, body = confidential.seal(subject), confidential.seal(body)
            contacts = list(person.contacts) if person else []
            self._rows[key] = {
                "dedupe_key": key,
                "inspection_id": address,
                "kind": plan.kind,
                "level": plan.level.value if plan.level else None,
                "person_key": plan.to,
                "role": plan.role,
                "period": period,
                "subject": subject,
                "body": body,
                "problems": [] if confidential else plan.problems,
                "contacts": contacts,
                "created_at": at,
                "deliver_after": deliver_after,
                "status": "pending" if contacts else "no_contact",
                "attempts": 0,
                "last_error": None if contacts else "该人员未登记联系方式",
                "reported": False,
            }
        return keys

    def flush(self) -> set[str]:
        """Write the planned rows whose keys are new; returns those keys."""
        if not self._rows:
            self._new = set()
            return self._new
        inspections = {r["inspection_id"] for r in self._rows.values()}
        periods = {r["period"] for r in self._rows.values()}
        stored = set(
            self.session.exec(
                select(Notice.dedupe_key).where(
                    Notice.inspection_id.in_(inspections), Notice.period.in_(periods)
                )
            )
        )
        rows = [row for key, row in self._rows.items() if key not in stored]
        if rows:
            dialect = self.session.get_bind().dialect.name
            insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
            self.session.execute(
                insert(Notice.__table__).on_conflict_do_nothing(index_elements=["dedupe_key"]),
                rows,
            )
        self._new = {r["dedupe_key"] for r in rows}
        self._rows = {}
        return self._new

    def new(self, keys: list[str]) -> list[str]:
        """Which of ``keys`` the flush wrote."""
        if self._new is None:
            raise RuntimeError("Outbox.new before flush")
        return [k for k in keys if k in self._new]


def failure_line(notice: Notice) -> str:
    """A failed notice as the next summary lists it to the office."""
    return f"{notice.person_key}的{notice.subject}({notice.last_error or notice.status})"
