"""Problem clues (问题线索): confidential, seen and handled only by the office (巡察办) and the
people it authorises.

An inspection hands clues about individuals to a discipline body (纪委监委) or an organisation
department (组织部), classed 进一步了解关注类 / 了解关注类 / 参考类 (seed 001), each with a
handling deadline (限期办结) and a required result (办理结果反馈)::

    registered (已登记) → transferred (已移交) → closed (已反馈办结)

The deadline may be extended with a reason; a clue is overdue from the day after its deadline
while no result has come back. Reminders climb the measures' ladder (rules.escalation) on the
inspection's reminder days and go only to the receiving body's contact person and, once the
clue is overdue, to the office: never to the inspected unit's people.

Three parts: the rules (pure: plain data and a date in, a decision out), the clue file
(docs/clues-format.md, validated like a feedback file), and the store (each entry point opens
its own session, checks the actor before it reads anything, and audits every access, done or
refused; a refusal changes nothing but the audit log).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
)
from sqlmodel import Session, select

from models import (
    Clue,
    ClueBody,
    ClueExtension,
    ClueReader,
    Inspection,
    Person,
    create_schema,
    session_scope,
)
from rectify.audit.log import record
from rectify.core.clock import local_date, parse_instant, utc_now
from rectify.core.errors import Refusal
from rectify.feedback.locate import FileError, Located, dotted, read_located
from rectify.feedback.schema import Contacts, InspectionId, Key, RealDate, Strict, Text, _ref
from rectify.feedback.validate import (
    FeedbackErrors,
    _date,
    _dict,
    _is_union_tag,
    _list,
    _message,
)
from rectify.notices.planning import Digests, Item, Mark, NoticePlan, _new_level, step_label
from rectify.problems.rules.escalation import LEVEL_LABELS, Level, escalation_level, is_overdue
from rectify.problems.rules.views import PersonView
from rectify.problems.tree import get_inspection, person_views

# ================================================================ the rules (pure)


class ClueClass(StrEnum):
    FURTHER = "further"
    ATTENTION = "attention"
    REFERENCE = "reference"


CLASS_LABELS = {
    ClueClass.FURTHER: "进一步了解关注类",
    ClueClass.ATTENTION: "了解关注类",
    ClueClass.REFERENCE: "参考类",
}


class BodyKind(StrEnum):
    DISCIPLINE = "discipline"
    ORGANISATION = "organisation"


BODY_KIND_LABELS = {BodyKind.DISCIPLINE: "纪委监委", BodyKind.ORGANISATION: "组织部"}


class ClueState(StrEnum):
    REGISTERED = "registered"
    TRANSFERRED = "transferred"
    CLOSED = "closed"


STATE_LABELS = {
    ClueState.REGISTERED: "已登记待移交",
    ClueState.TRANSFERRED: "已移交办理中",
    ClueState.CLOSED: "已反馈办结",
}


class Disposal(StrEnum):
    """How the body disposed of the clue (处置方式), as fed back."""

    TALK = "talk"
    VERIFY = "verify"
    CASE = "case"
    SHELVE = "shelve"
    DISMISS = "dismiss"
    ORGANISATIONAL = "organisational"


DISPOSAL_LABELS = {
    Disposal.TALK: "谈话函询",
    Disposal.VERIFY: "初步核实",
    Disposal.CASE: "立案审查调查",
    Disposal.SHELVE: "暂存待查",
    Disposal.DISMISS: "予以了结",
    Disposal.ORGANISATIONAL: "组织处理",
}


class ClueStep(StrEnum):
    TRANSFER = "transfer"
    EXTEND = "extend"
    FEEDBACK = "feedback"


_STEPS: dict[ClueStep, dict[ClueState, ClueState]] = {
    ClueStep.TRANSFER: {ClueState.REGISTERED: ClueState.TRANSFERRED},
    ClueStep.EXTEND: {ClueState.TRANSFERRED: ClueState.TRANSFERRED},
    ClueStep.FEEDBACK: {ClueState.TRANSFERRED: ClueState.CLOSED},
}
_WHY_NOT = {
    ClueStep.TRANSFER: "只有已登记、尚未移交的线索可以移交",
    ClueStep.EXTEND: "只有已移交、尚未反馈办理结果的线索可以延长办结期限",
    ClueStep.FEEDBACK: "只有已移交、尚未反馈的线索可以登记办理结果",
}


def next_clue_state(state: ClueState, step: ClueStep) -> ClueState:
    """The state after ``step``, or a ``Refusal`` if it is illegal from ``state``."""
    allowed = _STEPS[step]
    if state not in allowed:
        raise Refusal("illegal_transition", f"{_WHY_NOT[step]}(当前状态:{STATE_LABELS[state]})")
    return allowed[state]


ACTION_LABELS = {
    "clue_import": "导入问题线索",
    "clue_list": "查阅问题线索",
    "clue_transfer": "移交问题线索",
    "clue_extend": "延长问题线索办结期限",
    "clue_feedback": "登记问题线索办理结果",
}


def check_clue_actor(action: str, actor: PersonView | None, readers: Collection[str]) -> None:
    """The office may do everything; a person it authorised (a reader) may see and handle the
    clues but not import a clue file, which names the readers. Anyone else is refused."""
    if actor is None:
        raise Refusal("unknown_person", "操作人不在本次巡察的人员名单中")
    if "office" in actor.roles or (action != "clue_import" and actor.key in readers):
        return
    who = "巡察办人员" if action == "clue_import" else "巡察办人员或经授权的人员"
    raise Refusal(
        "not_permitted", f"{actor.name}({actor.key})不是{who},无权{ACTION_LABELS[action]}"
    )


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


@dataclass(frozen=True)
class ClueView:
    number: str
    clue_class: ClueClass
    state: ClueState
    registered_on: dt.date
    body: str | None = None  # the receiving body's key, once transferred
    transferred_on: dt.date | None = None
    due: dt.date | None = None

    def overdue(self, today: dt.date) -> bool:
        """Past its deadline with no result fed back."""
        return self.state is ClueState.TRANSFERRED and is_overdue(self.due, today)


@dataclass(frozen=True)
class BodyView:
    key: str
    name: str
    contact: str  # the contact person's key: the only one of the body who is told


def check_transfer(clue: ClueView, *, on: dt.date, due: dt.date) -> ClueState:
    state = next_clue_state(clue.state, ClueStep.TRANSFER)
    if on < clue.registered_on:
        raise Refusal("before_registration", f"移交日期 {on} 早于线索登记日期 {clue.registered_on}")
    if due <= on:
        raise Refusal("due_not_after_transfer", f"限期办结日期 {due} 须晚于移交日期 {on}")
    return state


def check_extension(clue: ClueView, *, new_due: dt.date, reason: str) -> ClueState:
    state = next_clue_state(clue.state, ClueStep.EXTEND)
    if not reason.strip():
        raise Refusal("missing_reason", "延长办结期限须说明理由")
    if clue.due is not None and new_due <= clue.due:
        raise Refusal("not_later", f"新期限 {new_due} 不晚于现有办结期限 {clue.due}")
    return state


def check_feedback(clue: ClueView, *, on: dt.date) -> ClueState:
    state = next_clue_state(clue.state, ClueStep.FEEDBACK)
    if clue.transferred_on is not None and on < clue.transferred_on:
        raise Refusal("before_transfer", f"反馈日期 {on} 早于移交日期 {clue.transferred_on}")
    return state


def supervision_cycles(due: dt.date, today: dt.date, supervision_day: int) -> int:
    """How many monthly supervision days (督办日) fell after ``due``, up to ``today``."""
    count = 0
    year, month = due.year, due.month
    while (year, month) <= (today.year, today.month):
        if due < dt.date(year, month, supervision_day) <= today:
            count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count


MARK_PREFIX = "clue:"


def mark_subject(number: str) -> str:
    """The subject of a clue's reminder marks (see rules.notices.Mark)."""
    return MARK_PREFIX + number


