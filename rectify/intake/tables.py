"""Tables of a document (表格): the tables of a .docx and the sheets of an .xlsx read into
grids of cells, merged cells followed (every position of a merged area holds the text of its
top-left cell and knows that origin), and the .docx paragraphs with the labels of Word's
automatic numbering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rectify.core.inputs import CellBudget, InputRefused, check_archive, too_many
from rectify.core.settings import get_settings
from rectify.intake.wordnum import Numbering, W, read_numbering


class UnreadableTable(ValueError):
    """A .docx or .xlsx that cannot be opened (the message is Chinese, for the user)."""


@dataclass
class Cell:
    """One position of a grid."""

    text: str
    origin: tuple[int, int]  # (row, column) of the top-left cell of its merged area
    value: Any = None  # an .xlsx cell's value (a date stays a date)


@dataclass
class Grid:
    """One table of a .docx, or one sheet of an .xlsx."""

    name: str  # "第 2 个表格" / "工作表「台账」"
    rows: list[list[Cell]]
    sheet: bool = False
    preceding: tuple[int, str] | None = None  # (line, text) of the paragraph before the table

    def where(self, row: int, col: int) -> str:
        """A cell's place as the office finds it: "第 2 个表格第 5 行第 3 列" (1-based)."""
        if self.sheet:
            return f"{self.name}第 {row + 1} 行 {_column_letter(col)} 列"
        return f"{self.name}第 {row + 1} 行第 {col + 1} 列"


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class Source:
    """What a .docx or .xlsx holds: its paragraphs (numbering labels included) and tables."""

    lines: list[str] = field(default_factory=list)
    tables: list[Grid] = field(default_factory=list)


# -- .docx ---------------------------------------------------------------------------------


@dataclass
class _DocxReader:
    numbering: Numbering
    budget: int
    source: Source = field(default_factory=Source)
    cells: int = 0

    def body(self, element) -> None:
        for child in element.iterchildren():
            if child.tag == f"{W}p":
                self.source.lines.append(self.paragraph(child))
            elif child.tag == f"{W}tbl":
                self.table(child)
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self.body(content)

    def paragraph(self, p) -> str:
        parts = [self.numbering.label(p)]
        for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
            parts.append(
                el.text or "" if el.tag == f"{W}t" else ("\t" if el.tag == f"{W}tab" else "\n")
            )
        return "".join(parts)

    def cell_text(self, tc) -> str:
        lines = []
        for child in tc.iterchildren(f"{W}p", f"{W}sdt"):
            paragraphs = [child] if child.tag == f"{W}p" else child.iter(f"{W}p")
            lines += [self.paragraph(p) for p in paragraphs]
        return "\n".join(lines).strip()

    def table(self, tbl) -> None:
        rows: list[list[Cell]] = []
        for r, tr in enumerate(tbl.iterchildren(f"{W}tr")):
            row: list[Cell] = []
            before = tr.find(f"{W}trPr/{W}gridBefore")
            for _ in range(int(before.get(f"{W}val", "0")) if before is not None else 0):
                row.append(Cell("", (r, len(row))))
            for tc in tr.iterchildren(f"{W}tc"):
                row += self._cells(tc, rows, r, len(row))
            self.cells += max(1, len(row))
            if self.cells > self.budget:
                raise UnreadableTable(too_many())
            rows.append(row)
        width = max((len(row) for row in rows), default=0)
        for r, row in enumerate(rows):
            row += [Cell("", (r, c)) for c in range(len(row), width)]
        lines = self.source.lines
        before = next((n for n in range(len(lines), 0, -1) if lines[n - 1].strip()), None)
        preceding = (before, lines[before - 1].strip()) if before else None
        name = f"第 {len(self.source.tables) + 1} 个表格"
        self.source.tables.append(Grid(name, rows, preceding=preceding))

    def _cells(self, tc, rows: list[list[Cell]], r: int, col: int) -> list[Cell]:
        tcpr = tc.find(f"{W}tcPr")
        span, merge = 1, None
        if tcpr is not None:
            grid_span = tcpr.find(f"{W}gridSpan")
            if grid_span is not None and grid_span.get(f"{W}val", "1").isdigit():
                span = max(1, int(grid_span.get(f"{W}val")))
            v_merge = tcpr.find(f"{W}vMerge")
            if v_merge is not None:
                merge = v_merge.get(f"{W}val", "continue")
        if merge == "continue" and rows and col < len(rows[-1]):
            above = rows[-1][col]
            origin = above.origin
            text = rows[origin[0]][origin[1]].text
        else:
            origin, text = (r, col), self.cell_text(tc)
        return [Cell(text, origin) for _ in range(span)]


def read_docx(path: Path) -> Source:
    """The paragraphs and tables of a .docx, refused past the input limits."""
    import docx  # deferred: python-docx is heavy and only .docx documents need it

    check_archive(path)
    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises several types for a bad package
        raise UnreadableTable(
            "不是可读取的 Word 文档（.docx）：文件已损坏或并非 Word 格式"
        ) from None
    try:
        numbering_root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering_root = None
    reader = _DocxReader(
        read_numbering(numbering_root, document.styles.element), get_settings().max_input_nodes
    )
    reader.body(document.element.body)
    return reader.source


# -- .xlsx ---------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet value as text: 3.0 → "3", a date → "2024-06-30"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date() if not value.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(path: Path) -> Source:
    """Every sheet of an .xlsx as a grid, merged areas followed, refused past the limits."""
    import openpyxl  # deferred, as python-docx

    check_archive(path)
    try:
        workbook = openpyxl.load_workbook(str(path), data_only=True)
    except InputRefused:
        raise
    except Exception:  # openpyxl raises several types for a bad package
        raise UnreadableTable(
            "不是可读取的 Excel 工作簿（.xlsx）：文件已损坏或并非 Excel 格式"
        ) from None
    budget = CellBudget(path)
    source = Source()
    for ws in workbook.worksheets:
        values = [list(row) for row in budget.rows(ws)]
        width = max((len(row) for row in values), default=0)
        rows = [
            [Cell(cell_text(v), (r, c), v) for c, v in enumerate(row + [None] * (width - len(row)))]
            for r, row in enumerate(values)
        ]
        for area in ws.merged_cells.ranges:
            top, left = area.min_row - 1, area.min_col - 1
            if top >= len(rows) or left >= width:
                continue
            origin = rows[top][left]
            for r in range(top, min(area.max_row, len(rows))):
                for c in range(left, min(area.max_col, width)):
                    rows[r][c] = Cell(origin.text, (top, left), origin.value)
        source.tables.append(Grid(f"工作表「{ws.title}」", rows, sheet=True))
    return source
