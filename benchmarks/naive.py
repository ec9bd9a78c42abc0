"""The naive design the dispatch benchmark compares against: one Prefect task per measure,
each reading its own measure, problem and history, then digests built from the items.

It computes the same thing as the engine's dispatch digests for the responsible persons
(each measure's level on the dispatch day), so its cost is the per-item design's, not
different work.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, task
from sqlmodel import select

from models import Inspection, Measure, Person, Problem, ProgressUpdate, SignOff, session_scope
from rectify.core.clock import local_date
from rectify.notices.outbox import Outbox
from rectify.notices.planning import Digests, Item
from rectify.problems.rules.counting import replay
from rectify.problems.rules.escalation import escalation_level
from rectify.problems.rules.states import Transition
from rectify.problems.tree import load_calendar, policy_of


@task(name="measure-item")
def measure_item(measure_id: int, at: dt.datetime) -> dict | None:
    with session_scope() as session:
        measure = session.get(Measure, measure_id)
        problem = session.get(Problem, measure.problem_id)
        inspection = session.get(Inspection, problem.inspection_id)
        events = [
            (r.at, Transition.PROGRESS)
            for r in session.exec(
                select(ProgressUpdate).where(
                    ProgressUpdate.problem_id == problem.id, ProgressUpdate.at < at
                )
            )
        ] + [
            (r.at, Transition.SIGN_OFF)
            for r in session.exec(
                select(SignOff).where(SignOff.problem_id == problem.id, SignOff.at < at)
            )
        ]
        state = replay(t for _, t in sorted(events, key=lambda e: e[0]))
        today = local_date(at, inspection.timezone)
        level = escalation_level(measure.due, today, policy_of(inspection).reminder_pair)
        if state.value == "closed":
            return None
        return {
            "inspection": inspection.id,
            "to": session.get(Person, measure.responsible_person_id).key,
            "ref": problem.ref,
            "title": problem.title,
            "text": measure.text,
            "due": measure.due,
            "level": level,
        }


@flow(name="naive-dispatch")
def naive_dispatch(at: dt.datetime, measure_ids: list[int]) -> int:
    items = [measure_item(i, at) for i in measure_ids]
    digests: dict[str, Digests] = {}
    for item in filter(None, items):
        digests.setdefault(item["inspection"], Digests()).add(
            "dispatch",
            item["to"],
            "responsible_person",
            Item(item["ref"], item["title"], item["text"], item["due"], item["level"]),
        )
    with session_scope() as session:
        outbox = Outbox(session, load_calendar(session))
        for inspection_id, plans in digests.items():
            inspection = session.get(Inspection, inspection_id)
            people = session.exec(select(Person).where(Person.inspection_id == inspection_id))
            outbox.add(
                inspection,
                inspection.id,
                {p.key: p for p in people},
                plans.plans(),
                period="naive",
                at=at,
                today=local_date(at, inspection.timezone),
            )
        return len(outbox.flush())


def all_measure_ids() -> list[int]:
    with session_scope() as session:
        return list(session.exec(select(Measure.id).order_by(Measure.id)))