def clue_notices(
    *,
    clues: Iterable[ClueView],
    bodies: Mapping[str, BodyView],
    office: Iterable[str],
    reminders: tuple[int, int],
    supervision_day: int,
    marks: set[Mark],
    today: dt.date,
) -> tuple[list[NoticePlan], list[Mark]]:
    """The day's clue notices: green and yellow to the body's contact person, each once per
    deadline; red (overdue) to the contact person and the office, once when it turns red and
    again on every monthly supervision day until the result is fed back, the step rising
    (督办 → 提级督办 → 约谈提醒) with each cycle."""
    digests = Digests()
    new_marks: list[Mark] = []
    office = sorted(office)
    for clue in clues:
        if clue.state is not ClueState.TRANSFERRED or clue.due is None or clue.body is None:
            continue
        level = escalation_level(clue.due, today, reminders)
        subject = mark_subject(clue.number)
        new = _new_level(subject, clue.due, level, marks)
        cycles = supervision_cycles(clue.due, today, supervision_day)
        monthly = level is Level.RED and today.day == supervision_day and cycles > 0
        if not new and not monthly:
            continue
        assert level is not None
        if new:
            new_marks.append(Mark(subject, clue.due, level))
        note = ""
        if level is Level.RED:
            note = f"已超期{(today - clue.due).days}天"
            if monthly:
                note += f",第{cycles}次{step_label(cycles)}"
        body = bodies[clue.body]
        item = Item(clue.number, CLASS_LABELS[clue.clue_class], body.name, clue.due, level, note)
        if level is Level.RED:
            digests.add("clue_overdue", body.contact, "clue_contact", item)
            for key in office:
                digests.add("clue_overdue", key, "office", item)
        else:
            digests.add("clue_reminder", body.contact, "clue_contact", item)
    return digests.plans(), new_marks


