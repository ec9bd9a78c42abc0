"""A synthetic province for the benchmarks: units under 11 cities, each inspected with 40
problems of 3 measures and 10 people, imported through the engine's own importer, plans
approved through its own actions, and a progress history on a third of the problems.

    build(units, home) -> the RECTIFY_HOME holding the database (built once, then copied)
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import yaml

PROBLEMS = 40
MEASURES = 3
PEOPLE = 10
CITIES = 11
FEEDBACK = dt.date(2024, 6, 27)
APPROVED = dt.datetime(2024, 8, 20, 2, 0, tzinfo=dt.UTC)
# The dispatch the benchmarks time: the morning of 16 December 2024.
DISPATCH_AT = dt.datetime(2024, 12, 16, 1, 0, tzinfo=dt.UTC)


def unit_name(n: int) -> tuple[str, str]:
    city = n % CITIES + 1
    return f"第{city}市第{n // CITIES + 1}县单位{n:03d}党组", f"第{city}市委"


def feedback(n: int, rng: random.Random, contact: str | None) -> dict:
    unit, parent = unit_name(n)
    roles = [["leader"], ["deputy"], ["deputy"], ["office", "reviewer"]] + [
        [] for _ in range(PEOPLE - 4)
    ]
    people = [
        {
            "id": f"p{i}",
            "name": f"单位{n:03d}人员{i}",
            "roles": role,
            "contacts": [contact.format(person=f"u{n}-p{i}")] if contact else [],
        }
        for i, role in enumerate(roles)
    ]
    departments = [{"id": f"d{i}", "name": f"第{i}科", "head": f"p{i + 4}"} for i in range(6)]
    problems = []
    for p in range(PROBLEMS):
        measures = []
        for m in range(MEASURES):
            k = (p * MEASURES + m) % 6
            measure = {
                "text": f"问题{p + 1}整改措施{m + 1}",
                "lead_leader": "p0",
                "responsible_leader": f"p{1 + k % 2}",
                "department": f"d{k}",
                "responsible_person": f"p{4 + k}",
            }
            if rng.random() < 0.05:
                measure |= {"due": "long_term", "checkpoint": dt.date(2025, 6, 30)}
            else:
                measure["due"] = dt.date(2024, 10, 1) + dt.timedelta(days=rng.randrange(180))
            measures.append(measure)
        problems.append({"ref": str(p + 1), "title": f"问题{p + 1}", "measures": measures})
    aspects = [
        {
            "title": f"方面{a + 1}",
            "categories": [
                {"title": f"方面{a + 1}类别1", "problems": problems[a * 10 : a * 10 + 10]}
            ],
        }
        for a in range(PROBLEMS // 10)
    ]
    return {
        "inspection": {
            "id": f"prov-u{n:03d}",
            "round": "省委第一轮巡察",
            "group": f"省委巡察{n % CITIES + 1}组",
            "unit": unit,
            "parent_unit": parent,
            "kind": "regular",
            "onsite": {"start": dt.date(2024, 3, 1), "end": dt.date(2024, 4, 30)},
            "feedback_date": FEEDBACK,
        },
        "people": people,
        "departments": departments,
        "aspects": aspects,
    }


class _NoAnchors(yaml.SafeDumper):
    """Writes a value met twice in full each time: the importer refuses YAML anchors."""

    def ignore_aliases(self, data) -> bool:
        return True


def build(units: int, home: Path, *, contact: str | None = None, seed: int = 1) -> Path:
    """Import ``units`` inspections into the database under ``home`` (kept between runs)."""
    marker = home / "built"
    if marker.exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    os.environ["RECTIFY_HOME"] = str(home)
    os.environ.pop("RECTIFY_DATABASE_URL", None)
    from sqlmodel import select

    from models import Problem, ProgressUpdate, reset_engine, session_scope
    from rectify.core.settings import reset_settings
    from rectify.feedback.service import import_file
    from rectify.problems.actions import ApprovePlan
    from rectify.problems.service import act

    reset_settings()
    reset_engine()
    rng = random.Random(seed)
    files = home / "feedback"
    files.mkdir()
    for n in range(units):
        path = files / f"u{n:03d}.yaml"
        path.write_text(yaml.dump(feedback(n, rng, contact), Dumper=_NoAnchors, allow_unicode=True))
        outcome = import_file(path, at=APPROVED - dt.timedelta(days=30))
        if not outcome.done:
            raise SystemExit("\n".join(outcome.errors))
        act(f"prov-u{n:03d}", ApprovePlan(by="p0", meeting="党组会"), APPROVED)
    with session_scope() as session:  # history: a third of the problems reported progress
        for problem in session.exec(select(Problem)):
            if rng.random() < 1 / 3:
                at = APPROVED + dt.timedelta(days=rng.randrange(110))
                session.add(
                    ProgressUpdate(problem_id=problem.id, at=at, by="p4", text="按计划推进")
                )
    reset_engine()
    marker.write_text("ok")
    return home
