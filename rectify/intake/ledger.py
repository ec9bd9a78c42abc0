"""The ledger table (整改台账) read into problems: rows grouped into problems (one per 序号,
or per distinct 存在问题 cell), aspects from the 方面 column or from full-width section rows,
numbered measures split out of their cell or taken from rows of their own, and every cell
that could not be placed kept for the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rectify.intake.cells import normalise_cell, one_line, split_measures
from rectify.intake.columns import ROLE_NAMES, Ledger
from rectify.intake.numerals import heading

TOTAL_WORDS = ("合计", "小计", "总计")
PLACED_ROLES = ("seq", "aspect", "category", "problem", "measures", "due") + (
    "lead_leader",
    "responsible_leader",
    "department",
    "responsible_person",
)


@dataclass
class RowMeasure:
    """One measure as the ledger gives it, with the row it came from."""

    text: str
    row: int
    due_text: object  # the 整改时限 cell's text or value for this measure


@dataclass
class LedgerProblem:
    """One problem of the ledger and the rows it spans."""

    seq: str
    title: str
    aspect: str
    category: str
    first_row: int
    ledger: Ledger
    rows: list[int] = field(default_factory=list)
    measures: list[RowMeasure] = field(default_factory=list)


@dataclass
class LedgerRows:
    """What the rows of the ledger gave: problems in order, and the cells not placed."""

    problems: list[LedgerProblem] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # "where：text" of each cell
    notes: list[str] = field(default_factory=list)
    section_rows: int = 0  # full-width rows read as aspect headings
    heading_lines: list[int] = field(default_factory=list)  # paragraphs read as aspects


@dataclass
class _Reader:
    ledger: Ledger
    out: LedgerRows = field(default_factory=LedgerRows)
    section_aspect: str = ""
    current: LedgerProblem | None = None
    used_measure_cells: set[tuple[int, int]] = field(default_factory=set)

    def text(self, row: int, role: str) -> str:
        col = self.ledger.columns.get(role)
        return "" if col is None else self.ledger.grid.rows[row][col].text

    def origin(self, row: int, role: str) -> tuple[int, int] | None:
        col = self.ledger.columns.get(role)
        return None if col is None else self.ledger.grid.rows[row][col].origin

    def unplaced(self, row: int, cols: list[int] | None = None) -> None:
        grid = self.ledger.grid
        cells = grid.rows[row]
        for col in cols if cols is not None else range(len(cells)):
            cell = cells[col]
            if cell.text and cell.origin == (row, col):
                self.out.unplaced.append(f"{grid.where(row, col)}：{one_line(cell.text)}")

    def read(self) -> LedgerRows:
        grid = self.ledger.grid
        header = [one_line(cell.text) for cell in grid.rows[self.ledger.header_rows[-1]]]
        for row in range(self.ledger.first_row, len(grid.rows)):
            cells = grid.rows[row]
            texts = [one_line(cell.text) for cell in cells]
            if not any(texts) or texts == header:
                continue  # an empty row, or the header repeated on a new page
            if self._section_row(row, texts):
                continue
            if any(text.startswith(TOTAL_WORDS) for text in texts[:2]):
                self.unplaced(row)  # a total row (合计)
                continue
            self._data_row(row)
        return self.out

    def _section_row(self, row: int, texts: list[str]) -> bool:
        """A row whose text spans the table (one merged cell, or the first cell alone): an
        aspect heading when the ledger has no 方面 column."""
        cells = self.ledger.grid.rows[row]
        filled = {cells[c].origin for c, t in enumerate(texts) if t}
        if len(filled) != 1 or len(cells) < 3:
            return False
        (origin,) = filled
        spans = sum(1 for cell in cells if cell.origin == origin)
        text = texts[origin[1]]
        problem_col = self.ledger.columns["problem"]
        if spans < len(cells) - 1 and not (origin[1] < problem_col and heading(text)):
            return False
        if "aspect" in self.ledger.columns:
            self.unplaced(row, [origin[1]])
            return True
        numbered = heading(text)
        self.section_aspect = (numbered[2] if numbered else text).rstrip("。:")
        self.out.section_rows += 1
        return True

    def _data_row(self, row: int) -> None:
        seq = one_line(self.text(row, "seq")).rstrip(".、")
        title = one_line(self.text(row, "problem"))
        aspect = self._aspect(row)
        if self._starts_problem(row, seq, title, aspect):
            if not title and not seq:
                self.unplaced(row)
                return
            numbered = heading(title)
            if numbered and not seq:
                seq, title = str(numbered[1]), numbered[2]
            category = one_line(self.text(row, "category")) or aspect
            self.current = LedgerProblem(seq, title, aspect, category, row, self.ledger)
            self.out.problems.append(self.current)
        elif title and title != self.current.title:
            col = self.ledger.columns["problem"]
            self.unplaced(row, [col])  # a second problem text under one 序号
        self.current.rows.append(row)
        self._measures(row)

    def _starts_problem(self, row: int, seq: str, title: str, aspect: str) -> bool:
        current = self.current
        if current is None or aspect != current.aspect:
            return True
        origin = self.origin(row, "problem")
        if origin[0] < row and origin == self.origin(current.first_row, "problem"):
            return False  # the 存在问题 cell merged down over this row, whatever its 序号
        if seq and "seq" in self.ledger.columns:
            return seq != current.seq
        return bool(title) and title != current.title

    def _aspect(self, row: int) -> str:
        text = one_line(self.text(row, "aspect"))
        if text:
            numbered = heading(text)
            return numbered[2] if numbered else text
        if "aspect" in self.ledger.columns and self.current is not None:
            return self.current.aspect  # an empty 方面 cell under a filled one
        return self.section_aspect

    def _measures(self, row: int) -> None:
        origin = self.origin(row, "measures")
        if origin is None or origin in self.used_measure_cells:
            return
        if origin == self.origin(row, "problem"):
            return  # the problem's text merged across the 整改措施 column: no measure written
        self.used_measure_cells.add(origin)
        grid = self.ledger.grid
        items, intro = split_measures(self.text(row, "measures"))
        if intro:
            where = grid.where(*origin)
            self.out.unplaced.append(f"{where}：措施前的引言未作为措施：{intro}")
        due = due_of(self.ledger, row)
        dues: list[object] = [due] * len(items)
        if isinstance(due, str) and len(items) > 1:
            split, _ = split_measures(due)  # "1.10月底前 2.长期坚持": one due per measure
            if len(split) == len(items):
                dues = list(split)
        for text, due in zip(items, dues, strict=True):
            self.current.measures.append(RowMeasure(text, row, due))


def due_of(ledger: Ledger, row: int) -> object:
    """The 整改时限 of a row: the date a spreadsheet holds, else the cell's text."""
    col = ledger.columns.get("due")
    if col is None:
        return ""
    cell = ledger.grid.rows[row][col]
    return cell.value if isinstance(cell.value, dt.date) else cell.text


