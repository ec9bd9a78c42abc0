"""The contents of one ledger cell (单元格): the numbered measures a 整改措施 cell lists
("1.… 2.…", "(1)…", "①…", "一是…二是…"), and the names a leader, department or person cell
lists ("张三、李四")."""

from __future__ import annotations

import re

from rectify.intake.numerals import chinese_number
from rectify.intake.reading import normalise

_BOUNDARY = r"(?:^|(?<=[\s。;:,!?、]))"
_MARKERS = (  # bracketed and circled numbers need no boundary before them
    re.compile(_BOUNDARY + r"(\d{1,2})\s*[.、](?!\d)"),
    re.compile(r"\(\s*(\d{1,2})\s*\)"),
    re.compile(_BOUNDARY + r"(\d{1,2})\)"),
    re.compile(r"([\u2460-\u2473])"),
    re.compile(_BOUNDARY + r"([一二三四五六七八九十]{1,3})是"),
    re.compile(r"\(\s*([一二三四五六七八九十]{1,3})\s*\)"),
)
_NAME_SEPARATORS = re.compile(r"[、,;/\n]+|\s{2,}")
_NO_NAME = {"", "无", "/", "-", "—", "——", "暂无", "待定"}


def _number(token: str) -> int | None:
    if len(token) == 1 and 0x2460 <= ord(token) <= 0x2473:
        return ord(token) - 0x2460 + 1
    return chinese_number(token)


def _run(pattern: re.Pattern, text: str) -> list[re.Match]:
    """The markers of one style numbered 1, 2, 3 … in order (or from the number the cell
    starts with: Word's list numbering runs on from one cell to the next)."""
    accepted: list[re.Match] = []
    expected = 1
    for match in pattern.finditer(text):
        number = _number(match.group(1))
        if not accepted and match.start() == 0 and number:
            expected = number
        if number == expected:
            accepted.append(match)
            expected += 1
    return accepted


def one_line(text: str) -> str:
    """A cell's text on one line, without closing punctuation."""
    text = "".join(part.strip() for part in normalise_cell(text).split("\n"))
    return text.strip().strip("。;,、").strip()


def normalise_cell(text: str) -> str:
    """Each line of a cell normalised (full width → half width, traditional → simplified)."""
    return "\n".join(normalise(line) for line in text.split("\n"))


def split_measures(text: str) -> tuple[list[str], str]:
    """(measures, introduction): the numbered items of a cell, or the whole cell as one
    measure when it numbers none; the text before the first number is the introduction."""
    text = normalise_cell(text).strip()
    if not text:
        return [], ""
    best: list[re.Match] = []
    for pattern in _MARKERS:
        run = _run(pattern, text)
        if len(run) > len(best) or (
            run and best and len(run) == len(best) and run[0].start() < best[0].start()
        ):
            best = run
    if len(best) < 2 and not (best and best[0].start() == 0):
        return [one_line(text)], ""
    intro = one_line(text[: best[0].start()])
    items = []
    for k, match in enumerate(best):
        end = best[k + 1].start() if k + 1 < len(best) else len(text)
        item = one_line(text[match.end() : end])
        if item:
            items.append(item)
    return items, intro


def split_names(text: str) -> list[str]:
    """The names a cell lists, as written ("张三、李四" → ["张三", "李四"])."""
    names = []
    for part in _NAME_SEPARATORS.split(normalise_cell(text)):
        part = part.strip().strip("。;,")
        if part.startswith("(") and names:  # "张三\n(局长)": a title on its own line
            names[-1] += part
        elif part not in _NO_NAME and part not in names:
            names.append(part)
    return names
