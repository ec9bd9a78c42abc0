"""The outbox: every notice is written here first, in the same transaction as the state that
caused it, under a unique dedupe key (inspection, kind, person, period). A re-run, a retry or
two runs at once therefore never enqueue the same notice twice."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Inspection, Notice, Person
from rectify.calendar import WorkCalendar
from rectify.notices.render import render
from rectify.rules.notices import NoticePlan
from rectify.rules.quiet_hours import delivery_instant
from rectify.settings import get_settings

FAILED_STATES = ("failed", "no_contact")


def dedupe_key(inspection_id: str, plan: NoticePlan, period: str, *, by_items: bool) -> str:
    key = f"{inspection_id}|{plan.kind}|{plan.to}|{period}"
    if by_items:
        identity = "\n".join(f"{i.ref}|{i.text}|{i.due}|{i.level}" for i in plan.items)
        key += "|" + hashlib.sha1(identity.encode()).hexdigest()[:12]
    return key


def enqueue(
    session: Session,
    inspection: Inspection,
    unit: str,
    plans: list[NoticePlan],
    *,
    period: str,
    at: dt.datetime,
    today: dt.date,
    calendar: WorkCalendar,
    by_items: bool = False,
) -> list[int]:
    """Write one outbox row per plan whose key is new; returns the new rows' ids."""
    if not plans:
        return []
    settings = get_settings()
    people = {
        p.key: p for p in session.exec(select(Person).where(Person.inspection_id == inspection.id))
    }
    deliver_after = delivery_instant(
        at, inspection.timezone, calendar, settings.quiet_until_hour, settings.quiet_from_hour
    )
    keys = {dedupe_key(inspection.id, plan, period, by_items=by_items): plan for plan in plans}
    existing = set(session.exec(select(Notice.dedupe_key).where(Notice.dedupe_key.in_(list(keys)))))
    ids: list[int] = []
    for key, plan in keys.items():
        if key in existing:
            continue
        person = people.get(plan.to)
        name = person.name if person else plan.to
        subject, body = render(
            plan, unit=unit, round_=inspection.round, person_name=name, today=today
        )
        contacts = list(person.contacts) if person else []
        notice = Notice(
            dedupe_key=key,
            inspection_id=inspection.id,
            kind=plan.kind,
            level=plan.level.value if plan.level else None,
            person_key=plan.to,
            role=plan.role,
            period=period,
            subject=subject,
            body=body,
            problems=plan.problems,
            contacts=contacts,
            created_at=at,
            deliver_after=deliver_after,
            status="pending" if contacts else "no_contact",
            last_error=None if contacts else "该人员未登记联系方式",
        )
        try:
            with session.begin_nested():
                session.add(notice)
        except IntegrityError:
            continue  # another run enqueued it first
        ids.append(notice.id or 0)
    return ids


def unreported_failures(session: Session, inspection_id: str) -> tuple[list[str], list[Notice]]:
    """Failed notices not yet surfaced in a summary, as lines for the next summary."""
    rows = list(
        session.exec(
            select(Notice)
            .where(
                Notice.inspection_id == inspection_id,
                Notice.status.in_(FAILED_STATES),
                Notice.reported.is_(False),
            )
            .order_by(Notice.id)
        )
    )
    lines = [f"{n.person_key}的{n.subject}({n.last_error or n.status})" for n in rows]
    return lines, rows
