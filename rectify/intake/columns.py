"""The ledger's columns (台账表头): which table of a document is the 整改台账, found by its
header row (Chinese header words and their common variants, in any order, over one or two
rows), and which column holds what."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rectify.intake.reading import normalise
from rectify.intake.tables import Grid

# Column roles → header words, most specific first. A header matches a role when it equals
# one of the words or, failing that, contains one (the first role in this order wins).
COLUMN_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seq", ("序号", "编号", "问题序号", "问题编号", "序")),
    ("lead_leader", ("牵头领导", "牵头责任领导", "牵头负责领导", "牵头人", "牵头单位领导")),
    ("responsible_leader", ("责任领导", "分管领导", "分管责任领导", "具体负责领导", "负责领导")),
    ("responsible_person", ("责任人", "具体责任人", "直接责任人", "经办人", "具体负责人")),
    (
        "department",
        (
            "责任科室",
            "责任单位",
            "责任部门",
            "责任处室",
            "责任股室",
            "牵头科室",
            "牵头单位",
            "牵头部门",
            "承办单位",
            "责任主体",
            "配合单位",
        ),
    ),  # fmt: skip
    (
        "due",
        ("整改时限", "完成时限", "时限", "整改期限", "完成时间", "整改时间", "办结时限", "期限"),
    ),
    ("measures", ("整改措施", "具体措施", "整改举措", "措施", "整改任务", "工作措施")),
    (
        "progress",
        ("完成情况", "整改情况", "进展情况", "整改进展", "落实情况", "整改结果", "整改成效"),
    ),
    ("category", ("问题类别", "类别", "问题类型", "类型", "子类")),
    ("aspect", ("方面", "问题方面", "反馈问题方面", "巡察反馈方面", "领域", "板块")),
    (
        "problem",
        (
            "存在问题",
            "存在的问题",
            "问题",
            "问题表现",
            "反馈问题",
            "具体问题",
            "问题描述",
            "巡察反馈问题",
            "主要问题",
            "问题清单",
            "发现问题",
            "问题内容",
        ),
    ),  # fmt: skip
    ("remark", ("备注", "说明")),
    ("goal", ("整改目标", "目标")),
)
ROLE_NAMES = {
    "seq": "序号",
    "aspect": "方面",
    "category": "类别",
    "problem": "存在问题",
    "measures": "整改措施",
    "lead_leader": "牵头领导",
    "responsible_leader": "责任领导",
    "department": "责任科室（单位）",
    "responsible_person": "责任人",
    "due": "整改时限",
    "progress": "完成情况",
    "remark": "备注",
    "goal": "整改目标",
}
_BRACKETS = re.compile(r"\([^)]*\)")
HEADER_ROWS_SCANNED = 12


def header_role(text: str) -> str | None:
    """The role of a header cell ("责任科室(单位)" → "department"), else None."""
    text = normalise(text).replace(" ", "").replace("\n", "")
    bare = _BRACKETS.sub("", text) or text
    for candidate in (bare, text):
        for role, words in COLUMN_WORDS:
            if candidate in words:
                return role
    for role, words in COLUMN_WORDS:
        if any(len(word) > 1 and word in bare for word in words):
            return role
    return None


@dataclass
class Ledger:
    """The table taken as the ledger: its grid, the header rows and the columns' roles."""

    grid: Grid
    header_rows: list[int]  # 0-based rows of the header (one or two)
    columns: dict[str, int]  # role → column
    headers: dict[int, str] = field(default_factory=dict)  # column → header text
    extra: dict[str, list[int]] = field(default_factory=dict)  # role → further columns

    @property
    def first_row(self) -> int:
        """The first data row."""
        return self.header_rows[-1] + 1

    def score(self) -> int:
        """How ledger-like the header is (roles recognised)."""
        return len(self.columns)


def _header_at(grid: Grid, rows: list[int]) -> Ledger | None:
    columns: dict[str, int] = {}
    headers: dict[int, str] = {}
    extra: dict[str, list[int]] = {}
    width = len(grid.rows[rows[0]])
    for col in range(width):
        texts = [grid.rows[r][col].text for r in reversed(rows)]  # the lower row first
        for text in texts:
            role = header_role(text) if text and len(text) <= 20 else None
            if role is None:
                continue
            origin = grid.rows[rows[-1]][col].origin
            if role in columns and grid.rows[rows[-1]][columns[role]].origin == origin:
                break  # one merged header over two columns: the first column holds the text
            headers[col] = "".join(text.split())
            if role in columns:
                extra.setdefault(role, []).append(col)
            else:
                columns[role] = col
            break
    if "problem" not in columns or len(columns) < 3:
        return None
    if "category" in columns and "aspect" not in columns:  # 类别 alone groups as 方面 does
        columns["aspect"] = columns.pop("category")
    return Ledger(grid, rows, columns, headers, extra)


def find_ledger(tables: list[Grid]) -> tuple[list[Ledger], list[str]]:
    """The tables of the ledger — the one whose header row names the most ledger columns
    (存在问题 and at least two more), with every other table of the same columns (a ledger
    split into one table per aspect) — and notes on the candidate tables left out."""
    candidates: list[Ledger] = []
    for grid in tables:
        found = [
            ledger
            for r in range(min(HEADER_ROWS_SCANNED, len(grid.rows)))
            for rows in ([r], [r, r + 1])
            if rows[-1] < len(grid.rows) and (ledger := _header_at(grid, rows))
        ]
        if found:  # the most columns; one header row rather than two; the first
            candidates.append(max(found, key=lambda c: (c.score(), -len(c.header_rows))))
    if not candidates:
        return [], []
    chosen = max(candidates, key=lambda c: c.score())  # the first of the best
    same = [c for c in candidates if set(c.columns) == set(chosen.columns)]
    notes = [
        f"{c.grid.name}也像台账（识别出 {c.score()} 列），但列与{chosen.grid.name}不同，未采用"
        for c in candidates
        if c not in same
    ]
    return same, notes
