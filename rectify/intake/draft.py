"""The draft (草稿): what ``parse_outline`` understood of a document (``OutlineResult``, with
its understanding report) and the YAML file written from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER = "TODO_FILL_IN"
RESPONSIBILITY_FIELDS = ("lead_leader", "responsible_leader", "department", "responsible_person")


class _NoAliases(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when present
    """Writes a value shared twice in full each time: the importer refuses YAML aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


@dataclass
class OutlineResult:
    """What ``parse_outline`` understood of a document."""

    source: str
    draft: dict  # the feedback-format structure, ready for yaml.safe_dump
    counts_found: dict[str, int]  # stated in the text ("3个方面31个问题", "已整改销号26个")
    counts_parsed: dict[str, int]  # counted in the parsed outline
    mismatches: list[str]
    unplaced: list[tuple[int, str]]  # (line number, text) of lines not placed anywhere
    facts: dict[str, tuple[Any, int | None]] = field(default_factory=dict)  # value, line
    missing: list[str] = field(default_factory=list)  # header facts not in the text
    skipped_sections: list[tuple[int, int, str]] = field(default_factory=list)  # first, last
    furniture: list[tuple[int, str]] = field(default_factory=list)  # dropped page furniture
    progress: dict[str, str] = field(default_factory=dict)  # ref → progress text as published
    details: dict[str, str] = field(default_factory=dict)  # ref → problem text (not progress)
    published: dict[str, str] = field(default_factory=dict)  # ref → published numbering path
    long_term: list[str] = field(default_factory=list)  # refs of problems flagged long-term
    notes: list[str] = field(default_factory=list)
    report_date: dt.date | None = None
    is_progress_report: bool = False
    renumbered: bool = False  # refs are running numbers, the published numbering restarts
    # a ledger table (台账) read instead of an outline: the table, its columns, what was left
    ledger_table: str | None = None
    ledger_columns: list[str] = field(default_factory=list)
    ledger_unused: list[str] = field(default_factory=list)
    ledger_unplaced: list[str] = field(default_factory=list)
    ledger_notes: list[str] = field(default_factory=list)
    ledger_dues: list[str] = field(default_factory=list)  # dues not understood, as written
    # (ref, measure index) → (comment beside its due, comment beside its checkpoint)
    due_written: dict[tuple[str, int], tuple[str | None, str | None]] = field(default_factory=dict)

    def report_lines(self) -> list[str]:
        """The understanding report, one line per item (also the draft's header comment)."""
        out = [f"source: {self.source}"]
        out.append(
            "document: "
            + ("progress report (整改进展情况)" if self.is_progress_report else "feedback / plan")
            + (f", as of {self.report_date}" if self.report_date else "")
        )
        out.append("header facts found in the text:")
        for name, (value, line) in self.facts.items():
            if isinstance(value, dict):
                value = " to ".join(str(v) for v in value.values())
            out.append(f"  {name}: {value}" + (f" (line {line})" if line else ""))
        if self.missing:
            out.append(f"  not in the text, left {PLACEHOLDER}: {', '.join(self.missing)}")
        c = self.counts_parsed
        out.append(
            f"parsed: {c.get('aspects', 0)} aspects, {c.get('categories', 0)} categories, "
            f"{c.get('problems', 0)} problems, {c.get('measures', 0)} measures; "
            f"{c.get('long_term', 0)} problems flagged long-term"
            + (f" ({', '.join(self.long_term)})" if self.long_term else "")
            + f"; measures with a due date from the text: {c.get('measures_due', 0)}, "
            f"due {PLACEHOLDER}: {c.get('measures_due_missing', 0)}"
        )
        if self.counts_found:
            out.append("counts stated in the text vs parsed:")
            for key, value in self.counts_found.items():
                parsed = c.get(key)
                mark = "" if parsed is None else (" ok" if parsed == value else " MISMATCH")
                shown = "not parsed" if parsed is None else f"parsed {parsed}"
                out.append(f"  {key}: text {value}, {shown}{mark}")
        else:
            out.append("counts stated in the text: none found")
        out.append(f"mismatches: {len(self.mismatches)}")
        out += [f"  {line}" for line in self.mismatches]
        if self.skipped_sections:
            out.append("sections skipped (not the problems):")
            out += [
                f"  lines {first}-{last}: {title}" for first, last, title in self.skipped_sections
            ]
        if self.furniture:
            lines = ", ".join(str(n) for n, _ in self.furniture)
            out.append(f"page furniture dropped: {len(self.furniture)} line(s) ({lines})")
        if self.ledger_table:
            out += self.ledger_lines()
        out.append(f"lines not placed: {len(self.unplaced)}")
        out += [f"  line {n}: {shorten(text)}" for n, text in self.unplaced]
        if self.details:
            out.append(
                "text under problems that is not progress (the format has no field for it), "
                f"left out of the draft: refs {', '.join(self.details)}"
            )
        if self.renumbered:
            out.append("problem refs are running numbers (the published numbering restarts):")
            pairs = [f"{ref}={path}" for ref, path in self.published.items()]
            out += ["  " + "  ".join(pairs[i : i + 6]) for i in range(0, len(pairs), 6)]
        if self.notes:
            out.append("notes:")
            out += [f"  {note}" for note in self.notes]
        return out

    def ledger_lines(self) -> list[str]:
        """The report's part on the ledger table: the table and columns used, the cells not
        placed, the dues not understood."""
        out = [f"台账表格：{self.ledger_table}", "采用的列："]
        out += [f"  {line}" for line in self.ledger_columns]
        if self.ledger_unused:
            out.append("未采用的列：")
            out += [f"  {line}" for line in self.ledger_unused]
        out.append(f"未能放入草稿的单元格：{len(self.ledger_unplaced)} 个")
        out += [f"  {shorten(line, 90)}" for line in self.ledger_unplaced]
        if self.ledger_dues:
            out.append(f"未能识别的整改时限（原文写在 due 旁，留作 {PLACEHOLDER}）：")
            out += [f"  {line}" for line in self.ledger_dues]
        if self.ledger_notes:
            out.append("台账说明：")
            out += [f"  {note}" for note in self.ledger_notes]
        return out


