"""Counts (数量): those the text states ("3个方面31个问题", "已整改销号26个"), those parsed
from the outline, and where they disagree."""

from __future__ import annotations

from collections import Counter

from rectify.intake.draft import COUNT_NAMES, PLACEHOLDER, OutlineResult
from rectify.intake.numerals import chinese_number
from rectify.intake.state import ParseState
from rectify.intake.vocabulary import COUNT_PATTERNS


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
            where = "、".join(f"{v}（第 {n} 行）" for v, n in values)
            name = COUNT_NAMES.get(key, key)
            state.count_conflicts.append(f"正文给出的{name}数量不一：{where}")
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
            lines = "、".join(str(n) for n in state.count_lines.get(key, []))
            extra = ""
            if key == "closed":
                extra = "（读出 = 未标为长期整改的问题）"
            out.append(
                f"{COUNT_NAMES.get(key, key)}：正文为 {value}（第 {lines} 行），读出 {parsed}{extra}"
            )
    found = result.counts_found
    if {"problems", "closed", "long_term"} <= found.keys():
        if found["closed"] + found["long_term"] != found["problems"]:
            out.append(
                f"正文自身的数量对不上：已销号 {found['closed']} + 长期整改 "
                f"{found['long_term']} ≠ 问题 {found['problems']}"
            )
    return out
