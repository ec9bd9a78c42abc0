"""The parse state (解析状态) of one document: its lines after normalising, and what the
parsing steps have learnt so far (header facts, lines used, notes, lines left unplaced)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from rectify.intake.dates import find_dates
from rectify.intake.numerals import heading
from rectify.intake.reading import is_furniture, normalise
from rectify.intake.vocabulary import SIGNATURE


@dataclass
class DocumentLine:
    """One non-empty line of the document that is not page furniture."""

    n: int  # 1-based position in the document's lines
    raw: str
    text: str  # normalised
    head: tuple[int, int, str] | None  # (rank, number, rest) of an outline heading


@dataclass
class OutlineNode:
    """An aspect (方面), category (类) or problem (问题) of the parsed outline."""

    title: str
    n: int
    number: int | None = None
    rank: int | None = None
    children: list[OutlineNode] = field(default_factory=list)
    text: list[tuple[int, str]] = field(default_factory=list)  # problem: body lines
    items: list[tuple[int, str]] = field(default_factory=list)  # problem: numbered measures


@dataclass
class ParseState:
    """What the parsing steps know of one document."""

    source: str
    lines: list[DocumentLine] = field(default_factory=list)
    furniture: list[tuple[int, str]] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # lines that gave a header fact or a count
    notes: list[str] = field(default_factory=list)
    facts: dict[str, tuple[Any, int | None]] = field(default_factory=dict)
    publish_date: tuple[dt.date, int] | None = None
    signature_date: tuple[dt.date, int] | None = None
    feedback_date: dt.date | None = None
    year: int | None = None  # the year of context for dates without a year
    is_progress: bool = False
    report_date: dt.date | None = None
    top_is_aspect: bool = False  # the "一、" headings are aspects, not document sections
    loose: list[DocumentLine] = field(default_factory=list)  # lines outside the problems
    intro: list[DocumentLine] = field(default_factory=list)  # region lines before a heading
    problem_lines: set[int] = field(default_factory=set)  # lines of problem text
    count_conflicts: list[str] = field(default_factory=list)
    count_lines: dict[str, list[int]] = field(default_factory=dict)
    skipped: list[tuple[int, int, str]] = field(default_factory=list)

    def add_fact(self, name: str, value: Any, n: int | None) -> None:
        """Keep the first value found of a header fact and mark its line used."""
        if name not in self.facts and value not in (None, ""):
            self.facts[name] = (value, n)
            if n is not None:
                self.used.add(n)

    def first_match(self, pattern: re.Pattern, group: int = 0) -> tuple[str, int] | None:
        """(matched text, line number) of the first line ``pattern`` finds, else None."""
        for line in self.lines:
            match = pattern.search(line.text)
            if match:
                return match.group(group), line.n
        return None

    def is_signature(self, line: DocumentLine) -> bool:
        """The unit's signature (落款) or the signature date."""
        return bool(
            (SIGNATURE.match(line.text) and len(line.text) <= 40)
            or (self.signature_date and line.n == self.signature_date[1])
        )


def read_lines(lines: list[str], source: str) -> ParseState:
    """The state of a document's lines: normalised, page furniture set apart (its publication
    date kept)."""
    state = ParseState(source)
    for n, raw in enumerate(lines, start=1):
        text = normalise(raw)
        if not text:
            continue
        if is_furniture(text):
            state.furniture.append((n, raw.strip()))
            if text.startswith(("发布日期", "发布时间", "(时间", "时间")):
                dates = find_dates(text, None)
                if dates and dates[0].explicit_year:
                    state.publish_date = (dates[0].date, n)
            continue
        state.lines.append(DocumentLine(n, raw.strip(), text, heading(text)))
    return state