def _comment_dues(body: str, result: OutlineResult) -> str:
    """The due cell as written, as a comment beside each due or checkpoint to check."""
    comments = []
    for aspect in result.draft.get("aspects", []):
        for category in aspect["categories"]:
            for problem in category["problems"]:
                for index, _ in enumerate(problem["measures"]):
                    comments.append(result.due_written.get((problem["ref"], index), (None, None)))
    if not any(any(c) for c in comments):
        return body
    lines = body.split("\n")
    k = -1
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("due: ") and line.startswith("  "):
            k += 1
            which = 0
        elif stripped.startswith("checkpoint: ") and k >= 0:
            which = 1
        else:
            continue
        comment = comments[k][which] if k < len(comments) else None
        if comment:
            lines[i] = f"{line}  # {comment}"
    return "\n".join(lines)


def shorten(text: str, width: int = 70) -> str:
    """``text`` on one line, cut to ``width`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def write_draft(result: OutlineResult, out_path: Path | str) -> Path:
    """Write the draft as YAML with the understanding report as its header comment."""
    out_path = Path(out_path)
    header = [
        f"# Draft feedback file (feedback-format.md) made by `rectify intake` from {result.source}.",
        f"# Every {PLACEHOLDER} is something the document does not say: fill in people,",
        "# departments, the four responsibility fields of every measure and the missing dates,",
        "# then `rectify import` this file. The importer refuses it while any is left.",
        *(
            [
                "# 台账草稿：人员和科室取自表格，需补全每人的 roles（无角色写 []）和 contacts",
                "# （无联系方式写 []），并核对带“原文”注释的时限。",
            ]
            if result.ledger_table
            else []
        ),
        "#",
        *("# " + line if line else "#" for line in result.report_lines()),
        "",
    ]
    body = yaml.dump(
        result.draft, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100
    )
    body = _comment_dues(body, result)
    inspection_id = result.draft.get("inspection", {}).get("id")
    if inspection_id:
        body = body.replace(
            f"  id: {inspection_id}\n",
            f"  id: {inspection_id}  # derived from the year and round: edit it (other files refer to it)\n",
            1,
        )
    out_path.write_text("\n".join(header) + body, encoding="utf-8")
    return out_path
