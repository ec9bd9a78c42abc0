"""Writing a validated feedback file into the store: a first import, or a ``--replace`` that
keeps every recorded progress, sign-off, extension and audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

import models
from rectify.core.deadlines import add_period
from rectify.core.errors import Refusal
from rectify.core.states import ProblemState
from rectify.feedback.schema import FeedbackFile, MeasureIn
from rectify.problems.tree import load_calendar


@dataclass
class ImportResult:
    inspection_id: str
    replaced: bool
    aspects: int
    problems: int
    measures: int
    plan_due: dt.date
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def write_feedback(
    session: Session, feedback: FeedbackFile, *, source: str, replace: bool, at: dt.datetime
) -> ImportResult:
    """Write a validated feedback file (反馈意见) as an inspection; ``replace`` keeps history."""
    header = feedback.inspection
    existing = session.get(models.Inspection, header.id)
    if existing is not None and not replace:
        raise Refusal(
            "already_imported",
            f"巡察 {header.id} 已导入；如需以新文件更新，请加 --replace（已记录的进展、销号和审计记录会保留）",
        )
    unit = _unit(session, header.unit, header.parent_unit)
    inspection = existing or models.Inspection(id=header.id, imported_at=at, unit_id=unit.id or 0)
    inspection.round = header.round
    inspection.group = header.group
    inspection.unit_id = unit.id or 0
    inspection.kind = header.kind
    inspection.onsite_start = header.onsite.start
    inspection.onsite_end = header.onsite.end
    inspection.feedback_date = header.feedback_date
    inspection.timezone = header.timezone
    inspection.policy = feedback.policy.model_dump(mode="json")
    contact = feedback.inspection.public_contact
    inspection.public_contact = (
        contact.model_dump(mode="json", exclude_none=True) if contact else {}
    )
    inspection.source = source
    inspection.imported_at = at
    session.add(inspection)
    session.flush()

    calendar = load_calendar(session)
    plan_due = add_period(header.feedback_date, feedback.policy.plan_due, calendar)
    plan = session.get(models.Plan, header.id)
    if plan is None:
        session.add(models.Plan(inspection_id=header.id, due=plan_due))
    elif plan.approved_at is None:
        plan.due = plan_due
        session.add(plan)

    _refuse_both_sides(session, header.id, [p.id for p in feedback.people])
    people = _upsert_keyed(
        session,
        models.Person,
        header.id,
        feedback.people,
        _person_fields,
        models.Person.side == "unit",
    )
    _write_office(session, feedback, inspection)
    departments = _upsert_keyed(
        session,
        models.Department,
        header.id,
        feedback.departments,
        lambda d: {"name": d.name, "head": d.head},
    )
    notes = _write_ledger(session, feedback, people, departments)
    measures = sum(len(p.measures) for _, _, p in feedback.problems())
    return ImportResult(
        inspection_id=header.id,
        replaced=existing is not None,
        aspects=len(feedback.aspects),
        problems=len(feedback.problems()),
        measures=measures,
        plan_due=plan_due,
        notes=notes,
        warnings=feedback.legacy_warnings() + calendar.warnings(),
    )


def _unit(session: Session, name: str, parent_name: str | None) -> models.Unit:
    parent = _unit(session, parent_name, None) if parent_name else None
    unit = session.exec(select(models.Unit).where(models.Unit.name == name)).first()
    if unit is None:
        unit = models.Unit(name=name)
    if parent is not None:
        unit.parent_id = parent.id
    session.add(unit)
    session.flush()
    return unit


def _person_fields(p) -> dict:
    return {"name": p.name, "roles": p.unit_roles, "contacts": list(p.contacts), "side": "unit"}


def _refuse_both_sides(session: Session, inspection_id: str, unit_keys: list[str]) -> None:
    office_side = session.exec(
        select(models.Person.key).where(
            models.Person.inspection_id == inspection_id,
            models.Person.side == "office",
            models.Person.key.in_(unit_keys),
        )
    ).all()
    if office_side:
        raise Refusal(
            "both_sides",
            f"{'、'.join(sorted(office_side))} 已是本巡察巡察办一方的工作人员，不能又是被巡察单位的人员",
        )


def _write_office(session: Session, feedback: FeedbackFile, inspection: models.Inspection) -> None:
    """The office (巡察办) and its staff, merged by id with what its other files declared, then
    copied into every inspection the office supervises as people of the office's side."""
    office_in = feedback.office
    if office_in is None:
        return
    office = session.get(models.Office, office_in.id) or models.Office(
        id=office_in.id, name=office_in.name
    )
    office.name = office_in.name
    session.add(office)
    session.flush()
    staff = {
        s.key: s
        for s in session.exec(
            select(models.OfficeStaff).where(models.OfficeStaff.office_id == office.id)
        )
    }
    for s in office_in.staff:
        row = staff.get(s.id) or models.OfficeStaff(office_id=office.id, key=s.id, name=s.name)
        row.name, row.roles, row.contacts = s.name, list(s.roles), list(s.contacts)
        session.add(row)
        staff[s.id] = row
    inspection.office_id = office.id
    session.add(inspection)
    session.flush()
    sync_office_people(session, office.id)


