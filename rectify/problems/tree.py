"""Reading the store into rule views, and the calendar the office has described."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from models import (
    Aspect,
    CalendarDay,
    CalendarYear,
    Category,
    Department,
    Inspection,
    Measure,
    Person,
    Problem,
)
from rectify.core.calendar import WorkCalendar
from rectify.core.errors import Refusal
from rectify.core.policy import Policy
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView


def load_calendar(session: Session) -> WorkCalendar:
    """The working calendar: the built-in years with the office's stored days and years."""
    days = session.exec(select(CalendarDay)).all()
    years = session.exec(select(CalendarYear.year)).all()
    return WorkCalendar({d.day: d.is_workday for d in days}, years)


def get_inspection(session: Session, inspection_id: str | None) -> Inspection:
    """The named inspection, or the only one when none is named."""
    if inspection_id:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None:
            raise Refusal("unknown_inspection", f"没有编号为 {inspection_id} 的巡察")
        return inspection
    found = session.exec(select(Inspection).limit(2)).all()
    if len(found) != 1:
        raise Refusal(
            "which_inspection",
            "数据库中没有巡察，请先导入反馈文件（rectify import）"
            if not found
            else "有多个巡察，请用 --inspection 指明",
        )
    return found[0]


def policy_of(inspection: Inspection) -> Policy:
    """The inspection's supervision policy (督办节奏)."""
    return Policy.model_validate(inspection.policy)


def person_views(session: Session, inspection_id: str) -> dict[str, PersonView]:
    """The inspection's active people, by key, as the rules see them."""
    return views_of(session.exec(select(Person).where(Person.inspection_id == inspection_id)))


def views_of(people: Iterable[Person]) -> dict[str, PersonView]:
    """The active people, by key, as the rules see them."""
    return {
        p.key: PersonView(p.key, p.name, frozenset(p.roles), p.side) for p in people if p.active
    }


@dataclass
class InspectionTree:
    """One inspection's aspects → categories → problems → measures (``measures`` by problem id,
    shared by the trees loaded together)."""

    inspection: Inspection
    aspects: list[Aspect]
    categories: list[Category]
    problems: list[Problem]
    measures: dict[int, list[Measure]]
    people: dict[int, Person]
    departments: dict[int, Department]

    def view(self, problem: Problem) -> ProblemView:
        return ProblemView(
            ref=problem.ref,
            title=problem.title,
            state=problem.state,
            checkpoint=problem.checkpoint,
            measures=tuple(
                MeasureView(
                    position=m.position,
                    text=m.text,
                    lead_leader=self.people[m.lead_leader_id].key,
                    responsible_leader=self.people[m.responsible_leader_id].key,
                    department=self.departments[m.department_id].key,
                    responsible_person=self.people[m.responsible_person_id].key,
                    due=m.due,
                    checkpoint=m.checkpoint,
                )
                for m in self.measures.get(problem.id or 0, [])
            ),
        )

    def views(self) -> list[ProblemView]:
        return [self.view(p) for p in self.problems]

    def aspect_of(self, problem: Problem) -> Aspect:
        category = next(c for c in self.categories if c.id == problem.category_id)
        return next(a for a in self.aspects if a.id == category.aspect_id)

    def problem(self, ref: str) -> Problem:
        for problem in self.problems:
            if problem.ref == ref:
                return problem
        raise Refusal("unknown_problem", f"巡察 {self.inspection.id} 中没有编号为 {ref} 的问题")


def load_tree(session: Session, inspection: Inspection) -> InspectionTree:
    """One inspection's tree: aspects, categories, problems, measures, people, departments."""
    return load_trees(session, [inspection])[inspection.id]


def load_trees(session: Session, inspections: list[Inspection]) -> dict[str, InspectionTree]:
    """The trees of many inspections in six queries, however many measures they hold."""
    ids = [i.id for i in inspections]
    aspects = _grouped(
        session.exec(select(Aspect).where(Aspect.inspection_id.in_(ids)).order_by(Aspect.position)),
        lambda a: a.inspection_id,
    )
    inspection_of_aspect = {a.id: a.inspection_id for rows in aspects.values() for a in rows}
    categories = _grouped(
        session.exec(
            select(Category)
            .join(Aspect, Category.aspect_id == Aspect.id)
            .where(Aspect.inspection_id.in_(ids))
            .order_by(Aspect.position, Category.position)
        ),
        lambda c: inspection_of_aspect[c.aspect_id],
    )
    problems = _grouped(
        session.exec(
            select(Problem).where(Problem.inspection_id.in_(ids)).order_by(Problem.position)
        ),
        lambda p: p.inspection_id,
    )
    measures: dict[int, list[Measure]] = {}
    for m in session.exec(
        select(Measure)
        .join(Problem, Measure.problem_id == Problem.id)
        .where(Problem.inspection_id.in_(ids))
        .order_by(Measure.problem_id, Measure.position)
    ):
        measures.setdefault(m.problem_id, []).append(m)
    people = _grouped(
        session.exec(select(Person).where(Person.inspection_id.in_(ids))),
        lambda p: p.inspection_id,
    )
    departments = _grouped(
        session.exec(select(Department).where(Department.inspection_id.in_(ids))),
        lambda d: d.inspection_id,
    )
    return {
        i.id: InspectionTree(
            i,
            aspects.get(i.id, []),
            categories.get(i.id, []),
            problems.get(i.id, []),
            measures,
            {p.id: p for p in people.get(i.id, [])},
            {d.id: d for d in departments.get(i.id, [])},
        )
        for i in inspections
    }


def _grouped(rows, key) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(key(row), []).append(row)
    return out
