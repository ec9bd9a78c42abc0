"""The Excel ledger round trip: export, fill in with openpyxl, import (shown, then applied
all or nothing), and the refusals a department's mistakes get."""

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from rectify.cli import app
from tests.conftest import EXAMPLES, dump_database

runner = CliRunner()
COL = {"key": 1, "due": 10, "progress": 13, "evidence": 14, "by": 15, "date": 16}


@pytest.fixture
def exported(db, tmp_path):
    assert runner.invoke(app, ["import", str(EXAMPLES / "wulong-2023.yaml")]).exit_code == 0
    path = tmp_path / "ledger.xlsx"
    result = runner.invoke(app, ["ledger", "export", "--out", str(path), "--as-of", "2023-08-15"])
    assert result.exit_code == 0, result.output
    assert "68 项整改措施" in result.output
    return path


def fill(path, edits):
    book = load_workbook(path)
    ws = book["台账"]
    for (row, col), value in edits.items():
        ws.cell(row=row, column=COL[col], value=value)
    book.save(path)


def status(as_of="2023-08-31"):
    return json.loads(runner.invoke(app, ["status", "--json", "--as-of", as_of]).output)


def test_round_trip_records_progress(exported):
    book = load_workbook(exported)
    ws = book["台账"]
    assert ws.cell(row=1, column=COL["progress"]).value == "进展情况（填写）"
    assert ws.cell(row=2, column=2).value == "1" and ws.cell(row=2, column=9).value  # a name
    second = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value == "2")
    fill(
        exported,
        {
            (2, "progress"): "已召开党组会专题学习",
            (2, "evidence"): "纪要-0816.pdf, 签到表.pdf",
            (2, "by"): "office_head",
            (2, "date"): "2023-08-16",
            (second, "progress"): "已制定学习计划",
            (second, "date"): "2023-08-17",
        },
    )
    preview = runner.invoke(app, ["ledger", "import", str(exported), "--by", "office_head"])
    assert preview.exit_code == 0, preview.output
    assert "共 2 处改动" in preview.output and "第 2 行：问题1" in preview.output
    assert status()["in_progress"] == 0  # shown, not applied
    applied = runner.invoke(
        app, ["ledger", "import", str(exported), "--by", "office_head", "--apply"]
    )
    assert applied.exit_code == 0, applied.output
    s = status()
    assert s["in_progress"] == 2 and s["not_started"] == 29
    shown = runner.invoke(app, ["show", "1"]).output
    assert (
        "措施1：已召开党组会专题学习" in shown
        and "纪要-0816.pdf" in shown
        and "签到表.pdf" in shown
    )
    assert "2023-08-16" in shown


def test_locked_column_unknown_row_and_bad_date_are_refused_with_row_and_column(exported):
    before = dump_database()
    fill(
        exported,
        {
            (3, "due"): "2023-12-31",  # a locked column
            (5, "key"): "wulong-2023-r3:99:0",  # an unknown row
            (6, "progress"): "已整改",
            (6, "by"): "office_head",
            (6, "date"): "2023-02-30",
        },
    )
    result = runner.invoke(app, ["ledger", "import", str(exported), "--apply"])
    assert result.exit_code == 1
    out = result.output
    sheet = f"{exported}:工作表 台账，"
    locked = "锁定列 整改时限 被改动（“2023-09-30” → “2023-12-31”）"
    assert f"{sheet}第 3 行，J 列（整改时限）：{locked}" in out
    assert f"{sheet}第 5 行，A 列（行号）：未知或重复的行 “wulong-2023-r3:99:0”" in out
    assert f"{sheet}第 6 行，P 列（进展日期（填写））：不是有效的日期：“2023-02-30”" in out
    assert dump_database() == before


def test_a_refused_row_refuses_the_whole_import(exported):
    before = {k: v for k, v in dump_database().items() if k != "auditevent"}
    fill(
        exported,
        {
            (2, "progress"): "已学习",
            (2, "by"): "office_head",
            (2, "date"): "2023-08-16",
            (3, "progress"): "已学习",
            (3, "by"): "nobody",
            (3, "date"): "2023-08-16",
        },
    )
    result = runner.invoke(app, ["ledger", "import", str(exported), "--apply"])
    assert result.exit_code == 1
    assert f"{exported}:工作表 台账，第 3 行：拒绝（unknown_person）：" in result.output
    after = dump_database()
    assert {k: v for k, v in after.items() if k != "auditevent"} == before
    assert any("ledger_import" in e and "refused" in e for e in after["auditevent"])
