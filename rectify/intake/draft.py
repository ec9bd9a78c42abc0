"""The draft (草稿): what ``parse_outline`` understood of a document (``OutlineResult``, with
its understanding report) and the YAML file written from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER = "TODO_FILL_IN"
FACT_NAMES = {
    "round": "轮次",
    "group": "巡察组",
    "unit": "被巡察单位",
    "kind": "巡察类型",
    "onsite": "进驻时间",
    "feedback_date": "反馈日期",
    "report_date": "截至日期",
}
COUNT_NAMES = {
    "aspects": "方面",
    "categories": "类别",
    "problems": "问题",
    "measures": "整改措施",
    "closed": "已整改销号",
    "long_term": "需长期整改",
}
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
        out = [f"来源：{self.source}"]
        out.append(
            "文稿："
            + ("整改进展情况通报" if self.is_progress_report else "反馈意见或整改方案")
            + (f"，截至 {self.report_date}" if self.report_date else "")
        )
        out.append("正文中找到的基本信息：")
        for name, (value, line) in self.facts.items():
            if isinstance(value, dict):
                value = " 至 ".join(str(v) for v in value.values())
            out.append(
                f"  {FACT_NAMES.get(name, name)}：{value}" + (f"（第 {line} 行）" if line else "")
            )
        if self.missing:
            missing = "、".join(FACT_NAMES.get(name, name) for name in self.missing)
            out.append(f"  正文未写明，留作 {PLACEHOLDER}：{missing}")
        c = self.counts_parsed
        out.append(
            f"读出：{c.get('aspects', 0)} 个方面，{c.get('categories', 0)} 个类别，"
            f"{c.get('problems', 0)} 个问题，{c.get('measures', 0)} 条措施；"
            f"标为长期整改的问题 {c.get('long_term', 0)} 个"
            + (f"（{'、'.join(self.long_term)}）" if self.long_term else "")
            + f"；时限取自正文的措施 {c.get('measures_due', 0)} 条，"
            f"时限留作 {PLACEHOLDER} 的 {c.get('measures_due_missing', 0)} 条"
        )
        if self.counts_found:
            out.append("正文写明的数量与读出的数量：")
            for key, value in self.counts_found.items():
                parsed = c.get(key)
                mark = "" if parsed is None else ("，一致" if parsed == value else "，不一致")
                shown = "未读出" if parsed is None else f"读出 {parsed}"
                out.append(f"  {COUNT_NAMES.get(key, key)}：正文 {value}，{shown}{mark}")
        else:
            out.append("正文写明的数量：无")
        out.append(f"不一致：{len(self.mismatches)} 处")
        out += [f"  {line}" for line in self.mismatches]
        if self.skipped_sections:
            out.append("跳过的章节（不是问题）：")
            out += [
                f"  第 {first}–{last} 行：{title}" for first, last, title in self.skipped_sections
            ]
        if self.furniture:
            lines = "、".join(str(n) for n, _ in self.furniture)
            out.append(f"删去的网页杂项：{len(self.furniture)} 行（第 {lines} 行）")
        if self.ledger_table:
            out += self.ledger_lines()
        out.append(f"未放入草稿的行：{len(self.unplaced)} 行")
        out += [f"  第 {n} 行：{shorten(text)}" for n, text in self.unplaced]
        if self.details:
            out.append(
                "问题下不是整改情况的文字（格式中没有此字段），未放入草稿：问题 "
                + "、".join(self.details)
            )
        if self.renumbered:
            out.append("问题编号改为连续编号（原编号重新开始），对应关系：")
            pairs = [f"{ref}={path}" for ref, path in self.published.items()]
            out += ["  " + "  ".join(pairs[i : i + 6]) for i in range(0, len(pairs), 6)]
        if self.notes:
            out.append("说明：")
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
        f"# 由 `rectify intake` 从 {result.source} 生成的反馈文件草稿（格式见 feedback-format.md）。",
        f"# 每个 {PLACEHOLDER} 都是文稿没有写明的内容：请补全人员、科室、每条措施的四项责任",
        "# 和缺少的日期，然后 `rectify import` 本文件；只要还有未补全的，导入就会拒绝。",
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
            f"  id: {inspection_id}  # 由年份和轮次生成：可修改（其他文件以此引用）\n",
            1,
        )
    out_path.write_text("\n".join(header) + body, encoding="utf-8")
    return out_path
