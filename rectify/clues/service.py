"""The clue register's service (问题线索台账): import a clue file, list, transfer, extend and
record the result, each through the one audited-action guard (``rectify.audit.guard``). The
actor is checked before anything of the clues is read, and every access is audited, done or
refused; a refusal changes nothing but the audit log. What they read is in
``rectify.clues.store``; what they write of a clue's number and content is sealed with the
clue key (``rectify.clues.sealing``), and the audit log's subject is the sealed number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session, select

from models import Clue, ClueBody, ClueExtension, ClueReader, Inspection, Person
from rectify.audit.guard import Attempt, Outcome, audited, refuse
from rectify.clues import rules
from rectify.clues.file import ClueErrors, ClueFile, KnownFacts, read_clue_file, validate_clue_file
from rectify.clues.sealing import ClueKey, ClueKeyError, clue_key
from rectify.clues.store import ClueRow, bodies_by_id, check_key, clue_access, clue_rows, clue_view
from rectify.core.clock import local_date, parse_instant, utc_now
from rectify.core.errors import Refusal
from rectify.core.messages import show
from rectify.problems.tree import get_inspection

T = TypeVar("T")


@dataclass
class _Checked:
    """What a step works with once its actor may act: the inspection, which clues the actor
    sees, and the clue key (checked against the stored clues)."""

    session: Session
    inspection: Inspection
    access: rules.ClueAccess
    key: ClueKey


ClueWork = Callable[[_Checked], tuple[str, T]]


@dataclass
class _ClueStep:
    """What every step on one stored clue works with: the clue, its view, the inspection's
    receiving bodies (承办单位) and the step's instant."""

    session: Session
    inspection: Inspection
    key: ClueKey
    clue: Clue
    view: rules.ClueView
    bodies: dict[int, ClueBody]
    at: dt.datetime

    @property
    def today(self) -> dt.date:
        return local_date(self.at, self.inspection.timezone)


def _known_facts(session: Session, inspection_id: str, key: ClueKey) -> KnownFacts:
    people = session.exec(select(Person).where(Person.inspection_id == inspection_id)).all()
    numbers = session.exec(select(Clue.number).where(Clue.inspection_id == inspection_id))
    bodies = session.exec(select(ClueBody.key).where(ClueBody.inspection_id == inspection_id))
    return KnownFacts(
        people=frozenset(p.key for p in people if p.side != "office"),
        office=frozenset(p.key for p in people if p.side == "office" and p.active),
        numbers=frozenset(key.open(n) for n in numbers),
        bodies=frozenset(bodies),
    )


def _key_or_none() -> ClueKey | None:
    """The clue key if one is configured; a step without it is refused once its actor is
    checked (``_as_clue_actor``)."""
    try:
        return clue_key()
    except ClueKeyError:
        return None


def _sealed_subject(key: ClueKey | None, number: str) -> str | None:
    """A clue number as the audit log keeps it: sealed, or nothing without a key."""
    return key.seal(number) if key else None


# ---------------------------------------------------------------- actions


def _as_clue_actor(attempt: Attempt, work: ClueWork[T]) -> Callable[[Session], tuple[str, T]]:
    """``work`` for the guard, once the inspection is resolved (and named in the attempt)
    and the actor may do ``attempt.action`` on its clues: nothing is read before that."""

    def checked(session: Session) -> tuple[str, T]:
        inspection = get_inspection(session, attempt.inspection_id)
        attempt.inspection_id = inspection.id
        access = clue_access(session, inspection.id, attempt.action, attempt.actor)
        key = clue_key()
        check_key(session, inspection.id, key)
        return work(_Checked(session, inspection, access, key))

    return checked