def undelivered_notice(office: Iterable[str], failures: list[str]) -> list[NoticePlan]:
    """Clue notices that could not be delivered, told to the office (and only to it)."""
    if not failures:
        return []
    return [
        NoticePlan(kind="clue_undelivered", to=key, role="office", lines=list(failures))
        for key in sorted(office)
    ]


NOTICE_TITLES = {
    "clue_reminder": "问题线索限期办结提醒",
    "clue_overdue": "问题线索超期未办结督办",
    "clue_undelivered": "问题线索通知未送达",
}
_INTROS = {
    ("clue_reminder", "clue_contact"): "以下移交贵单位办理的问题线索临近限期办结时间,"
    "请按期办结并反馈办理结果:",
    ("clue_overdue", "clue_contact"): "以下移交贵单位办理的问题线索已超过限期办结时间,"
    "尚未收到办理结果反馈,请抓紧办结并反馈:",
    ("clue_overdue", "office"): "以下问题线索已超过限期办结时间,尚未收到办理结果反馈,"
    "请督促承办单位办结:",
    ("clue_undelivered", "office"): "以下问题线索通知未能送达,请核实承办单位联系人的联系方式:",
}


def render_clue_notice(plan: NoticePlan, *, name: str, today: dt.date) -> tuple[str, str]:
    """(subject, body): clue numbers, class, body and deadline for the addressee, nothing of
    what a clue says; the subject names no clue at all."""
    level = f"【{LEVEL_LABELS[plan.level]}】" if plan.level else ""
    subject = f"{level}{NOTICE_TITLES[plan.kind]}"
    lines = [f"{name}同志:", _INTROS[(plan.kind, plan.role)]]
    lines += [f"  {line}" for line in plan.lines]
    for n, item in enumerate(plan.items, start=1):
        text = f"{n}. 线索{item.ref}({item.title}),承办:{item.text},限期办结:{item.due}"
        if item.level:
            text += f"({LEVEL_LABELS[item.level]})"
        if item.note:
            text += f",{item.note}"
        lines.append(text)
    lines += ["巡察工作领导小组办公室", today.isoformat()]
    return subject, "\n".join(lines) + "\n"


# ================================================================ the clue file


