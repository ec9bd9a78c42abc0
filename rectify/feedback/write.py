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
            f"巡察 {header.id} 已导入;如需以新文件更新,请加 --replace(已记录的进展、销号和审计记录会保留)",
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

    people = _upsert_keyed(session, models.Person, header.id, feedback.people, _person_fields)
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
        warnings=calendar.warnings(),
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
    return {"name": p.name, "roles": list(p.roles), "contacts": list(p.contacts)}


def _upsert_keyed(session: Session, table, inspection_id: str, items, fields) -> dict[str, int]:
    """Insert or update rows by their file id; rows the file no longer names become inactive
    (history may still name them)."""
    rows = {
        r.key: r for r in session.exec(select(table).where(table.inspection_id == inspection_id))
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
            f"新文件缺少已有整改记录的问题 {', '.join(sorted(kept_history))};替换不能丢弃已记录的进展",
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
        for c, category_in in enumerate(aspect_in.categories):
            category = old_categories.get((a, c)) or models.Category(
                aspect_id=aspect.id, position=c, title=""
            )
            category.title = category_in.title
            session.add(category)
            session.flush()
            used_categories.add(category.id)
            for problem_in in category_in.problems:
                problem = old_problems.get(problem_in.ref) or models.Problem(
                    inspection_id=iid, ref=problem_in.ref, category_id=0, position=0, title=""
                )
                problem.title = problem_in.title
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
        notes.append(f"问题 {problem.ref} 不在新文件中,已删除(无整改记录)")
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
            notes.append(f"问题 {problem.ref} 措施{position + 1}:保留已批准的延期至 {extended}")
        else:
            measure.due = planned
        session.add(measure)
    for measure in old.values():
        if session.exec(
            select(models.Extension.id).where(models.Extension.measure_id == measure.id)
        ).first():
            raise Refusal(
                "would_lose_history",
                f"新文件删去了问题 {problem.ref} 已批准延期的措施{measure.position + 1};替换不能丢弃延期记录",
            )
        session.delete(measure)
    session.flush()
    return notes