def import_clues(path: Path, *, actor: str, at: dt.datetime | None = None) -> Outcome:
    """Register the clues of a clue file, all or nothing, by the office. A file that cannot be
    read or names no imported inspection is refused before anyone's rights can be checked."""
    at = at or utc_now()
    attempt = Attempt("clue_import", actor=actor, subject=path.name)
    errors: list[str] = []
    try:
        located = read_clue_file(path)
    except ClueErrors as exc:
        errors = exc.errors
        outcome = refuse(attempt, _invalid(errors, path), at=at)
        outcome.errors = errors
        return outcome
    iid = located.data.get("inspection")

    def work(session: Session) -> tuple[str, int]:
        if not isinstance(iid, str) or session.get(Inspection, iid) is None:
            errors.append(
                located.error(
                    ("inspection",), f"没有已导入的巡察 {show(iid)}（请先导入它的反馈文件）"
                )
            )
            raise _invalid(errors, path)
        attempt.inspection_id = iid
        return _as_clue_actor(attempt, write)(session)

    def write(checked: _Checked) -> tuple[str, int]:
        session, inspection = checked.session, checked.inspection
        try:
            known = _known_facts(session, inspection.id, checked.key)
            clue_file = validate_clue_file(located, known)
        except ClueErrors as exc:
            errors.extend(exc.errors)
            raise _invalid(exc.errors, path) from None
        return _write(checked, clue_file, actor=actor, at=at)

    outcome, _ = audited(attempt, work, at=at)
    outcome.errors = errors
    return outcome


def _invalid(errors: list[str], path: Path) -> Refusal:
    return Refusal("invalid_file", f"{path.name} 中有 {len(errors)} 处错误，未登记任何线索")


def _write(
    checked: _Checked, clue_file: ClueFile, *, actor: str, at: dt.datetime
) -> tuple[str, int]:
    session, inspection, key = checked.session, checked.inspection, checked.key
    iid = inspection.id
    bodies = {b.key: b for b in bodies_by_id(session, iid).values()}
    for body_in in clue_file.bodies:
        body = bodies.get(body_in.id) or ClueBody(
            inspection_id=iid, key=body_in.id, name="", kind="", contact_key="", contact_name=""
        )
        body.name, body.kind = body_in.name, body_in.kind.value
        body.contact_key, body.contact_name = body_in.contact.id, body_in.contact.name
        body.contacts = list(body_in.contact.contacts)
        session.add(body)
        bodies[body_in.id] = body
    session.flush()
    if clue_file.readers is not None:
        for reader in session.exec(select(ClueReader).where(ClueReader.inspection_id == iid)):
            session.delete(reader)
        session.flush()
        for reader_key in dict.fromkeys(clue_file.readers):
            session.add(ClueReader(inspection_id=iid, person_key=reader_key))
    transferred = 0
    for clue_in in clue_file.clues:
        clue = Clue(
            inspection_id=iid,
            digest=key.digest(iid, clue_in.number),
            number=key.seal(clue_in.number),
            clue_class=clue_in.clue_class.value,
            summary=key.seal(clue_in.summary),
            registered_on=clue_in.registered_on,
            registered_at=at,
            transfer_due=clue_in.registered_on + dt.timedelta(days=clue_file.transfer_within),
        )
        if clue_in.transfer is not None:
            transferred += 1
            clue.state = rules.ClueState.TRANSFERRED.value
            clue.body_id = bodies[clue_in.transfer.to].id
            clue.transferred_at = parse_instant(clue_in.transfer.date, inspection.timezone)
            clue.transferred_by = actor
            clue.due = clue.original_due = clue_in.transfer.due
        session.add(clue)
    session.flush()
    count = len(clue_file.clues)
    return f"已登记 {count} 条问题线索，其中 {transferred} 条已移交", count


def list_clues(
    *,
    actor: str,
    inspection_id: str | None = None,
    as_of: dt.date | None = None,
    at: dt.datetime | None = None,
) -> tuple[Outcome, list[ClueRow]]:
    """The register, for the office's clue keepers and readers; a receiving body's contact
    sees the clues transferred to the body. Each reading is audited."""
    at = at or utc_now()

    def work(checked: _Checked) -> tuple[str, list[ClueRow]]:
        today = as_of or local_date(at, checked.inspection.timezone)
        rows = clue_rows(
            session=checked.session,
            inspection=checked.inspection,
            today=today,
            key=checked.key,
            access=checked.access,
        )
        return f"截至 {today}，共 {len(rows)} 条问题线索", rows

    details = {"as_of": as_of.isoformat()} if as_of else {}
    attempt = Attempt("clue_list", actor=actor, inspection_id=inspection_id, details=details)
    outcome, rows = audited(attempt, _as_clue_actor(attempt, work), at=at)
    return outcome, rows or []