class ClueErrors(FeedbackErrors):
    """Every violation found in one clue file; nothing was written."""


def _choice(labels: Mapping[Any, str]) -> Callable[[Any], Any]:
    """Accept a key (``further``) or its Chinese label (``进一步了解关注类``)."""
    by_label = {label: key.value for key, label in labels.items()}
    return lambda value: by_label.get(value, value) if isinstance(value, str) else value


Number = Annotated[
    str,
    BeforeValidator(_ref),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^\S+$"),
]


class ContactIn(Strict):
    id: Key
    name: Text
    contacts: Contacts = []


class BodyIn(Strict):
    id: Key
    name: Text
    kind: Annotated[BodyKind, BeforeValidator(_choice(BODY_KIND_LABELS))]
    contact: ContactIn


class TransferIn(Strict):
    to: Key
    date: RealDate
    due: RealDate


class ClueIn(Strict):
    number: Number
    clue_class: Annotated[ClueClass, BeforeValidator(_choice(CLASS_LABELS))] = Field(alias="class")
    summary: Text
    registered_on: RealDate
    transfer: TransferIn | None = None


class ClueFile(Strict):
    inspection: InspectionId
    readers: list[Key] | None = None  # given: replaces the authorised readers; omitted: kept
    bodies: list[BodyIn] = []
    clues: list[ClueIn] = Field(min_length=1)


@dataclass(frozen=True)
class KnownFacts:
    """What the store already holds for the file's inspection."""

    people: frozenset[str]  # every person key of the inspected unit, active or not
    active_people: frozenset[str]
    numbers: frozenset[str]  # clue numbers already registered
    bodies: frozenset[str]  # receiving bodies already known