def sync_office_people(session: Session, office_id: str) -> None:
    """Copy the office's staff into each of its inspections (``Person`` with side office).
    A staff id that is a person of an inspected unit is refused: no one is on both sides."""
    staff = list(
        session.exec(select(models.OfficeStaff).where(models.OfficeStaff.office_id == office_id))
    )
    inspections = session.exec(
        select(models.Inspection.id).where(models.Inspection.office_id == office_id)
    )
    for inspection_id in inspections:
        rows = {
            p.key: p
            for p in session.exec(
                select(models.Person).where(models.Person.inspection_id == inspection_id)
            )
        }
        for s in staff:
            row = rows.get(s.key)
            if row is not None and row.side != "office":
                raise Refusal(
                    "both_sides",
                    f"{s.key} 既是巡察办 {office_id} 的工作人员，又是巡察 {inspection_id} 被巡察单位的人员；"
                    "同一人不能同时在两方",
                )
            row = row or models.Person(
                inspection_id=inspection_id, key=s.key, name=s.name, side="office"
            )
            row.name, row.roles, row.contacts = s.name, list(s.roles), list(s.contacts)
            row.active = True
            session.add(row)
    session.flush()


def _upsert_keyed(
    session: Session, table, inspection_id: str, items, fields, *where
) -> dict[str, int]:
    """Insert or update rows by their file id; rows the file no longer names become inactive
    (history may still name them)."""
    rows = {
        r.key: r
        for r in session.exec(select(table).where(table.inspection_id == inspection_id, *where))
    }
    wanted = {item.id for item in items}
    for item in items:
        row = rows.get(item.id) or table(inspection_id=inspection_id, key=item.id)
        for name, value in fields(item).items():
            setattr(row, name, value)
        row.active = True
        session.add(row)
        rows[item.id] = row
    for key, row in rows.items():
        if key not in wanted:
            row.active = False
            session.add(row)
    session.flush()
    return {key: row.id for key, row in rows.items()}


def _has_history(session: Session, problem: models.Problem) -> bool:
    if problem.state != ProblemState.NOT_STARTED:
        return True
    for table in (
        models.ProgressUpdate,
        models.SignOff,
        models.LongTermDeclaration,
        models.Review,
        models.Evidence,
    ):
        if session.exec(select(table.id).where(table.problem_id == problem.id).limit(1)).first():
            return True
    return False