def read_rows(ledgers: list[Ledger]) -> LedgerRows:
    """The problems of the ledger's rows, in order, and the cells that could not be placed.
    A ledger in several tables without a 方面 column takes each table's aspect from the
    paragraph before it."""
    out = LedgerRows()
    for ledger in ledgers:
        reader = _Reader(ledger, out)
        preceding = ledger.grid.preceding
        if len(ledgers) > 1 and "aspect" not in ledger.columns and preceding:
            numbered = heading(preceding[1])
            reader.section_aspect = one_line(numbered[2] if numbered else preceding[1])
            out.heading_lines.append(preceding[0])
        reader.read()
    return out


def column_report(ledger: Ledger) -> tuple[list[str], list[str]]:
    """(columns used, columns not used) as the report names them."""
    used = [
        f"第 {col + 1} 列「{ledger.headers.get(col, '')}」= {ROLE_NAMES[role]}"
        for role, col in sorted(ledger.columns.items(), key=lambda item: item[1])
        if role in PLACED_ROLES
    ]
    grid = ledger.grid
    header_row = ledger.header_rows[-1]
    unused = []
    for col in range(len(grid.rows[header_row])):
        role = next((r for r, c in ledger.columns.items() if c == col), None)
        if role in PLACED_ROLES:
            continue
        name = ledger.headers.get(col) or one_line(normalise_cell(grid.rows[header_row][col].text))
        filled = [
            r
            for r in range(ledger.first_row, len(grid.rows))
            if grid.rows[r][col].text and grid.rows[r][col].origin == (r, col)
        ]
        if filled:
            reason = "草稿格式没有此字段" if role else "表头未识别"
            twin = next((r for r, cols in ledger.extra.items() if col in cols), None)
            if twin:
                first = ledger.columns[twin] + 1
                reason = f"与第 {first} 列同为{ROLE_NAMES[twin]}，只用了第 {first} 列"
            unused.append(
                f"第 {col + 1} 列「{name or '（无表头）'}」：{len(filled)} 个单元格未放入草稿（{reason}）"
            )
    return used, unused
