"""The 整改台账 sheet: one table of its columns, the lines it lists (one per measure, as of a
date), and the XLSX report of it. The round-trip workbook for departments to fill in
(``ledger_workbook``) takes its columns and lines from here too.

openpyxl is imported inside the functions that write, to keep the command line fast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from sqlmodel import Session

from rectify.core.states import STATE_LABELS, ProblemState
from rectify.reports.history import History, closing_dates, history_as_of, progress_entries
from rectify.reports.progress import cn_date

LONG_TERM_DUE = "长期整改"


@dataclass(frozen=True)
class Column:
    """One column of the 台账: the ``LedgerLine`` field it shows, and its header and width in
    the XLSX report and in the round-trip workbook (None: not in that sheet). ``centred`` in
    the report; ``to_fill`` in the workbook: a yellow column departments fill in."""

    key: str
    report: tuple[str, float] | None
    workbook: tuple[str, float] | None
    centred: bool = False
    to_fill: bool = False


# fmt: off
COLUMNS = (
    #      field                 report            workbook
    Column("key",                None,             ("行号", 22)),
    Column("ref",                ("序号", 7),       ("问题编号", 8), centred=True),
    Column("aspect",             ("方面", 26),      ("方面", 24)),
    Column("problem",            ("问题", 30),      ("问题", 24)),
    Column("measure",            ("整改措施", 50),   ("整改措施", 36)),
    Column("lead_leader",        ("牵头领导", 12),   ("牵头领导", 12), centred=True),
    Column("responsible_leader", ("责任领导", 12),   ("责任领导", 12), centred=True),
    Column("department",         ("责任科室", 14),   ("责任科室", 12), centred=True),
    Column("responsible_person", ("责任人", 12),     ("责任人", 12), centred=True),
    Column("due",                ("整改时限", 13),   ("整改时限", 12), centred=True),
    Column("progress",           ("进展情况", 50),   None),
    Column("state",              ("状态", 14),      ("状态", 10), centred=True),
    Column("latest",             None,             ("最新进展", 30)),
    Column("closed_on",          ("销号日期", 13),   None, centred=True),
    Column("fill_text",          None,             ("进展情况（填写）", 36), to_fill=True),
    Column("fill_evidence",      None,             ("支撑材料（填写）", 20), to_fill=True),
    Column("fill_by",            None,             ("报送人（填写）", 12), to_fill=True),
    Column("fill_date",          None,             ("进展日期（填写）", 14), to_fill=True),
)
# fmt: on
REPORT_COLUMNS = [c for c in COLUMNS if c.report]
WORKBOOK_COLUMNS = [c for c in COLUMNS if c.workbook]
LEDGER_COLUMNS = [c.report[0] for c in REPORT_COLUMNS]


@dataclass(frozen=True)
class LedgerLine:
    """One measure (整改措施) with its problem, as of a date; a problem without measures has
    one line with no measure (the measure's fields None). ``progress`` is every progress update,
    ``latest`` the last one's text; ``closed_on`` the sign-off date while closed; ``due`` a
    date or "长期整改"; ``key`` names the measure in the round-trip workbook."""

    ref: str
    aspect: str
    problem: str
    progress: str
    state: str
    latest: str
    closed_on: dt.date | None
    key: str | None = None
    measure: str | None = None
    lead_leader: str | None = None
    responsible_leader: str | None = None
    department: str | None = None
    responsible_person: str | None = None
    due: dt.date | str | None = None


def ledger_lines(session: Session, history: History) -> list[LedgerLine]:
    """The 台账's lines as of ``history.as_of``, in the order of the feedback."""
    tree, snap = history.tree, history.snapshot
    progress = progress_entries(session, history)
    signed = closing_dates(session, history)

    def person(person_id: int) -> str:
        found = tree.people.get(person_id)
        return found.name if found else ""

    lines: list[LedgerLine] = []
    for problem, view in zip(tree.problems, snap.problems, strict=True):
        entries = progress.get(problem.id, [])
        line = LedgerLine(
            ref=view.ref,
            aspect=tree.aspect_of(problem).title,
            problem=problem.title,
            progress="\n".join(f"{day:%Y-%m-%d} {text}" for day, text in entries),
            state=STATE_LABELS[view.state],
            latest=snap.last_progress.get(view.ref, (None, ""))[1],
            closed_on=signed.get(problem.id) if view.state == ProblemState.CLOSED else None,
        )
        measures = tree.measures.get(problem.id, [])
        if not measures:
            lines.append(line)
        for measure, mv in zip(measures, view.measures, strict=True):
            found = tree.departments.get(measure.department_id)
            lines.append(
                replace(
                    line,
                    key=f"{history.inspection.id}:{view.ref}:{measure.position}",
                    measure=measure.text,
                    lead_leader=person(measure.lead_leader_id),
                    responsible_leader=person(measure.responsible_leader_id),
                    department=found.name if found else "",
                    responsible_person=person(measure.responsible_person_id),
                    due=mv.due if mv.due is not None else LONG_TERM_DUE,
                )
            )
    return lines


def report_row(line: LedgerLine) -> dict[str, Any]:
    """A line as the XLSX report shows it, keyed by ``LEDGER_COLUMNS``: 序号 a number where
    the problem's ref is one, dates as dates."""
    row = {c.report[0]: getattr(line, c.key) for c in REPORT_COLUMNS}
    row["序号"] = int(line.ref) if line.ref.isdigit() else line.ref
    return row


def ledger_rows(inspection_id: str | None, as_of: dt.date, *, session: Session) -> list[dict]:
    """The 台账 as of ``as_of``: one dict per measure, keyed by ``LEDGER_COLUMNS``, the
    problem's columns repeated on each of its measures. 序号 is the problem's ref; 整改时限
    is the due date in force that day (a date) or "长期整改"; 销号日期 is the date of the
    sign-off that closed it (a date) while it stands closed."""
    history = history_as_of(session, inspection_id, as_of)
    return [report_row(line) for line in ledger_lines(session, history)]


def write_ledger_report_xlsx(
    inspection_id: str | None, as_of: dt.date, path: Path, *, session: Session
) -> None:
    """Write the 整改台账 as of ``as_of`` to ``path`` (.xlsx): a bold, frozen, filterable
    header row with ``LEDGER_COLUMNS`` and one wrapped row per measure."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    rows = ledger_rows(inspection_id, as_of, session=session)
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append(LEDGER_COLUMNS)
    for row in rows:
        ws.append([row[c] for c in LEDGER_COLUMNS])
    _style_report(ws)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(LEDGER_COLUMNS))}{max(1, len(rows) + 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    stamp = dt.datetime(as_of.year, as_of.month, as_of.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "rectify"
    wb.properties.title = f"整改台账（截至{cn_date(as_of)}）"
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_workbook(wb, path)


def _style_report(ws) -> None:
    """Header bold on blue, thin grey borders, the table's widths, text wrapped."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for index, column in enumerate(REPORT_COLUMNS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.report[1]
        for cell in ws[letter][1:]:
            cell.alignment = Alignment(
                horizontal="center" if column.centred else "left",
                vertical="top",
                wrap_text=True,
            )
            cell.border = border
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def _save_workbook(wb, path: Path) -> None:
    """``Workbook.save`` without its stamping ``modified`` with the time of writing."""
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(wb, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)).save()
