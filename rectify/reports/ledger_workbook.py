"""The Excel ledger round trip (台账): export for departments to fill in progress, then import
what they wrote — shown first, applied all or nothing.

The exported sheet ``台账`` has locked columns (what the plan says) and marked columns to fill
in (``进展情况（填写）``, ``支撑材料（填写）``, ``报送人（填写）``, ``进展日期（填写）``); both come from
the one column table in ``ledger_sheet``. A hidden sheet ``_export`` keeps the locked values as
exported, so an edit of a locked column is found even if the database has moved on since.

openpyxl is imported inside the functions that use it, to keep the command line fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session

from rectify.audit.guard import Attempt, audited
from rectify.core.clock import parse_instant
from rectify.core.errors import Refusal
from rectify.core.inputs import CellBudget, InputRefused, check_archive
from rectify.core.messages import line, located, show
from rectify.core.punctuation import full_width
from rectify.problems.actions import Progress, perform
from rectify.problems.tree import get_inspection
from rectify.reports.history import history_as_of
from rectify.reports.ledger_sheet import WORKBOOK_COLUMNS, LedgerLine, ledger_lines

SHEET = "台账"
EXPORT_SHEET = "_export"
HEADER = [c.workbook[0] for c in WORKBOOK_COLUMNS]  # the locked columns, then those to fill in
KEYS = [c.key for c in WORKBOOK_COLUMNS]
LOCKED = [c.workbook[0] for c in WORKBOOK_COLUMNS if not c.to_fill]
EDITABLE = [c.workbook[0] for c in WORKBOOK_COLUMNS if c.to_fill]
FILL_COLOR = "FFF2CC"


def workbook_row(line: LedgerLine) -> list[Any]:
    """A measure's locked values as exported: 整改时限 as YYYY-MM-DD or "长期整改"."""
    if isinstance(line.due, dt.date):
        line = replace(line, due=line.due.isoformat())
    return [getattr(line, key) for key in KEYS[: len(LOCKED)]]


def export_ledger(
    inspection_id: str | None, as_of: dt.date, path: Path, *, session: Session
) -> int:
    """Write the ledger as of ``as_of``; returns the number of measure rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    history = history_as_of(session, inspection_id, as_of)
    rows = [workbook_row(line) for line in ledger_lines(session, history) if line.key]
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell, column in zip(ws[1], WORKBOOK_COLUMNS, strict=True):
        if column.to_fill:
            cell.fill = PatternFill("solid", fgColor=FILL_COLOR)
    for row in rows:
        ws.append(row + [None] * len(EDITABLE))
    ws.freeze_panes = "C2"
    for index, column in enumerate(WORKBOOK_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.workbook[1]
    ws.column_dimensions["A"].hidden = True
    original = book.create_sheet(EXPORT_SHEET)
    for row in rows:
        original.append(row)
    original.sheet_state = "hidden"
    book.save(path)
    return len(rows)


@dataclass
class LedgerChange:
    """One row's progress update (整改进展) to record."""

    row: int
    problem: str
    by: str
    at: dt.datetime
    text: str
    evidence: list[str]


