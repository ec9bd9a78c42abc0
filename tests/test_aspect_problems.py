"""Aspects that hold their problems directly (Binhai, seed 004: 方面 → "关于'…'的问题"):
the example imports as the seed counts it, and a file mixing or missing both is refused
with a located message."""

import pytest
import yaml
from sqlmodel import select

from models import Category, Measure, Problem, session_scope
from rectify.feedback.service import import_file
from tests.conftest import EXAMPLES

BINHAI = EXAMPLES / "binhai-2024.yaml"


def test_binhai_imports_as_the_seed_counts_it(db):
    outcome = import_file(BINHAI)
    assert outcome.done, outcome.errors
    with session_scope() as session:
        problems = session.exec(select(Problem).order_by(Problem.position)).all()
        categories = session.exec(select(Category)).all()
        measures = session.exec(select(Measure)).all()
    assert len(problems) == 16 and len(measures) == 41
    assert {c.title for c in categories} == {""}  # no invented categories
    assert len(categories) == 4  # one untitled group per aspect
    assert all(p.title.startswith("关于“") and p.title.endswith("”的问题") for p in problems)
    assert [p.ref for p in problems] == [str(i) for i in range(1, 17)]


def _one_aspect(aspect: dict) -> dict:
    data = yaml.safe_load(BINHAI.read_text(encoding="utf-8"))
    data["aspects"] = [aspect]
    return data


FIRST = yaml.safe_load(BINHAI.read_text(encoding="utf-8"))["aspects"][0]
BAD_DUE = {**FIRST["problems"][0]["measures"][0], "due": "2024-02-30"}
CASES = [
    # (aspect, located field in the error, words of the message)
    (
        {
            "title": "甲",
            "categories": [{"title": "乙", "problems": FIRST["problems"][:1]}],
            "problems": FIRST["problems"][1:2],
        },
        "aspects[0]",
        "give categories or problems, not both",
    ),
    ({"title": "甲"}, "aspects[0]", "the aspect has no problem"),
    (
        {"title": "甲", "problems": [{**FIRST["problems"][0], "measures": [BAD_DUE]}]},
        "aspects[0].problems[0].measures[0].due",
        "not a real date",
    ),
]


@pytest.mark.parametrize(("aspect", "where", "words"), CASES)
def test_aspect_with_problems_directly_is_checked(db, tmp_path, aspect, where, words):
    path = tmp_path / "feedback.yaml"
    path.write_text(yaml.safe_dump(_one_aspect(aspect), allow_unicode=True), encoding="utf-8")
    outcome = import_file(path)
    assert not outcome.done
    assert any(where in e and words in e for e in outcome.errors), outcome.errors
