"""The draft of a ledger table (台账草稿): the problems the rows gave as aspects → categories
→ problems → measures; every distinct name of the leader, department and person columns as
a person or department with a generated id; dues in words read; and the understanding report
(the table and columns used, the cells not placed)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rectify.intake.cells import split_names
from rectify.intake.columns import ROLE_NAMES, Ledger
from rectify.intake.draft import PLACEHOLDER, RESPONSIBILITY_FIELDS, OutlineResult, shorten
from rectify.intake.dues import read_due
from rectify.intake.ledger import LedgerProblem, LedgerRows, RowMeasure, column_report, due_of


@dataclass
class _Names:
    """Distinct names → generated ids, in order of first appearance."""

    prefix: str
    ids: dict[str, str] = field(default_factory=dict)

    def id_of(self, name: str) -> str:
        if name not in self.ids:
            self.ids[name] = f"{self.prefix}_{len(self.ids) + 1}"
        return self.ids[name]


@dataclass
class LedgerDraft:
    """Composes the draft of one ledger."""

    rows: LedgerRows
    year: int | None
    feedback: dt.date | None
    result: OutlineResult
    people: _Names = field(default_factory=lambda: _Names("person"))
    departments: _Names = field(default_factory=lambda: _Names("dept"))

    def aspects(self) -> list[dict]:
        """The draft's aspects, in the ledger's order."""
        refs = self._refs()
        aspects: dict[str, dict[str, list[dict]]] = {}
        for problem, ref in zip(self.rows.problems, refs, strict=True):
            categories = aspects.setdefault(problem.aspect or PLACEHOLDER, {})
            categories.setdefault(problem.category or problem.aspect or PLACEHOLDER, []).append(
                {
                    "ref": ref,
                    "title": problem.title or PLACEHOLDER,
                    "measures": self._measures(problem, ref),
                }
            )
        return [
            {
                "title": title,
                "categories": [{"title": c, "problems": p} for c, p in categories.items()],
            }
            for title, categories in aspects.items()
        ]

    def _refs(self) -> list[str]:
        seqs = [p.seq for p in self.rows.problems]
        if all(seqs) and len(set(seqs)) == len(seqs):
            return seqs
        self.result.renumbered = True
        refs = []
        for index, problem in enumerate(self.rows.problems, start=1):
            refs.append(str(index))
            published = f"序号 {problem.seq}" if problem.seq else "无序号"
            where = f"{problem.ledger.grid.name}第 {problem.first_row + 1} 行"
            self.result.published[str(index)] = f"{published}（{where}）"
        return refs

    def _measures(self, problem: LedgerProblem, ref: str) -> list[dict]:
        items = problem.measures or []
        if not items:  # no 整改措施 column, or an empty cell
            first = problem.rows[0]
            items = [RowMeasure(PLACEHOLDER, first, due_of(problem.ledger, first))]
        measures = []
        for index, item in enumerate(items):
            measure: dict[str, Any] = {"text": item.text}
            for name in RESPONSIBILITY_FIELDS:
                measure[name] = self._responsible(problem.ledger, name, item.row, ref)
            due = read_due(item.due_text, self.year, self.feedback)
            measure["due"] = due.due
            if due.checkpoint is not None:
                measure["checkpoint"] = due.checkpoint
            self._note_due(due, item, ref, index)
            if due.how == "date" and self.feedback and due.due <= self.feedback.isoformat():
                self.result.ledger_notes.append(
                    f"问题 {ref} 措施 {index + 1} 的时限 {due.due} 不晚于反馈日期 "
                    f"{self.feedback}：导入会拒绝，请核对"
                )
            measures.append(measure)
        if any(m["due"] == "long_term" for m in measures):
            self.result.long_term.append(ref)
        return measures

    def _note_due(self, due, item, ref: str, index: int) -> None:
        """The due cell as written, beside a due or checkpoint the office must check."""
        written = shorten(str(item.due_text or ""), 40)
        if due.how == "at_once" and due.due != PLACEHOLDER:
            comment = (f"原文：{written}（反馈日期次日，导入要求时限晚于反馈日期）", None)
        elif due.how in ("unknown", "at_once"):
            comment = (f"原文：{written}", None)
        elif due.how == "long_term" and due.checkpoint == PLACEHOLDER:
            comment = (None, f"原文：{written}")
        else:
            return
        self.result.due_written[(ref, index)] = comment
        if due.how == "unknown":
            self.result.ledger_dues.append(f"问题 {ref} 措施 {index + 1}：{written}")

    def _responsible(self, ledger: Ledger, name: str, row: int, ref: str) -> str:
        col = ledger.columns.get(name)
        if col is None:
            return PLACEHOLDER
        cell = ledger.grid.rows[row][col]
        names = split_names(cell.text)
        if not names:
            return PLACEHOLDER
        registry = self.departments if name == "department" else self.people
        ids = [registry.id_of(n) for n in names]
        if len(names) > 1:
            where = ledger.grid.where(*cell.origin)
            self.result.ledger_notes.append(
                f"{where}（问题 {ref} 的{ROLE_NAMES[name]}）写了 {len(names)} 个："
                f"{'、'.join(names)}；草稿用第一个，其余也已列入名单"
            )
        return ids[0]

    def people_and_departments(self) -> tuple[list[dict], list[dict]]:
        """The draft's people and departments (placeholders when the ledger names none)."""
        people = [
            {"id": pid, "name": name, "roles": [PLACEHOLDER], "contacts": [PLACEHOLDER]}
            for name, pid in self.people.ids.items()
        ] or [{"id": PLACEHOLDER, "name": PLACEHOLDER, "roles": ["leader"], "contacts": []}]
        departments = [{"id": did, "name": name} for name, did in self.departments.ids.items()] or [
            {"id": PLACEHOLDER, "name": PLACEHOLDER}
        ]
        return people, departments


def ledger_report(ledgers: list[Ledger], rows: LedgerRows, result: OutlineResult) -> None:
    """What the report says of the table: which one, its columns, the cells not placed."""
    ledger = ledgers[0]
    header = "、".join(str(r + 1) for r in ledger.header_rows)
    result.ledger_table = f"{ledger.grid.name}（表头在第 {header} 行）"
    if len(ledgers) > 1:
        others = "、".join(other.grid.name for other in ledgers[1:])
        result.ledger_table += f"，及列相同的{others}"
    result.ledger_columns, result.ledger_unused = column_report(ledger)
    for other in ledgers[1:]:
        result.ledger_unused += [f"{other.grid.name}{line}" for line in column_report(other)[1]]
    result.ledger_unplaced = list(rows.unplaced)
    result.ledger_notes[:0] = list(rows.notes)
    if rows.heading_lines:
        lines = "、".join(str(n) for n in rows.heading_lines)
        result.ledger_notes.append(f"各表格前的段落（第 {lines} 行）读作方面标题")
    if rows.section_rows:
        result.ledger_notes.append(f"{rows.section_rows} 个通栏行读作方面标题")
    aspects = Counter(p.aspect for p in rows.problems)
    if "" in aspects:
        result.ledger_notes.append(
            f"{aspects['']} 个问题没有所属方面（表中无方面列或通栏标题），方面标题留作 {PLACEHOLDER}"
        )