@dataclass
class LedgerPlan:
    """What an import would do, or why it cannot."""

    file: str
    inspection_id: str | None = None
    changes: list[LedgerChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class FilledRow:
    """One row of the filled-in sheet, its values by column key."""

    path: Path
    number: int
    values: dict[str, Any]

    def error(self, key: str, message: str) -> str:
        """``message`` located at the row's cell in column ``key``."""
        return located(str(self.path), cell(self.number, KEYS.index(key) + 1), "", message)

    def text(self, key: str) -> str:
        """The cell's value as text, stripped; a date as YYYY-MM-DD."""
        return _norm(self.values[key])


def cell(row: int, col: int) -> str:
    """A cell of the sheet, as error lines name it: ``工作表 台账，第 3 行，J 列（整改时限）``."""
    from openpyxl.utils import get_column_letter

    return f"工作表 {SHEET}，{line(row)}，{get_column_letter(col)} 列（{HEADER[col - 1]}）"


def read_ledger(path: Path, *, session: Session, default_by: str | None = None) -> LedgerPlan:
    """Compare a filled-in ledger with what was exported; nothing is written. A workbook past
    the input limits (size, unpacked size, rows and cells) is refused, streamed, never
    loaded whole."""
    plan = LedgerPlan(str(path))
    budget = CellBudget(path)
    try:
        book = _open_ledger(path, plan, budget)
        if book is None:
            return plan
        try:
            _compare(book, plan, budget, session=session, default_by=default_by)
        finally:
            book.close()
    except InputRefused as exc:
        plan.errors.append(str(exc))
    return plan


def _compare(book, plan: LedgerPlan, budget: CellBudget, *, session: Session, default_by) -> None:
    """Each filled-in row of the ledger against its exported locked values."""
    exported = {
        row[0]: list(row) + [None] * (len(LOCKED) - len(row))
        for row in budget.rows(book[EXPORT_SHEET])
        if row and row[0]
    }
    keys = list(exported)
    inspection = get_inspection(session, keys[0].split(":")[0] if keys else None)
    plan.inspection_id = inspection.id
    seen: set[str] = set()
    for number, cells in enumerate(budget.rows(book[SHEET], min_row=2), start=2):
        if not any(v not in (None, "") for v in cells):
            continue
        values = list(cells) + [None] * (len(HEADER) - len(cells))
        row = FilledRow(Path(plan.file), number, dict(zip(KEYS, values, strict=False)))
        key = row.values["key"]
        if key not in exported or key in seen:
            plan.errors.append(row.error("key", f"未知或重复的行 {show(key)}：不能增加或复制行"))
            continue
        seen.add(key)
        plan.errors += _locked_edits(row, exported[key])
        _read_progress(plan, row, default_by=default_by, tz=inspection.timezone)


def _open_ledger(path: Path, plan: LedgerPlan, budget: CellBudget):
    """The workbook (read-only, streamed) if it is a ledger as exported, with its header row
    intact; else None and the reason in ``plan.errors``."""
    from openpyxl import load_workbook

    check_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a broken or foreign file
        plan.errors.append(located(str(path), "", "", f"不是可读取的 XLSX 工作簿（{exc}）"))
        return None
    if SHEET not in book or EXPORT_SHEET not in book:
        book.close()
        why = f"不是由 rectify ledger export 导出的台账（应有工作表 {SHEET} 和 {EXPORT_SHEET}）"
        plan.errors.append(located(str(path), "", "", why))
        return None
    first = next(budget.rows(book[SHEET], min_row=1, max_row=1), ())
    header = [full_width(str(v or "")) for v in first]  # exported with "(填写)" before
    if header[: len(HEADER)] != HEADER:
        book.close()
        col = next(
            i for i, name in enumerate(HEADER, start=1) if i > len(header) or header[i - 1] != name
        )
        plan.errors.append(located(str(path), cell(1, col), "", "表头被改动"))
        return None
    return book


def _locked_edits(row: FilledRow, exported: list[Any]) -> list[str]:
    """An error for each locked column whose value differs from the exported one."""
    return [
        row.error(
            key,
            f"锁定列 {name} 被改动（{show(_norm(exported[col]) or None)} → "
            f"{show(_norm(row.values[key]) or None)}）",
        )
        for col, (key, name) in enumerate(zip(KEYS, LOCKED, strict=False))
        if _norm(row.values[key]) != _norm(exported[col])
    ]


def _read_progress(plan: LedgerPlan, row: FilledRow, *, default_by: str | None, tz: str) -> None:
    """The row's filled-in progress as a change, or why it cannot be one; nothing if empty."""
    text = row.text("fill_text")
    evidence = [
        e.strip()
        for e in row.text("fill_evidence").replace(",", ",").replace("\n", ",").split(",")
        if e.strip()
    ]
    by = row.text("fill_by") or default_by or ""
    when = row.values["fill_date"]
    if not text:
        if evidence or row.text("fill_by") or when:
            plan.errors.append(
                row.error("fill_text", "支撑材料、报送人或日期已填，进展情况却是空的")
            )
        return
    if not by:
        plan.errors.append(row.error("fill_by", "未填报送人：请填写人员编号，或导入时加 --by"))
        return
    try:
        at = parse_instant(
            when.date()
            if isinstance(when, dt.datetime)
            else (None if when in (None, "") else when),
            tz,
        )
    except (ValueError, TypeError):
        why = f"不是有效的日期：{show(_norm(when))}（应为 YYYY-MM-DD）"
        plan.errors.append(row.error("fill_date", why))
        return
    _, problem, position = row.values["key"].split(":")
    plan.changes.append(
        LedgerChange(row.number, problem, by, at, f"措施{int(position) + 1}：{text}", evidence)
    )


def _norm(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def apply_ledger(plan: LedgerPlan) -> list[str]:
    """Apply every change through the rules in one transaction, audited as ``ledger_import``
    (台账导入): if any row is refused, none is applied, and the refusals are returned (and
    audited with the code ``refused_rows``)."""
    if not plan.changes:
        return []
    refusals: list[str] = []

    def work(session: Session) -> tuple[str, None]:
        inspection = get_inspection(session, plan.inspection_id)
        for change in plan.changes:
            action = Progress(
                by=change.by, problem=change.problem, text=change.text, evidence=change.evidence
            )
            outcome = perform(session, inspection, action, change.at)
            if not outcome.done:
                where = f"工作表 {SHEET}，{line(change.row)}"
                why = f"拒绝（{outcome.code}）：{outcome.message}"
                refusals.append(located(plan.file, where, "", why))
        if refusals:
            raise Refusal("refused_rows", "\n".join(refusals))
        return f"已记录{len(plan.changes)}条整改进展", None

    attempt = Attempt(
        "ledger_import", inspection_id=plan.inspection_id, subject=Path(plan.file).name
    )
    outcome, _ = audited(attempt, work, at=plan.changes[0].at)
    if not outcome.done and not refusals:  # the inspection itself is gone
        return [located(plan.file, "", "", f"拒绝（{outcome.code}）：{outcome.message}")]
    return refusals
