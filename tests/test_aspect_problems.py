"""Aspects that hold their problems directly (Binhai, seed 004: 方面 → "关于'…'的问题"):
the example imports as the seed counts it, and a file mixing or missing both is refused
with a located message."""

import pytest
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from models import Category, Measure, Problem, session_scope
from rectify.cli import app
from rectify.feedback.service import import_file
from rectify.problems import service
from rectify.reports import progress_report_markdown
from rectify.runtime.simulation import load_scenario
from tests.conftest import EXAMPLES
from tests.test_import import ROW1, ROW2, ROW3, write_xlsx

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
        "categories 与 problems 只能二选一",
    ),
    ({"title": "甲"}, "aspects[0]", "这一方面没有任何问题"),
    (
        {"title": "甲", "problems": [{**FIRST["problems"][0], "measures": [BAD_DUE]}]},
        "aspects[0].problems[0].measures[0].due",
        "不是有效的日期",
    ),
]


@pytest.mark.parametrize(("aspect", "where", "words"), CASES)
def test_aspect_with_problems_directly_is_checked(db, tmp_path, aspect, where, words):
    path = tmp_path / "feedback.yaml"
    path.write_text(yaml.safe_dump(_one_aspect(aspect), allow_unicode=True), encoding="utf-8")
    outcome = import_file(path)
    assert not outcome.done
    assert any(where in e and words in e for e in outcome.errors), outcome.errors


def test_binhai_scenario_events_give_the_demo_report(db):
    """The demo's events through the same rules as the commands (no flow runs here): the
    expected figures of the scenario's header and a report of "4个方面16个问题"."""
    scenario = load_scenario(EXAMPLES / "binhai-scenario.yaml")
    assert import_file(scenario.feedback_path).done
    refused = []
    for event in scenario.events:
        outcome = service.act(scenario.inspection_id, event.action, event.at)
        if not outcome.done:
            refused.append((event.kind, getattr(event.action, "problem", None), event.action.by))
    assert refused == [("extend", "3", "secretary")]  # on purpose: only the office extends
    until = scenario.until.date()
    with session_scope() as session:
        figures = service.status(scenario.inspection_id, until, session=session)
        report = progress_report_markdown(scenario.inspection_id, until, session=session)
    counts = ("closed", "long_term", "in_progress", "reopened", "not_started", "overdue")
    assert {k: figures[k] for k in counts} == {
        "closed": 9,
        "long_term": 3,
        "in_progress": 3,
        "reopened": 1,
        "not_started": 0,
        "overdue": 3,
    }
    assert [r["ref"] for r in figures["items"] if r["overdue"]] == ["3", "9", "11"]
    assert "巡察反馈的4个方面16个问题，已完成整改9个，需长期整改3个，正在推进整改4个。" in report
    assert "联系电话：022-65369880" in report


XLSX_CASES = [
    # (rows, imported, words in the output)
    ([ROW1[:1] + (None,) + ROW1[2:], ROW3], True, "2 个方面，2 个问题，2 项整改措施"),
    (
        [ROW1, ROW2[:1] + (None,) + ROW2[2:3] + ("另一标题",) + ROW2[4:]],
        False,
        "categories 与 problems 只能二选一",
    ),
    (
        [ROW1[:1] + (None,) + ROW1[2:], ROW1[:1] + (None, "1", "另一标题") + ROW1[4:]],
        False,
        "工作表 ledger，第 3 行，D 列（问题）",
    ),
]


@pytest.mark.parametrize(("rows", "imported", "words"), XLSX_CASES)
def test_xlsx_rows_without_a_category_hold_problems_directly(db, tmp_path, rows, imported, words):
    path = tmp_path / "ledger.xlsx"
    write_xlsx(path, rows)
    result = CliRunner().invoke(app, ["import", str(path)])
    assert (result.exit_code == 0) == imported, result.output
    assert words in result.output
