"""No input can hang or crash the engine: every file it reads is refused, with its place, when
it is too large on disk or unpacked, holds too many nodes, rows or cells, nests too deep, or
is YAML with anchors and aliases (a "billion laughs" file); and an audit row that cannot be
read is named as tampered, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from models import get_engine, session_scope
from rectify.cli import app
from rectify.clues.file import read_clue_file
from rectify.core.calendar import read_year_file
from rectify.core.settings import reset_settings
from rectify.feedback.validate import FeedbackErrors, load_feedback
from rectify.intake.reading import read_document
from rectify.problems import service
from rectify.problems.actions import ApprovePlan, Progress
from rectify.reports.ledger_workbook import EXPORT_SHEET, HEADER, SHEET, read_ledger
from rectify.runtime.simulation import load_scenario
from tests.conftest import POSTGRES_URL, dump_database

runner = CliRunner()


def alias_bomb() -> str:
    """Nine levels of nine aliases: 9⁹ (387 million) strings once expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _ledger(path: Path) -> str:
    with session_scope() as session:
        return "\n".join(read_ledger(path, session=session).errors)


# Every reader of a file, and how it tells a refusal: the text a user reads.
READERS = {
    "feedback": lambda p: load_feedback(p),
    "scenario": lambda p: load_scenario(p),
    "clue file": lambda p: read_clue_file(p),
    "holiday file": lambda p: read_year_file(p),
    "outline document": lambda p: read_document(p),
    "ledger": _ledger,
}


def refusal(reader: str, path: Path) -> str:
    """What ``reader`` says of ``path``; it must refuse, with an error the command line
    prints (never another exception)."""
    try:
        said = READERS[reader](path)
    except Exception as exc:  # every reader's own error type
        return "\n".join(getattr(exc, "errors", [str(exc)]))
    assert isinstance(said, str) and said, f"{reader} read {path.name} without refusing it"
    return said


def limit(monkeypatch, name: str, value: int) -> None:
    monkeypatch.setenv(f"RECTIFY_{name}", str(value))
    reset_settings()


@pytest.mark.parametrize(
    ("reader", "name", "where"),
    [
        ("feedback", "bomb.yaml", "第 1 行，字段 a"),
        ("scenario", "scenario.yaml", "第 1 行，字段 a"),
        ("clue file", "clues.yaml", "第 1 行，字段 a"),
        ("holiday file", "2027.yaml", "第 1 行，字段 a"),
    ],
)
def test_every_yaml_reader_refuses_an_alias_bomb_with_its_place(db, tmp_path, reader, name, where):
    path = tmp_path / name
    path.write_text(alias_bomb(), encoding="utf-8")
    assert path.stat().st_size < 1024
    said = refusal(reader, path)
    assert where in said and "不接受 YAML 锚点和别名（&a）" in said


