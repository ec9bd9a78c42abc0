"""The clue watch's one task (问题线索督办): every inspection's transferred clues in one batch,
read in a fixed number of queries, their notices written in one outbox insert."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from prefect import task
from sqlmodel import Session, select

from models import (
    Clue,
    ClueBody,
    Inspection,
    Notice,
    NoticeMark,
    Person,
    Unit,
    create_schema,
    session_scope,
)
from rectify.clues.register import (
    MARK_PREFIX,
    BodyView,
    ClueState,
    clue_notices,
    clue_view,
    render_clue_notice,
    undelivered_notice,
)
from rectify.core.clock import as_utc, local_date
from rectify.notices.outbox import FAILED_STATES, failure_line
from rectify.notices.planning import Mark
from rectify.problems.rules.escalation import Level
from rectify.problems.tree import load_calendar, policy_of
from tasks.context import BatchWriter

SCOPE_SUFFIX = "/clues"


def notice_scope(inspection_id: str) -> str:
    """The outbox scope of an inspection's clue notices. The dispatch and supervision
    summaries list an inspection's failed notices to its deputies and office; filed under a
    scope of their own, clue notices never reach those lists (their failures go to the office
    in the clue watch's own digest)."""
    return inspection_id + SCOPE_SUFFIX


@dataclass
class Loaded:
    inspections: list[Inspection]
    clues: dict[str, list[Clue]] = field(default_factory=lambda: defaultdict(list))
    bodies: dict[str, list[ClueBody]] = field(default_factory=lambda: defaultdict(list))
    office: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))
    marks: dict[str, set[Mark]] = field(default_factory=lambda: defaultdict(set))
    failed: dict[str, list[Notice]] = field(default_factory=lambda: defaultdict(list))
    units: dict[int, str] = field(default_factory=dict)


@task(name="问题线索督办")
def watch_clues(at: dt.datetime, inspection_id: str | None = None) -> dict:
    """Green and yellow reminders to the receiving body's contact person, red (overdue) to it
    and the office, each level once per deadline and red again on supervision days. Returns
    counts only: no clue number or content leaves this task."""
    at = as_utc(at)
    create_schema()
    with session_scope() as session:
        batch = _load(session, inspection_id)
        rows = BatchWriter(session, load_calendar(session))
        undelivered_keys: dict[str, list[str] | None] = {}
        reminders = 0
        for inspection in batch.inspections:
            iid = inspection.id
            today = local_date(at, inspection.timezone)
            bodies, office = batch.bodies[iid], batch.office[iid]
            by_id = {b.id or 0: b for b in bodies}
            policy = policy_of(inspection)
            plans, new_marks = clue_notices(
                clues=[clue_view(c, by_id, inspection.timezone) for c in batch.clues[iid]],
                bodies={b.key: BodyView(b.key, b.name, b.contact_key) for b in bodies},
                office=[p.key for p in office],
                reminders=policy.reminder_pair,
                supervision_day=policy.supervision_day,
                marks=batch.marks[iid],
                today=today,
            )
            # A failed "undelivered" digest is not reported again: no endless chain.
            lines = [failure_line(n) for n in batch.failed[iid] if n.kind != "clue_undelivered"]
            undelivered = undelivered_notice([p.key for p in office], lines)
            addressees = {p.key: p for p in office} | {
                b.contact_key: Person(key=b.contact_key, name=b.contact_name, contacts=b.contacts)
                for b in bodies
            }
            keys = rows.outbox.add(
                Inspection(
                    id=notice_scope(iid), round=inspection.round, timezone=inspection.timezone
                ),
                batch.units.get(inspection.unit_id, ""),
                addressees,
                plans + undelivered,
                period=today.isoformat(),
                at=at,
                today=today,
                by_items=True,
                renderer=lambda plan, name, today=today: render_clue_notice(
                    plan, name=name, today=today
                ),
                list_problems=False,
            )
            # reported once told; failures of "undelivered" digests alone are dropped as told
            undelivered_keys[iid] = keys[len(plans) :] if lines else None
            for mark in new_marks:
                rows.add(
                    NoticeMark(
                        inspection_id=iid,
                        subject=mark.subject,
                        due=mark.due,
                        level=mark.level.value,
                        on=today,
                    )
                )
            reminders += len(new_marks)
        new = rows.outbox.flush()
        rows.flush()
        for inspection in batch.inspections:
            told = undelivered_keys[inspection.id]
            if told is None or any(key in new for key in told):
                for row in batch.failed[inspection.id]:
                    row.reported = True
                    session.add(row)
        return {"inspections": len(batch.inspections), "reminders": reminders, "notices": len(new)}


def _load(session: Session, inspection_id: str | None) -> Loaded:
    """The inspections with a transferred clue or an unreported failed clue notice, and all
    their watch needs: seven queries, however many inspections."""
    clue_query = select(Clue).where(Clue.state == ClueState.TRANSFERRED.value)
    failed_query = select(Notice).where(
        Notice.inspection_id.endswith(SCOPE_SUFFIX),
        Notice.status.in_(FAILED_STATES),
        Notice.reported.is_(False),
    )
    if inspection_id:
        clue_query = clue_query.where(Clue.inspection_id == inspection_id)
        failed_query = failed_query.where(Notice.inspection_id == notice_scope(inspection_id))
    clues = session.exec(clue_query.order_by(Clue.inspection_id, Clue.number)).all()
    failed = session.exec(failed_query.order_by(Notice.id)).all()
    ids = sorted(
        {c.inspection_id for c in clues}
        | {n.inspection_id.removesuffix(SCOPE_SUFFIX) for n in failed}
    )
    batch = Loaded(
        inspections=list(
            session.exec(select(Inspection).where(Inspection.id.in_(ids)).order_by(Inspection.id))
        )
    )
    for clue in clues:
        batch.clues[clue.inspection_id].append(clue)
    for notice in failed:
        batch.failed[notice.inspection_id.removesuffix(SCOPE_SUFFIX)].append(notice)
    for body in session.exec(select(ClueBody).where(ClueBody.inspection_id.in_(ids))):
        batch.bodies[body.inspection_id].append(body)
    for person in session.exec(select(Person).where(Person.inspection_id.in_(ids))):
        if person.active and "office" in person.roles:
            batch.office[person.inspection_id].append(person)
    for m in session.exec(
        select(NoticeMark).where(
            NoticeMark.inspection_id.in_(ids), NoticeMark.subject.startswith(MARK_PREFIX)
        )
    ):
        batch.marks[m.inspection_id].add(Mark(m.subject, m.due, Level(m.level)))
    unit_ids = {i.unit_id for i in batch.inspections}
    batch.units = {
        u.id or 0: u.name for u in session.exec(select(Unit).where(Unit.id.in_(unit_ids)))
    }
    return batch
