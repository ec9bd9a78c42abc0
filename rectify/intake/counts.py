"""Counts (数量): those the text states ("3个方面31个问题", "已整改销号26个"), those parsed
from the outline, and where they disagree."""

from __future__ import annotations

from collections import Counter

from rectify.intake.draft import PLACEHOLDER, OutlineResult
from rectify.intake.numerals import chinese_number
from rectify.intake.state import ParseState
from rectify.intake.vocabulary import COUNT_PATTERNS

_NAMES = {
    "aspects": "aspects (方面)",
    "problems": "problems (问题)",
    "closed": "closed problems (已整改销号)",
    "long_term": "long-term problems (需长期整改)",
    "measures": "measures (整改措施)",
}


def counts_in(text: str) -> list[tuple[str, int]]:
    """(key, value) of every count ``text`` states, e.g. ("problems", 31)."""
    found = []
    taken: list[tuple[int, int]] = []
    for keys, pattern in COUNT_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            taken.append(match.span())
            for key, token in zip(keys, match.groups(), strict=True):
                value = chinese_number(token)
                if value is not None:
                    found.append((key, value))
    return found


def counts_found(state: ParseState) -> dict[str, int]:
    """The counts stated outside the problems' text (the most frequent value of each);
    different values of one count are kept as conflicts."""
    problem_lines = state.problem_lines
    seen: dict[str, list[tuple[int, int]]] = {}
    for line in state.lines:
        if line.n in problem_lines:
            continue
        for key, value in counts_in(line.text):
            seen.setdefault(key, []).append((value, line.n))
            state.used.add(line.n)
    counts: dict[str, int] = {}
    state.count_lines = {}
    for key, values in seen.items():
        distinct = Counter(v for v, _ in values)
        counts[key] = distinct.most_common(1)[0][0]
        state.count_lines[key] = [n for _, n in values]
        if len(distinct) > 1:
            where = ", ".join(f"{v} (line {n})" for v, n in values)
            state.count_conflicts.append(f"the text gives different {key} counts: {where}")
    return counts


def counts_parsed(state: ParseState, result: OutlineResult) -> dict[str, int]:
    """The counts of the drafted outline."""
    aspects = result.draft.get("aspects", [])
    categories = [c for a in aspects for c in a["categories"]]
    problems = [p for c in categories for p in c["problems"]]
    measures = [m for p in problems for m in p["measures"]]
    due = [m for m in measures if m["due"] not in (PLACEHOLDER, "long_term")]
    counts = {
        "aspects": len(aspects),
        "categories": len(categories),
        "problems": len(problems),
        "measures": len(measures),
        "long_term": len(result.long_term),
        "measures_due": len(due),
        "measures_due_missing": sum(1 for m in measures if m["due"] == PLACEHOLDER),
    }
    if state.is_progress:
        # problems not flagged long-term are taken as done (已整改销号) at the report date
        counts["closed"] = len(problems) - len(result.long_term)
    return counts


def mismatches(state: ParseState, result: OutlineResult) -> list[str]:
    """Stated counts that differ from the parsed ones, and stated counts that do not add up."""
    out = list(state.count_conflicts)
    for key, value in result.counts_found.items():
        parsed = result.counts_parsed.get(key)
        if parsed is not None and parsed != value:
            lines = ", ".join(str(n) for n in state.count_lines.get(key, []))
            extra = ""
            if key == "closed":
                extra = " (parsed = problems not flagged long-term)"
            out.append(
                f"{_NAMES.get(key, key)}: the text says {value} (line {lines}), "
                f"parsed {parsed}{extra}"
            )
    found = result.counts_found
    if {"problems", "closed", "long_term"} <= found.keys():
        if found["closed"] + found["long_term"] != found["problems"]:
            out.append(
                f"the text's own counts do not add up: {found['closed']} closed + "
                f"{found['long_term']} long-term != {found['problems']} problems"
            )
    return out