def transfer_clue(
    number: str,
    *,
    actor: str,
    to: str,
    due: dt.date,
    inspection_id: str | None = None,
    at: dt.datetime | None = None,
) -> Outcome:
    """移交: hand a registered clue to a receiving body with its handling deadline."""

    def work(step: _ClueStep) -> str:
        body = next((b for b in step.bodies.values() if b.key == to), None)
        if body is None:
            raise Refusal("unknown_body", f"没有编号为 {to} 的承办单位")
        state = rules.check_transfer(step.view, on=step.today, due=due)
        clue = step.clue
        clue.state, clue.body_id = state.value, body.id
        clue.transferred_at, clue.transferred_by = step.at, actor
        clue.due = clue.original_due = due
        step.session.add(clue)
        return f"线索 {number} 已移交{body.name}，限期 {due} 前办结"

    details = {"to": to, "due": due.isoformat()}
    return _clue_action("clue_transfer", number, actor, inspection_id, details, work, at)


def extend_clue(
    number: str,
    *,
    actor: str,
    new_due: dt.date,
    reason: str,
    inspection_id: str | None = None,
    at: dt.datetime | None = None,
) -> Outcome:
    """Extend a transferred clue's deadline, with a reason; the first deadline is kept."""

    def work(step: _ClueStep) -> str:
        clue = step.clue
        rules.check_extension(step.view, new_due=new_due, reason=reason)
        step.session.add(
            ClueExtension(
                clue_id=clue.id or 0,
                at=step.at,
                by=actor,
                previous_due=clue.due or new_due,
                new_due=new_due,
                reason=step.key.seal(reason.strip()),
            )
        )
        clue.due = new_due
        step.session.add(clue)
        return f"线索 {number} 办结期限延长至 {new_due}"

    details = {"new_due": new_due.isoformat()}
    return _clue_action("clue_extend", number, actor, inspection_id, details, work, at)


def record_feedback(
    number: str,
    *,
    actor: str,
    disposal: rules.Disposal,
    note: str = "",
    inspection_id: str | None = None,
    at: dt.datetime | None = None,
) -> Outcome:
    """办理结果反馈: the body's result came back; the clue is closed."""

    def work(step: _ClueStep) -> str:
        clue, view = step.clue, step.view
        state = rules.check_feedback(view, on=step.today)
        clue.state = state.value
        clue.feedback_at, clue.feedback_by = step.at, actor
        clue.disposal = disposal.value
        clue.feedback_note = step.key.seal(note.strip()) if note.strip() else None
        step.session.add(clue)
        late = view.overdue(step.today)
        return f"线索 {number} 已反馈办理结果（{rules.DISPOSAL_LABELS[disposal]}）" + (
            f"，晚于办结期限 {view.due}" if late else ""
        )

    details = {"disposal": disposal.value}
    return _clue_action("clue_feedback", number, actor, inspection_id, details, work, at)


def _clue_action(
    action: str,
    number: str,
    actor: str,
    inspection_id: str | None,
    details: dict,
    work: Callable[[_ClueStep], str],
    at: dt.datetime | None,
) -> Outcome:
    """One audited step on the clue ``number``: once the actor may act, ``work`` gets the
    stored clue (or the step is refused: no such clue) and says what it did."""
    at = at or utc_now()

    def on_clue(checked: _Checked) -> tuple[str, None]:
        session, inspection, key = checked.session, checked.inspection, checked.key
        digest = key.digest(inspection.id, number)
        clue = session.exec(
            select(Clue).where(Clue.inspection_id == inspection.id, Clue.digest == digest)
        ).first()
        bodies = bodies_by_id(session, inspection.id)
        view = clue_view(clue, bodies, inspection.timezone, key) if clue else None
        if clue is None or view is None or not checked.access.sees(view):
            # the number is not repeated: the audit log keeps refusal reasons readable
            raise Refusal("unknown_clue", f"巡察 {inspection.id} 中没有该编号的问题线索")
        return work(_ClueStep(session, inspection, key, clue, view, bodies, at)), None

    subject = _sealed_subject(_key_or_none(), number)
    attempt = Attempt(action, actor, inspection_id, subject=subject, details=details)
    outcome, _ = audited(attempt, _as_clue_actor(attempt, on_clue), at=at)
    return outcome
