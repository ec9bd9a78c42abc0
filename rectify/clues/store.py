"""What the store holds of the clues (问题线索), read: the authorised readers, the receiving
bodies, the register's rows. Each read takes its caller's session and checks nobody but
``may_read``'s actor: the service (``rectify.clues.service``) checks the actor first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel
from sqlmodel import Session, select

from models import Clue, ClueBody, ClueExtension, ClueReader, Inspection
from rectify.clues.rules import (
    BODY_KIND_LABELS,
    CLASS_LABELS,
    DISPOSAL_LABELS,
    STATE_LABELS,
    BodyKind,
    ClueClass,
    ClueState,
    ClueView,
    Disposal,
    check_clue_actor,
)
from rectify.core.clock import local_date
from rectify.core.errors import Refusal
from rectify.problems.tree import person_views


class ClueRow(BaseModel):
    """One clue as the office's register (问题线索台账) shows it."""

    number: str
    clue_class: str
    state: str
    summary: str
    registered_on: dt.date
    body: str | None = None
    body_kind: str | None = None
    transferred_on: dt.date | None = None
    due: dt.date | None = None
    original_due: dt.date | None = None  # given only when an extension moved the deadline
    extensions: list[str] = []
    overdue_days: int | None = None
    feedback_on: dt.date | None = None
    disposal: str | None = None
    feedback_note: str | None = None


def readers_of(session: Session, inspection_id: str) -> frozenset[str]:
    """The people the office authorised to see and handle the inspection's clues."""
    rows = session.exec(
        select(ClueReader.person_key).where(ClueReader.inspection_id == inspection_id)
    )
    return frozenset(rows)


def may_read(session: Session, inspection_id: str | None, actor: str | None) -> bool:
    """Whether ``actor`` may see this inspection's clues (the office, or a reader)."""
    if not inspection_id or not actor:
        return False
    try:
        person = person_views(session, inspection_id).get(actor)
        check_clue_actor("clue_list", person, readers_of(session, inspection_id))
    except Refusal:
        return False
    return True


def bodies_by_id(session: Session, inspection_id: str) -> dict[int, ClueBody]:
    """The inspection's receiving bodies (承办单位), by their row id."""
    rows = session.exec(select(ClueBody).where(ClueBody.inspection_id == inspection_id))
    return {b.id or 0: b for b in rows}


def clue_view(clue: Clue, bodies: Mapping[int, ClueBody], tz: str) -> ClueView:
    """The rules' view of a stored clue; ``bodies`` by their row id."""
    body = bodies.get(clue.body_id) if clue.body_id is not None else None
    return ClueView(
        number=clue.number,
        clue_class=ClueClass(clue.clue_class),
        state=ClueState(clue.state),
        registered_on=clue.registered_on,
        body=body.key if body else None,
        transferred_on=local_date(clue.transferred_at, tz) if clue.transferred_at else None,
        due=clue.due,
    )


def clue_rows(*, session: Session, inspection: Inspection, today: dt.date) -> list[ClueRow]:
    """The register's rows, by clue number, as of ``today``. Unchecked: callers check the
    actor first (``list_clues``)."""
    tz = inspection.timezone
    bodies = bodies_by_id(session, inspection.id)
    clues = session.exec(
        select(Clue).where(Clue.inspection_id == inspection.id).order_by(Clue.number)
    ).all()
    extensions: dict[int, list[str]] = {}
    for e in session.exec(
        select(ClueExtension)
        .join(Clue, ClueExtension.clue_id == Clue.id)
        .where(Clue.inspection_id == inspection.id)
        .order_by(ClueExtension.id)
    ):
        extensions.setdefault(e.clue_id, []).append(f"{e.previous_due}→{e.new_due}:{e.reason}")
    return [_row(c, clue_view(c, bodies, tz), bodies, extensions, today, tz) for c in clues]


def _row(
    clue: Clue,
    view: ClueView,
    bodies: Mapping[int, ClueBody],
    extensions: Mapping[int, list[str]],
    today: dt.date,
    tz: str,
) -> ClueRow:
    body = bodies.get(clue.body_id) if clue.body_id is not None else None
    return ClueRow(
        number=clue.number,
        clue_class=CLASS_LABELS[view.clue_class],
        state=STATE_LABELS[view.state],
        summary=clue.summary,
        registered_on=clue.registered_on,
        body=body.name if body else None,
        body_kind=BODY_KIND_LABELS[BodyKind(body.kind)] if body else None,
        transferred_on=view.transferred_on,
        due=clue.due,
        original_due=clue.original_due if clue.original_due != clue.due else None,
        extensions=extensions.get(clue.id or 0, []),
        overdue_days=(today - clue.due).days if view.overdue(today) and clue.due else None,
        feedback_on=local_date(clue.feedback_at, tz) if clue.feedback_at else None,
        disposal=DISPOSAL_LABELS[Disposal(clue.disposal)] if clue.disposal else None,
        feedback_note=clue.feedback_note,
    )
