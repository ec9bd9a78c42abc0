"""The Excel ledger round trip (台账): export for departments to fill in progress, then import
what they wrote — shown first, applied all or nothing.

The exported sheet ``台账`` has locked columns (what the plan says) and marked columns to fill
in (``进展情况(填写)``, ``支撑材料(填写)``, ``报送人(填写)``, ``进展日期(填写)``). A hidden sheet
``_export`` keeps the locked values as exported, so an edit of a locked column is found even if
the database has moved on since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from models import session_scope
from rectify.audit.log import record
from rectify.core.clock import parse_instant
from rectify.core.states import STATE_LABELS
from rectify.problems.actions import Progress, perform
from rectify.problems.snapshots import snapshot
from rectify.problems.tree import get_inspection

SHEET = "台账"
LOCKED = [
    "行号",
    "问题编号",
    "方面",
    "问题",
    "整改措施",
    "牵头领导",
    "责任领导",
    "责任科室",
    "责任人",
    "整改时限",
    "状态",
    "最新进展",
]
EDITABLE = ["进展情况(填写)", "支撑材料(填写)", "报送人(填写)", "进展日期(填写)"]
FILL = PatternFill("solid", fgColor="FFF2CC")


def export_ledger(inspection_id: str | None, as_of: dt.date, path: Path) -> int:
    """Write the ledger as of ``as_of``; returns the number of measure rows."""
    with session_scope() as session:
        inspection = get_inspection(session, inspection_id)
        snap = snapshot(session, inspection, as_of)
        tree = snap.tree
        rows = []
        for problem, view in zip(tree.problems, snap.problems, strict=True):
            aspect = tree.aspect_of(problem)
            latest = snap.last_progress.get(view.ref, (None, ""))[1]
            for m, mv in zip(tree.measures.get(problem.id, []), view.measures, strict=True):
                rows.append(
                    [
                        f"{inspection.id}:{view.ref}:{m.position}",
                        view.ref,
                        aspect.title,
                        view.title,
                        m.text,
                        tree.people[m.lead_leader_id].name,
                        tree.people[m.responsible_leader_id].name,
                        tree.departments[m.department_id].name,
                        tree.people[m.responsible_person_id].name,
                        mv.due.isoformat() if mv.due else "长期整改",
                        STATE_LABELS[view.state],
                        latest,
                    ]
                )
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws.append(LOCKED + EDITABLE)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for col in range(len(LOCKED) + 1, len(LOCKED) + len(EDITABLE) + 1):
        ws.cell(row=1, column=col).fill = FILL
    for row in rows:
        ws.append(row + [None] * len(EDITABLE))
    ws.freeze_panes = "C2"
    for i, width in enumerate(
        [22, 8, 24, 24, 36, 12, 12, 12, 12, 12, 10, 30, 36, 20, 12, 14], start=1
    ):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.column_dimensions["A"].hidden = True
    original = book.create_sheet("_export")
    for row in rows:
        original.append(row)
    original.sheet_state = "hidden"
    book.save(path)
    return len(rows)


@dataclass
class LedgerChange:
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


def read_ledger(path: Path, *, default_by: str | None = None) -> LedgerPlan:
    """Compare a filled-in ledger with what was exported; nothing is written."""
    plan = LedgerPlan(str(path))
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # a broken or foreign file
        plan.errors.append(f"{path}: not a readable XLSX workbook: {exc}")
        return plan
    if SHEET not in book or "_export" not in book:
        plan.errors.append(
            f"{path}: not a ledger exported by `rectify ledger export` (sheets {SHEET}, _export)"
        )
        return plan
    ws = book[SHEET]
    header = [str(c.value or "") for c in ws[1]]
    if header[: len(LOCKED) + len(EDITABLE)] != LOCKED + EDITABLE:
        col = next(
            i
            for i, name in enumerate(LOCKED + EDITABLE, start=1)
            if i > len(header) or header[i - 1] != name
        )
        plan.errors.append(
            f"{path}:sheet {SHEET}, row 1, column {get_column_letter(col)} "
            f"({(LOCKED + EDITABLE)[col - 1]}): the header row was changed"
        )
        return plan
    exported = {
        row[0]: list(row) + [None] * (len(LOCKED) - len(row))
        for row in book["_export"].iter_rows(values_only=True)
        if row and row[0]
    }
    with session_scope() as session:
        keys = list(exported)
        inspection_id = keys[0].split(":")[0] if keys else None
        inspection = get_inspection(session, inspection_id)
        plan.inspection_id = inspection.id
        tz = inspection.timezone
    seen: set[str] = set()
    for row_no, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if not any(v not in (None, "") for v in cells):
            continue
        values = list(cells) + [None] * (len(LOCKED) + len(EDITABLE) - len(cells))
        key = values[0]

        def where(col: int, row_no: int = row_no) -> str:
            return f"{path}:sheet {SHEET}, row {row_no}, column {get_column_letter(col + 1)} ({header[col]})"

        if key not in exported or key in seen:
            plan.errors.append(
                f"{where(0)}: unknown or repeated row {key!r}; rows cannot be added or copied"
            )
            continue
        seen.add(key)
        for col, name in enumerate(LOCKED):
            if _norm(values[col]) != _norm(exported[key][col]):
                plan.errors.append(
                    f"{where(col)}: locked column {name} was edited ({exported[key][col]!r} → {values[col]!r})"
                )
        text = _norm(values[len(LOCKED)])
        evidence = [
            e.strip()
            for e in _norm(values[len(LOCKED) + 1]).replace(",", ",").replace("\n", ",").split(",")
            if e.strip()
        ]
        by = _norm(values[len(LOCKED) + 2]) or default_by or ""
        when = values[len(LOCKED) + 3]
        if not text:
            if evidence or _norm(values[len(LOCKED) + 2]) or when:
                plan.errors.append(
                    f"{where(len(LOCKED))}: 支撑材料、报送人或日期已填,进展情况却是空的"
                )
            continue
        if not by:
            plan.errors.append(
                f"{where(len(LOCKED) + 2)}: who reports this progress? (a person id, or --by)"
            )
            continue
        try:
            at = parse_instant(
                when.date()
                if isinstance(when, dt.datetime)
                else (None if when in (None, "") else when),
                tz,
            )
        except (ValueError, TypeError):
            plan.errors.append(
                f"{where(len(LOCKED) + 3)}: not a real date {when!r} (expected YYYY-MM-DD)"
            )
            continue
        measure_no = int(key.split(":")[2]) + 1
        plan.changes.append(
            LedgerChange(row_no, key.split(":")[1], by, at, f"措施{measure_no}:{text}", evidence)
        )
    return plan


def _norm(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def apply_ledger(plan: LedgerPlan) -> list[str]:
    """Apply every change through the rules in one transaction; if any is refused, none is
    applied and the refusals are returned (and audited)."""
    refusals: list[str] = []

    class Refused(Exception):
        pass

    try:
        with session_scope() as session:
            inspection = get_inspection(session, plan.inspection_id)
            for change in plan.changes:
                action = Progress(
                    by=change.by, problem=change.problem, text=change.text, evidence=change.evidence
                )
                outcome = perform(session, inspection, action, change.at)
                if not outcome.done:
                    refusals.append(
                        f"{plan.file}:sheet {SHEET}, row {change.row}: refused ({outcome.code}): {outcome.message}"
                    )
            if refusals:
                raise Refused
    except Refused:
        with session_scope() as session:
            record(
                session,
                at=plan.changes[0].at,
                action="ledger_import",
                outcome="refused",
                inspection_id=plan.inspection_id,
                subject=Path(plan.file).name,
                code="refused_rows",
                reason="\n".join(refusals),
            )
    return refusals