def _write_ledger(session, feedback: FeedbackFile, people, departments) -> list[str]:
    iid = feedback.inspection.id
    notes: list[str] = []
    aspects = list(
        session.exec(
            select(models.Aspect)
            .where(models.Aspect.inspection_id == iid)
            .order_by(models.Aspect.position)
        )
    )
    old_categories = {
        (a.position, c.position): c
        for a in aspects
        for c in session.exec(select(models.Category).where(models.Category.aspect_id == a.id))
    }
    old_problems = {
        p.ref: p
        for p in session.exec(select(models.Problem).where(models.Problem.inspection_id == iid))
    }
    new_refs = {p.ref for _, _, p in feedback.problems()}
    dropped = [p for ref, p in old_problems.items() if ref not in new_refs]
    kept_history = [p.ref for p in dropped if _has_history(session, p)]
    if kept_history:
        raise Refusal(
            "would_lose_history",
            f"新文件缺少已有整改记录的问题 {'、'.join(sorted(kept_history))}；替换不能丢弃已记录的进展",
        )

    position = 0
    used_categories: set[int] = set()
    for a, aspect_in in enumerate(feedback.aspects):
        aspect = (
            aspects[a]
            if a < len(aspects)
            else models.Aspect(inspection_id=iid, position=a, title="")
        )
        aspect.title = aspect_in.title
        session.add(aspect)
        session.flush()
        for c, (category_title, problems_in) in enumerate(aspect_in.groups()):
            category = old_categories.get((a, c)) or models.Category(
                aspect_id=aspect.id, position=c, title=""
            )
            category.title = category_title
            session.add(category)
            session.flush()
            used_categories.add(category.id)
            for problem_in in problems_in:
                problem = old_problems.get(problem_in.ref) or models.Problem(
                    inspection_id=iid, ref=problem_in.ref, category_id=0, position=0, title=""
                )
                problem.title = problem_in.title
                problem.carried_from = problem_in.carried_from
                problem.category_id = category.id
                problem.position = position
                position += 1
                session.add(problem)
                session.flush()
                notes += _write_measures(session, problem, problem_in.measures, people, departments)

    for problem in dropped:
        for m in session.exec(
            select(models.Measure).where(models.Measure.problem_id == problem.id)
        ):
            session.delete(m)
        session.flush()
        session.delete(problem)
        notes.append(f"问题 {problem.ref} 不在新文件中，已删除（无整改记录）")
    session.flush()
    for category in old_categories.values():
        if category.id not in used_categories:
            session.delete(category)
    session.flush()
    for aspect in aspects[len(feedback.aspects) :]:
        session.delete(aspect)
    return notes


def _write_measures(
    session, problem: models.Problem, items: list[MeasureIn], people, departments
) -> list[str]:
    notes: list[str] = []
    old = {
        m.position: m
        for m in session.exec(select(models.Measure).where(models.Measure.problem_id == problem.id))
    }
    for position, item in enumerate(items):
        measure = old.pop(position, None) or models.Measure(
            problem_id=problem.id,
            position=position,
            text="",
            lead_leader_id=0,
            responsible_leader_id=0,
            department_id=0,
            responsible_person_id=0,
        )
        measure.text = item.text
        measure.lead_leader_id = people[item.lead_leader]
        measure.responsible_leader_id = people[item.responsible_leader]
        measure.department_id = departments[item.department]
        measure.responsible_person_id = people[item.responsible_person]
        measure.checkpoint = item.checkpoint
        planned = None if item.is_long_term else item.due
        extended = None
        if measure.id is not None:
            extended = session.exec(
                select(models.Extension.new_due)
                .where(models.Extension.measure_id == measure.id)
                .order_by(models.Extension.id.desc())
            ).first()
        measure.original_due = planned
        if extended and planned and extended > planned:
            measure.due = extended
            notes.append(f"问题 {problem.ref} 措施{position + 1}：保留已批准的延期至 {extended}")
        else:
            measure.due = planned
        session.add(measure)
    for measure in old.values():
        if session.exec(
            select(models.Extension.id).where(models.Extension.measure_id == measure.id)
        ).first():
            raise Refusal(
                "would_lose_history",
                f"新文件删去了问题 {problem.ref} 已批准延期的措施{measure.position + 1}；替换不能丢弃延期记录",
            )
        session.delete(measure)
    session.flush()
    return notes
