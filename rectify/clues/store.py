"""What the store holds of the clues (问题线索), read: the authorised readers, the receiving
bodies, the register's rows, opened with the clue key (``rectify.clues.sealing``). Each read
takes its caller's session and checks nobody but ``clue_access``'s actor: the service
(``rectify.clues.service``) checks the actor first."""

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
    ClueAccess,
    ClueClass,
    ClueState,
    ClueView,
    Disposal,
    check_clue_actor,
)
from rectify.clues.sealing import ClueKey
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
    transfer_due: dt.date | None = None  # a registered clue's transfer deadline


def readers_of(session: Session, inspection_id: str) -> frozenset[str]:
    """The office staff authorised, besides its clue keepers, to see and handle the clues."""
    rows = session.exec(
        select(ClueReader.person_key).where(ClueReader.inspection_id == inspection_id)
    )
    return frozenset(rows)


def clue_access(session: Session, inspection_id: str, action: str, actor: str | None) -> ClueAccess:
    """What ``actor`` may see of the inspection's clues for ``action``, or a ``Refusal``."""
    person = person_views(session, inspection_id).get(actor or "")
    contact_of = (
        []
        if person or not actor
        else session.exec(
            select(ClueBody.key).where(
                ClueBody.inspection_id == inspection_id, ClueBody.contact_key == actor
            )
        ).all()
    )
    return check_clue_actor(action, person, readers_of(session, inspection_id), contact_of)


def may_read(session: Session, inspection_id: str | None, actor: str | None) -> bool:
    """Whether ``actor`` may see every clue of this inspection (the office's clue keepers and
    readers): what the audit trail shows clue events to."""
    if not inspection_id or not actor:
        return False
    try:
        return clue_access(session, inspection_id, "clue_list", actor).everything
    except Refusal:
        return False


def bodies_by_id(session: Session, inspection_id: str) -> dict[int, ClueBody]:
    """The inspection's receiving bodies (承办单位), by their row id."""
    rows = session.exec(select(ClueBody).where(ClueBody.inspection_id == inspection_id))
    return {b.id or 0: b for b in rows}


def clue_view(clue: Clue, bodies: Mapping[int, ClueBody], tz: str, key: ClueKey) -> ClueView:
    """The rules' view of a stored clue, its number opened; ``bodies`` by their row id."""
    body = bodies.get(clue.body_id) if clue.body_id is not None else None
    return ClueView(
        number=key.open(clue.number),
        clue_class=ClueClass(clue.clue_class),
        state=ClueState(clue.state),
        registered_on=clue.registered_on,
        body=body.key if body else None,
        transferred_on=local_date(clue.transferred_at, tz) if clue.transferred_at else None,
        due=clue.due,
        transfer_due=clue.transfer_due,
        digest=clue.digest,
    )


def check_key(session: Session, inspection_id: str, key: ClueKey) -> None:
    """``ClueKeyError`` unless ``key`` opens the inspection's clues (one is tried)."""
    sealed = session.exec(
        select(Clue.number).where(Clue.inspection_id == inspection_id).limit(1)
    ).first()
    if sealed is not None:
        key.open(sealed)


def clue_rows(
    *,
    session: Session,
    inspection: Inspection,
    today: dt.date,
    key: ClueKey,
    access: ClueAccess,
) -> list[ClueRow]:
    """The rows of the register ``access`` sees, by clue number, as of ``today``. Unchecked:
    callers check the actor first (``list_clues``)."""
    tz = inspection.timezone
    bodies = bodies_by_id(session, inspection.id)
    clues = [
        (c, view)
        for c in session.exec(select(Clue).where(Clue.inspection_id == inspection.id))
        if access.sees(view := clue_view(c, bodies, tz, key))
    ]
    extensions: dict[int, list[str]] = {}
    for e in session.exec(
        select(ClueExtension)
        .join(Clue, ClueExtension.clue_id == Clue.id)
        .where(Clue.inspection_id == inspection.id)
        .order_by(ClueExtension.id)
    ):
        reason = key.open(e.reason)
        extensions.setdefault(e.clue_id, []).append(f"{e.previous_due}→{e.new_due}：{reason}")
    rows = [_row(c, v, bodies, extensions, today, tz, key) for c, v in clues]
    return sorted(rows, key=lambda r: r.number)


def _row(
    clue: Clue,
    view: ClueView,
    bodies: Mapping[int, ClueBody],
    extensions: Mapping[int, list[str]],
    today: dt.date,
    tz: str,
    key: ClueKey,
) -> ClueRow:
    body = bodies.get(clue.body_id) if clue.body_id is not None else None
    return ClueRow(
        number=view.number,
        clue_class=CLASS_LABELS[view.clue_class],
        state=STATE_LABELS[view.state],
        summary=key.open(clue.summary),
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
        feedback_note=key.open(clue.feedback_note) if clue.feedback_note else None,
        transfer_due=clue.transfer_due if view.state is ClueState.REGISTERED else None,
    )
