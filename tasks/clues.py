"""The clue watch's one task (问题线索督办): every inspection with a transferred clue, in one
batch of the supervision tasks (``tasks.context``), its clues read in a fixed number of
queries and its notices written in the batch's one outbox insert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from prefect import get_run_logger, task
from sqlmodel import Session, select

from models import (
    Clue,
    ClueBody,
    Inspection,
    Notice,
    NoticeMark,
    Person,
    create_schema,
    session_scope,
)
from rectify.clues import (
    MARK_PREFIX,
    BodyView,
    ClueState,
    clue_notices,
    clue_view,
    render_clue_notice,
    undelivered_notice,
)
from rectify.clues.sealing import ClueKey, ClueKeyError, clue_key
from rectify.clues.store import check_key
from rectify.core.clock import as_utc
from rectify.notices.outbox import FAILED_STATES, ConfidentialScope, failure_line
from rectify.notices.planning import Mark
from rectify.problems.rules.escalation import Level
from tasks.context import InspectionRun, each_inspection
from tasks.events import clue_facts, emit_facts

# Clue notices are filed under "<inspection>/clues": the dispatch and supervision summaries
# never list them; their failures go to the office in the clue watch's own digest.
CLUE_NOTICES = ConfidentialScope("clues", render_clue_notice)


@dataclass
class WatchedClues:
    """What the clue watch reads of one inspection besides its ``InspectionRun``."""

    key: ClueKey
    clues: list[Clue] = field(default_factory=list)
    bodies: list[ClueBody] = field(default_factory=list)
    marks: set[Mark] = field(default_factory=set)
    failed: list[Notice] = field(default_factory=list)  # failed clue notices not yet reported


@task(name="问题线索督办")
def watch_clues(at: dt.datetime, inspection_id: str | None = None) -> dict:
    """Green and yellow reminders to the receiving body's contact person, red (overdue) to it
    and the office's clue keepers, each level once per deadline and red again on supervision
    days; registered clues chased towards their transfer deadline, to the clue keepers.
    Returns counts only: no clue number or content leaves this task. Without the right clue
    key it logs why (in Chinese) and sends nothing."""
    at = as_utc(at)
    create_schema()
    with session_scope() as session:
        ids = _watched(session, inspection_id)
        try:
            key = clue_key() if ids else None
            for iid in ids:
                check_key(session, iid, key)
        except ClueKeyError as exc:
            get_run_logger().error("问题线索督办未运行：%s", exc.message)
            return {"inspections": 0, "reminders": 0, "notices": 0, "error": exc.message}
    results = (
        each_inspection(ids, at, watch_one, load=lambda contexts: _load(contexts, key))
        if ids
        else []
    )
    emit_facts(results)  # committed: the clues newly overdue, by their digests only
    return {
        "inspections": len(results),
        "reminders": sum(r["reminders"] for r in results),
        "notices": sum(r["notices"] for r in results),
    }


def _watched(session: Session, inspection_id: str | None) -> list[str]:
    """The inspections with a clue not closed or an unreported failed clue notice."""
    clues = select(Clue.inspection_id).where(Clue.state != ClueState.CLOSED.value)
    failed = select(Notice.inspection_id).where(
        Notice.inspection_id.endswith(CLUE_NOTICES.address("")),
        Notice.status.in_(FAILED_STATES),
        Notice.reported.is_(False),
    )
    if inspection_id:
        clues = clues.where(Clue.inspection_id == inspection_id)
        failed = failed.where(Notice.inspection_id == CLUE_NOTICES.address(inspection_id))
    ids = set(session.exec(clues)) | {CLUE_NOTICES.inspection_of(i) for i in session.exec(failed)}
    return list(
        session.exec(select(Inspection.id).where(Inspection.id.in_(ids)).order_by(Inspection.id))
    )


def _load(contexts: list[InspectionRun], key: ClueKey) -> dict[str, WatchedClues]:
    """The batch's clues not closed, bodies, clue marks and failed clue notices: four
    queries, however many inspections."""
    out = {c.inspection.id: WatchedClues(key) for c in contexts}
    if not contexts:
        return out
    session, ids = contexts[0].session, list(out)
    for clue in session.exec(
        select(Clue)
        .where(Clue.inspection_id.in_(ids), Clue.state != ClueState.CLOSED.value)
        .order_by(Clue.inspection_id, Clue.id)
    ):
        out[clue.inspection_id].clues.append(clue)
    for body in session.exec(select(ClueBody).where(ClueBody.inspection_id.in_(ids))):
        out[body.inspection_id].bodies.append(body)
    for m in session.exec(
        select(NoticeMark).where(
            NoticeMark.inspection_id.in_(ids), NoticeMark.subject.startswith(MARK_PREFIX)
        )
    ):
        out[m.inspection_id].marks.add(Mark(m.subject, m.due, Level(m.level)))
    for notice in session.exec(
        select(Notice)
        .where(
            Notice.inspection_id.in_([CLUE_NOTICES.address(i) for i in ids]),
            Notice.status.in_(FAILED_STATES),
            Notice.reported.is_(False),
        )
        .order_by(Notice.id)
    ):
        out[CLUE_NOTICES.inspection_of(notice.inspection_id)].failed.append(notice)
    return out


def watch_one(watched: dict[str, WatchedClues], ctx: InspectionRun):
    """One inspection's clue notices and marks; its result counts them once written."""
    iid, tz = ctx.inspection.id, ctx.inspection.timezone
    mine = watched[iid]
    office = [
        p
        for p in ctx.snap.tree.people.values()
        if p.active and p.side == "office" and "clues" in p.roles
    ]
    by_id = {b.id or 0: b for b in mine.bodies}
    plans, new_marks = clue_notices(
        clues=sorted(
            (clue_view(c, by_id, tz, mine.key) for c in mine.clues), key=lambda v: v.number
        ),
        bodies={b.key: BodyView(b.key, b.name, b.contact_key) for b in mine.bodies},
        office=[p.key for p in office],
        reminders=ctx.snap.policy.reminder_pair,
        supervision_day=ctx.snap.policy.supervision_day,
        marks=mine.marks,
        today=ctx.today,
    )
    # A failed "undelivered" digest is not reported again: no endless chain.
    lines = [failure_line(n) for n in mine.failed if n.kind != "clue_undelivered"]
    addressees = {p.key: p for p in office} | {
        b.contact_key: Person(key=b.contact_key, name=b.contact_name, contacts=b.contacts)
        for b in mine.bodies
    }
    keys = ctx.batch.outbox.add(
        ctx.inspection,
        ctx.unit,
        addressees,
        plans + undelivered_notice([p.key for p in office], lines),
        period=ctx.today.isoformat(),
        at=ctx.at,
        today=ctx.today,
        by_items=True,
        confidential=ConfidentialScope(CLUE_NOTICES.name, CLUE_NOTICES.render, mine.key.seal),
    )
    ctx.add_marks(new_marks)

    def result() -> dict:
        new = ctx.new_notices(keys)
        # reported once told; failures of "undelivered" digests alone are dropped as told
        told = keys[len(plans) :]
        if not lines or any(key in new for key in told):
            for row in mine.failed:
                row.reported = True
                ctx.session.add(row)
        facts = clue_facts(ctx, new_marks)
        return {"inspection": iid, "reminders": len(new_marks), "notices": len(new), "facts": facts}

    return result
