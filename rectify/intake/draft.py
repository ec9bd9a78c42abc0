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


class _NoAliases(yaml.SafeDumper):
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
        "#",
        *("# " + line if line else "#" for line in result.report_lines()),
        "",
    ]
    body = yaml.dump(
        result.draft, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100
    )
    inspection_id = result.draft.get("inspection", {}).get("id")
    if inspection_id:
        body = body.replace(
            f"  id: {inspection_id}\n",
            f"  id: {inspection_id}  # derived from the year and round: edit it (other files refer to it)\n",
            1,
        )
    out_path.write_text("\n".join(header) + body, encoding="utf-8")
    return out_path