def test_an_anchor_deep_in_a_holiday_file_is_named_by_line_and_field(tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text(
        "year: 2027\nholidays:\n  - &d {date: 2027-01-01}\nworkdays:\n  - *d\n", encoding="utf-8"
    )
    said = refusal("holiday file", path)
    assert "第 3 行，字段 holidays[0]" in said and "&d" in said


def _sparse(path: Path) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # 200 MB on paper, nothing on disk
    return path


@pytest.mark.parametrize(
    ("reader", "name"),
    [
        ("feedback", "big.yaml"),
        ("feedback", "big.json"),
        ("feedback", "big.xlsx"),
        ("scenario", "big.yaml"),
        ("clue file", "big.yaml"),
        ("holiday file", "big.yaml"),
        ("outline document", "big.txt"),
        ("outline document", "big.docx"),
        ("ledger", "big.xlsx"),
    ],
)
def test_every_reader_refuses_a_200_mb_file_unread(db, tmp_path, reader, name):
    said = refusal(reader, _sparse(tmp_path / name))
    assert "文件过大（200.0 MB），上限为 10.0 MB" in said


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    return path


@pytest.mark.parametrize(
    ("reader", "name"),
    [("feedback", "bomb.xlsx"), ("ledger", "bomb.xlsx"), ("outline document", "bomb.docx")],
)
def test_a_package_that_unpacks_past_the_limit_is_refused(db, tmp_path, monkeypatch, reader, name):
    limit(monkeypatch, "MAX_UNPACKED_BYTES", 1_000_000)
    path = _zip_bomb(tmp_path / name)
    assert path.stat().st_size < 10_000
    assert "解压后过大（1.9 MB），上限为 1.0 MB" in refusal(reader, path)


def _workbook(path: Path, sheets: dict[str, list[list]], far_cell: bool = False) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    if far_cell:  # one cell at the sheet's last row and column: a million rows declared
        book.worksheets[0].cell(row=1_048_576, column=16_384, value="x")
    book.save(path)
    return path


ROWS = [[f"r{i}", "x"] for i in range(250)]
FEEDBACK = {name: ROWS for name in ("inspection", "people", "departments", "ledger")}
LEDGER = {SHEET: [HEADER], EXPORT_SHEET: ROWS}


@pytest.mark.parametrize(
    ("reader", "sheets", "far_cell", "said"),
    [
        ("feedback", FEEDBACK, True, "工作表 inspection：声明的范围 1048576 行 × 16384 列"),
        ("ledger", LEDGER, True, f"工作表 {SHEET}：声明的范围 1048576 行 × 16384 列"),
        ("feedback", FEEDBACK, False, "工作表 people，第 1 行：内容过多"),
        ("ledger", LEDGER, False, f"工作表 {EXPORT_SHEET}，第 243 行：内容过多"),
    ],
)
def test_a_workbook_past_the_cell_limit_is_refused_by_sheet_and_row(
    db, tmp_path, monkeypatch, reader, sheets, far_cell, said
):
    limit(monkeypatch, "MAX_INPUT_NODES", 500)
    path = _workbook(tmp_path / "book.xlsx", sheets, far_cell)
    assert said in refusal(reader, path)


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("nodes.yaml", "items: [" + ", ".join(["1"] * 600) + "]\n", "内容过多（超过 500 项"),
        ("nodes.json", '{"items": [' + ", ".join(["1"] * 600) + "]}", "内容过多（超过 500 项"),
        ("deep.yaml", "[" * 200 + "]" * 200, "嵌套超过 64 层"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "嵌套层数过多"),
    ],
)
def test_too_many_nodes_or_too_deep_a_file_is_refused(db, tmp_path, monkeypatch, name, text, said):
    limit(monkeypatch, "MAX_INPUT_NODES", 500)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert said in refusal("feedback", path)


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("bomb.yaml", lambda p: p.write_text(alias_bomb(), encoding="utf-8"), "锚点和别名"),
        ("big.yaml", _sparse, "文件过大"),
    ],
)
def test_rectify_import_refuses_at_once_and_writes_only_its_refusal(db, tmp_path, name, make, said):
    path = tmp_path / name
    make(path)
    before = dump_database()
    run = subprocess.run(
        [sys.executable, "-c", "from rectify.cli import app; app()", "import", str(path)],
        capture_output=True,
        text=True,
        timeout=30,  # a safety net only: the time is measured in benchmarks/inputs.py
        env=os.environ.copy(),
    )
    assert run.returncode == 1
    assert f"{path}" in run.stderr and said in run.stderr and "Traceback" not in run.stderr
    after = dump_database()
    audit = after.pop("auditevent")
    assert after == {k: v for k, v in before.items() if k != "auditevent"}
    assert len(audit) == len(before["auditevent"]) + 1 and "refused" in audit[-1]


@pytest.fixture
def logged(db, spec_file):
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    service.act(None, ApprovePlan(by="secretary"))
    service.act(None, Progress(by="office_head", problem="1", text="已纳入"))


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("UPDATE auditevent SET details = '{\"by\": ' WHERE id = 2", "details 不是有效的 JSON"),
        ("UPDATE auditevent SET details = '[1, 2]' WHERE id = 2", "details 不是 JSON 对象"),
        ("UPDATE auditevent SET hash = NULL WHERE id = 2", "hash 为空"),
        ("UPDATE auditevent SET at = 'yesterday noon' WHERE id = 2", "at 不是有效的时间"),
    ],
)
def test_audit_verify_names_an_unreadable_row_as_tampered(logged, sql, said):
    if POSTGRES_URL and ("details" in sql or "SET at" in sql):
        pytest.skip("PostgreSQL keeps only valid JSON and valid times in typed columns")
    from sqlalchemy import text

    with get_engine().begin() as conn:
        conn.execute(text(sql))
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"事件 #2：记录无法读取（{said}），已被篡改" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    # The listing shows the row when it can, or names it as the check does; never a traceback.
    listing = runner.invoke(app, ["audit"])
    assert "Traceback" not in listing.output
    assert listing.exception is None or isinstance(listing.exception, SystemExit)
    if said in ("details 不是有效的 JSON", "at 不是有效的时间"):  # the listing cannot read these
        assert listing.exit_code == 1
        assert f"事件 #2：记录无法读取（{said}），已被篡改" in listing.output
    else:
        assert "#2 " in listing.output


def test_a_character_yaml_does_not_accept_is_refused_at_its_line(tmp_path):
    """A NUL or another character YAML refuses, anywhere in the file: a located refusal."""
    path = tmp_path / "nul.yaml"
    path.write_text("inspection:\n  id: x\x00y\n", encoding="utf-8")
    with pytest.raises(FeedbackErrors) as refused:
        load_feedback(path)
    refusal = "nul.yaml:第 2 行：不是有效的 YAML：含有不允许的控制字符 #x0000"
    assert any(refusal in e for e in refused.value.errors), refused.value.errors
