"""Chinese numerals and the official outline numbering (提纲序号): "一、" / "(一)" / "1." /
"(1)" / "1)" / "①"."""

from __future__ import annotations

import re

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十百零〇两"


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十一 → 21, 一百零三 → 103; digits pass through."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


# Ranks in the official order; a document uses them top down, possibly skipping some.
STYLES = ("一、", "(一)", "1.", "(1)", "1)", "①")
_HEADINGS = (
    (0, re.compile(rf"^([{_CN}]{{1,4}})\s*[、.]\s*(?P<rest>.*)$")),
    (1, re.compile(rf"^\(\s*([{_CN}]{{1,4}})\s*\)\s*(?P<rest>.*)$")),
    (3, re.compile(r"^\(\s*(\d{1,3})\s*\)\s*(?P<rest>.*)$")),
    (4, re.compile(r"^(\d{1,3})\s*\)\s*(?P<rest>.*)$")),
    (2, re.compile(r"^(\d{1,3})\s*[.、](?!\d)\s*(?P<rest>.*)$")),
    (5, re.compile(r"^([\u2460-\u2473])\s*(?P<rest>.*)$")),
)


def heading(text: str) -> tuple[int, int, str] | None:
    """(rank, number, rest) when ``text`` starts with an outline number, else None."""
    for rank, pattern in _HEADINGS:
        match = pattern.match(text)
        if match:
            token = match.group(1)
            number = ord(token) - 0x2460 + 1 if rank == 5 else chinese_number(token)
            if number is None:
                continue
            return rank, number, match.group("rest").strip()
    return None


def label(rank: int, number: int) -> str:
    """The published label of a number: (rank 1, 3) → "(三)"."""
    if rank in (0, 1):
        cn = to_chinese(number)
        return f"{cn}、" if rank == 0 else f"({cn})"
    if rank == 5:
        return chr(0x2460 + number - 1) if 1 <= number <= 20 else f"({number})"
    return {2: f"{number}.", 3: f"({number})", 4: f"{number})"}[rank]


def to_chinese(number: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一; from 100 on, the digits."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    return str(number)