def read_clue_file(path: Path) -> Located:
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ClueErrors([f"{path}: a clue file is YAML (.yaml or .yml)"])
    try:
        located = read_located(path)
    except FileError as exc:
        raise ClueErrors([str(exc)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ClueErrors([f"{path}: cannot read the file: {exc}"]) from None
    if not isinstance(located.data, dict):
        raise ClueErrors([f"{path}:{located.locate(())}: the file must hold a mapping at the top"])
    return located


def validate_clue_file(located: Located, known: KnownFacts) -> ClueFile:
    """The schema, then the cross-field rules and the store's facts, all in one pass; raise
    ``ClueErrors`` listing every violation with its file, line and field."""
    errors: list[str] = []

    def report(where: tuple, message: str) -> None:
        errors.append(f"{located.file}:{located.locate(where)}: {dotted(where)}: {message}")

    for where in located.where:
        if where and where[-1] == "__duplicate__":
            report(where[:-1], "key given twice")
    parsed = None
    try:
        parsed = ClueFile.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors():
            report(tuple(p for p in err["loc"] if not _is_union_tag(p)), _message(err))
    _cross_checks(located.data, known, report)
    if errors or parsed is None:
        raise ClueErrors(errors)
    return parsed


def _items(value: Any) -> list[tuple[int, dict]]:
    return [
        (i, v)
        for i, v in enumerate(value if isinstance(value, list) else [])
        if isinstance(v, dict)
    ]


def _key(value: Any) -> str | None:
    """An id as the schema will store it, or None (another type is a schema error already)."""
    return value if isinstance(value, str) else None


def _number(value: Any) -> str | None:
    value = _ref(value)
    return value.strip() if isinstance(value, str) else None


def _cross_checks(data: dict, known: KnownFacts, report) -> None:
    bodies = _items(data.get("bodies"))
    counts = Counter(_key(body.get("id")) for _, body in bodies)
    for i, body in bodies:
        key = _key(body.get("id"))
        if key is not None and counts[key] > 1:
            report(("bodies", i, "id"), f"body id {key!r} is not unique")
        contact = _key(_dict(body.get("contact")).get("id"))
        if contact in known.people:
            report(
                ("bodies", i, "contact", "id"),
                f"{contact!r} is one of the inspected unit's people: a body's contact person "
                "must be someone outside the unit",
            )
    body_ids = (set(counts) - {None}) | known.bodies
    for i, key in enumerate(_list(data.get("readers"))):
        if _key(key) is not None and key not in known.active_people:
            report(("readers", i), f"no person with id {key!r} in the inspection's people")
    clues = _items(data.get("clues"))
    numbers = Counter(_number(clue.get("number")) for _, clue in clues)
    for i, clue in clues:
        number = _number(clue.get("number"))
        if number is not None and numbers[number] > 1:
            report(("clues", i, "number"), f"clue number {number!r} is not unique in the file")
        elif number in known.numbers:
            report(("clues", i, "number"), f"clue number {number!r} is already registered")
        transfer = _dict(clue.get("transfer"))
        to = _key(transfer.get("to"))
        if to is not None and to not in body_ids:
            report(("clues", i, "transfer", "to"), f"no receiving body with id {to!r}")
        registered, on, due = (
            _date(clue.get("registered_on")),
            _date(transfer.get("date")),
            _date(transfer.get("due")),
        )
        if registered and on and on < registered:
            report(("clues", i, "transfer", "date"), "transfer date is before registered_on")
        if on and due and due <= on:
            report(("clues", i, "transfer", "due"), "the deadline is not after the transfer date")


# ================================================================ the store


class ClueOutcome(BaseModel):
    done: bool
    action: str
    subject: str | None = None
    code: str | None = None
    message: str
    errors: list[str] = []


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
    rows = session.exec(
        select(ClueReader.person_key).where(ClueReader.inspection_id == inspection_id)
    )
    return frozenset(rows)


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


def _bodies(session: Session, inspection_id: str) -> dict[int, ClueBody]:
    rows = session.exec(select(ClueBody).where(ClueBody.inspection_id == inspection_id))
    return {b.id or 0: b for b in rows}


def _clue(session: Session, inspection: Inspection, number: str) -> Clue:
    clue = session.exec(
        select(Clue).where(Clue.inspection_id == inspection.id, Clue.number == number)
    ).first()
    if clue is None:
        raise Refusal("unknown_clue", f"巡察 {inspection.id} 中没有编号为 {number} 的问题线索")
    return clue


T = TypeVar("T")


def _guarded(
    action: str,
    *,
    actor: str,
    inspection_id: str | None,
    at: dt.datetime | None,
    subject: str | None,
    details: dict,
    work: Callable[[Session, Inspection, dt.datetime], tuple[str, T]],
) -> tuple[ClueOutcome, T | None]:
    """Check the actor before anything is read, do ``work`` in a savepoint, audit either way.
    ``work`` returns (message, value) or raises a ``Refusal``, which undoes what it wrote."""
    at = at or utc_now()
    create_schema()
    with session_scope() as session:
        iid = inspection_id
        try:
            inspection = get_inspection(session, inspection_id)
            iid = inspection.id
            people = person_views(session, inspection.id)
            check_clue_actor(action, people.get(actor), readers_of(session, inspection.id))
            with session.begin_nested():
                message, value = work(session, inspection, at)
        except Refusal as refusal:
            record(
                session,
                at=at,
                action=action,
                outcome="refused",
                inspection_id=iid,
                actor=actor,
                subject=subject,
                code=refusal.code,
                reason=refusal.message,
                details=details,
            )
            outcome = ClueOutcome(
                done=False,
                action=action,
                subject=subject,
                code=refusal.code,
                message=refusal.message,
            )
            return outcome, None
        record(
            session,
            at=at,
            action=action,
            outcome="done",
            inspection_id=iid,
            actor=actor,
            subject=subject,
            details=details,
        )
        return ClueOutcome(done=True, action=action, subject=subject, message=message), value


def import_clues(path: Path, *, actor: str, at: dt.datetime | None = None) -> ClueOutcome:
    """Register the clues of a clue file, all or nothing, by the office. A file that cannot be
    read or names no imported inspection is refused before anyone's rights can be checked."""
    at = at or utc_now()
    create_schema()
    errors: list[str] = []
    try:
        located = read_clue_file(path)
    except ClueErrors as exc:
        return _refuse_unreadable(path, actor, at, exc.errors)
    iid = located.data.get("inspection")
    with session_scope() as session:
        known = isinstance(iid, str) and session.get(Inspection, iid) is not None
    if not known:
        where = located.locate(("inspection",))
        return _refuse_unreadable(
            path,
            actor,
            at,
            [
                f"{located.file}:{where}: inspection: no imported inspection {iid!r} "
                "(import its feedback file first)"
            ],
        )

    def work(session: Session, inspection: Inspection, at: dt.datetime) -> tuple[str, int]:
        try:
            clue_file = validate_clue_file(located, _known_facts(session, inspection.id))
        except ClueErrors as exc:
            errors.extend(exc.errors)
            raise Refusal("invalid_file", f"{len(exc.errors)} error(s) in {path.name}") from None
        return _write(session, inspection, clue_file, actor=actor, at=at)

    outcome, _ = _guarded(
        "clue_import",
        actor=actor,
        inspection_id=iid,
        at=at,
        subject=path.name,
        details={},
        work=work,
    )
    outcome.errors = errors
    return outcome


def _refuse_unreadable(path: Path, actor: str, at: dt.datetime, errors: list[str]) -> ClueOutcome:
    message = f"{len(errors)} error(s) in {path.name}"
    with session_scope() as session:
        record(
            session,
            at=at,
            action="clue_import",
            outcome="refused",
            actor=actor,
            subject=path.name,
            code="invalid_file",
            reason=message,
        )
    return ClueOutcome(
        done=False,
        action="clue_import",
        subject=path.name,
        code="invalid_file",
        message=message,
        errors=errors,
    )


def _known_facts(session: Session, inspection_id: str) -> KnownFacts:
    people = session.exec(select(Person).where(Person.inspection_id == inspection_id)).all()
    numbers = session.exec(select(Clue.number).where(Clue.inspection_id == inspection_id))
    bodies = session.exec(select(ClueBody.key).where(ClueBody.inspection_id == inspection_id))
    return KnownFacts(
        people=frozenset(p.key for p in people),
        active_people=frozenset(p.key for p in people if p.active),
        numbers=frozenset(numbers),
        bodies=frozenset(bodies),
    )


def _write(
    session: Session, inspection: Inspection, clue_file: ClueFile, *, actor: str, at: dt.datetime
) -> tuple[str, int]:
    iid = inspection.id
    bodies = {b.key: b for b in _bodies(session, iid).values()}
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
        for key in dict.fromkeys(clue_file.readers):
            session.add(ClueReader(inspection_id=iid, person_key=key))
    transferred = 0
    for clue_in in clue_file.clues:
        clue = Clue(
            inspection_id=iid,
            number=clue_in.number,
            clue_class=clue_in.clue_class.value,
            summary=clue_in.summary,
            registered_on=clue_in.registered_on,
            registered_at=at,
        )
        if clue_in.transfer is not None:
            transferred += 1
            clue.state = ClueState.TRANSFERRED.value
            clue.body_id = bodies[clue_in.transfer.to].id
            clue.transferred_at = parse_instant(clue_in.transfer.date, inspection.timezone)
            clue.transferred_by = actor
            clue.due = clue.original_due = clue_in.transfer.due
        session.add(clue)
    session.flush()
    count = len(clue_file.clues)
    return f"registered {count} clue(s), {transferred} transferred", count


def list_clues(
    *,
    actor: str,
    inspection_id: str | None = None,
    as_of: dt.date | None = None,
    at: dt.datetime | None = None,
) -> tuple[ClueOutcome, list[ClueRow]]:
    """The register, for the office and authorised readers; each reading is audited."""

    def work(session: Session, inspection: Inspection, at: dt.datetime):
        tz = inspection.timezone
        today = as_of or local_date(at, tz)
        bodies = _bodies(session, inspection.id)
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
        rows = [_row(c, clue_view(c, bodies, tz), bodies, extensions, today, tz) for c in clues]
        return f"{len(rows)} clue(s) as of {today}", rows

    details = {"as_of": as_of.isoformat()} if as_of else {}
    outcome, rows = _guarded(
        "clue_list",
        actor=actor,
        inspection_id=inspection_id,
        at=at,
        subject=None,
        details=details,
        work=work,
    )
    return outcome, rows or []


def _row(clue: Clue, view: ClueView, bodies, extensions, today: dt.date, tz: str) -> ClueRow:
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


def transfer_clue(
    number: str,
    *,
    actor: str,
    to: str,
    due: dt.date,
    inspection_id: str | None = None,
    at: dt.datetime | None = None,
) -> ClueOutcome:
    """移交: hand a registered clue to a receiving body with its handling deadline."""

    def work(session: Session, inspection: Inspection, at: dt.datetime) -> tuple[str, None]:
        clue = _clue(session, inspection, number)
        bodies = _bodies(session, inspection.id)
        body = next((b for b in bodies.values() if b.key == to), None)
        if body is None:
            raise Refusal("unknown_body", f"没有编号为 {to} 的承办单位")
        today = local_date(at, inspection.timezone)
        state = check_transfer(clue_view(clue, bodies, inspection.timezone), on=today, due=due)
        clue.state, clue.body_id = state.value, body.id
        clue.transferred_at, clue.transferred_by = at, actor
        clue.due = clue.original_due = due
        session.add(clue)
        return f"线索 {number} 已移交{body.name},限期 {due} 前办结", None

    details = {"to": to, "due": due.isoformat()}
    outcome, _ = _guarded(
        "clue_transfer",
        actor=actor,
        inspection_id=inspection_id,
        at=at,
        subject=number,
        details=details,
        work=work,
    )
    return outcome


def extend_clue(
    number: str,
    *,
    actor: str,
    new_due: dt.date,
    reason: str,
    inspection_id: str | None = None,
    at: dt.datetime | None = None,
) -> ClueOutcome:
    """Extend a transferred clue's deadline, with a reason; the first deadline is kept."""

    def work(session: Session, inspection: Inspection, at: dt.datetime) -> tuple[str, None]:
        clue = _clue(session, inspection, number)
        view = clue_view(clue, _bodies(session, inspection.id), inspection.timezone)
        check_extension(view, new_due=new_due, reason=reason)
        session.add(
            ClueExtension(
                clue_id=clue.id or 0,
                at=at,
                by=actor,
                previous_due=clue.due or new_due,
                new_due=new_due,
                reason=reason.strip(),
            )
        )
        clue.due = new_due
        session.add(clue)
        return f"线索 {number} 办结期限延长至 {new_due}", None

    outcome, _ = _guarded(
        "clue_extend",
        actor=actor,
        inspection_id=inspection_id,
        at=at,
        subject=number,
        details={"new_due": new_due.isoformat()},
        work=work,
    )
    return outcome


def record_feedback(
    number: str,
    *,
    actor: str,
    disposal: Disposal,
    note: str = "",
    inspection_id: str | None = None,
    at: dt.datetime | None = None,
) -> ClueOutcome:
    """办理结果反馈: the body's result came back; the clue is closed."""

    def work(session: Session, inspection: Inspection, at: dt.datetime) -> tuple[str, None]:
        clue = _clue(session, inspection, number)
        view = clue_view(clue, _bodies(session, inspection.id), inspection.timezone)
        state = check_feedback(view, on=local_date(at, inspection.timezone))
        clue.state = state.value
        clue.feedback_at, clue.feedback_by = at, actor
        clue.disposal, clue.feedback_note = disposal.value, note.strip() or None
        session.add(clue)
        late = view.overdue(local_date(at, inspection.timezone))
        return f"线索 {number} 已反馈办理结果({DISPOSAL_LABELS[disposal]})" + (
            f",晚于办结期限 {view.due}" if late else ""
        ), None

    outcome, _ = _guarded(
        "clue_feedback",
        actor=actor,
        inspection_id=inspection_id,
        at=at,
        subject=number,
        details={"disposal": disposal.value},
        work=work,
    )
    return outcome
