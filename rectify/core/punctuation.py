"""Full-width punctuation in Chinese text (，：；（）): the check and the normalisation every
text the engine writes for a reader goes through (the 通报, notices).

An ASCII comma, colon, semicolon or parenthesis is Chinese punctuation written the wrong way
when a Chinese character stands right before or right after it ("截至10月25日,巡察" →
"截至10月25日，巡察"); between Latin letters or digits it is left alone ("09:00", "1,000",
"https://…", "022-65369880")."""

from __future__ import annotations

import re

# Chinese characters and the punctuation written with them: ideographs, CJK symbols and
# punctuation (、。《》【】), full-width forms (，：；（）), curly quotes and the ellipsis.
CHINESE = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026"
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
_WRONG = re.compile(rf"(?<=[{CHINESE}])[,:;()]|[,:;()](?=[{CHINESE}])")


def ascii_in_chinese(text: str) -> list[str]:
    """Each ASCII ``,:;()`` next to a Chinese character, with two characters either side
    (empty when the text is written right)."""
    return [text[max(0, m.start() - 2) : m.end() + 2] for m in _WRONG.finditer(text)]


def full_width(text: str) -> str:
    """``text`` with every ASCII ``,:;()`` next to a Chinese character made full-width; a
    parenthesis whose partner became full-width follows it ("主任(office_head)" →
    "主任（office_head）")."""
    chars = list(text)
    for m in _WRONG.finditer(text):
        chars[m.start()] = FULL_WIDTH[m.group()]
    _pair_parentheses(chars)
    return "".join(chars)


def _pair_parentheses(chars: list[str]) -> None:
    """Make the partner of each full-width parenthesis full-width too."""
    opened: list[int] = []
    for i, ch in enumerate(chars):
        if ch in "(（":
            opened.append(i)
        elif ch in ")）" and opened:
            start = opened.pop()
            if "（" in (chars[start], ch) or "）" in (chars[start], ch):
                chars[start], chars[i] = "（", "）"
