"""Word's automatic list numbering (自动编号): the label a numbered paragraph displays
("一、", "(一)", "1.", "①" …), computed from numbering.xml (list levels, their format and
text) and the paragraph's list and level, so that the outline reader sees it as if typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from rectify.intake.numerals import to_chinese

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"


def _roman(number: int) -> str:
    out = ""
    for value, mark in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while number >= value:
            out += mark
            number -= value
    return out


def _letters(number: int) -> str:
    return chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def format_number(number: int, fmt: str) -> str:
    """A counter as a list level of format ``fmt`` shows it (3, "chineseCounting") → "三"."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "ideographDigital"):  # fmt: skip
        return to_chinese(number)
    if fmt == "chineseLegalSimplified" and number < 10:
        return _LEGAL[number]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if fmt in ("ideographTraditional", "ideographEnclosedCircle") and 1 <= number <= 10:
        return _STEMS[number - 1]
    if fmt == "ideographZodiac" and 1 <= number <= 12:
        return _ZODIAC[number - 1]
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        text = _letters(number)
        return text if fmt == "upperLetter" else text.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        text = _roman(number)
        return text if fmt == "upperRoman" else text.lower()
    if fmt == "decimalEnclosedParen" and 1 <= number <= 20:
        return f"({number})"
    return str(number)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""


@dataclass
class Numbering:
    """The lists of one document and their running counters, fed paragraph by paragraph in
    document order."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # abstract, starts
    styles: dict[str, tuple[str, int]] = field(default_factory=dict)  # style id → num, level
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def label(self, paragraph) -> str:
        """The label the paragraph displays ("" when it is not numbered or a bullet)."""
        num, level = self._list_of(paragraph)
        if not num or num not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num]
        levels = self.abstract.get(abstract_id, {})
        if level not in levels or levels[level].fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num not in self.started:
            self.started.add(num)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = levels[level].text
        for k, lvl in levels.items():
            token = f"%{k + 1}"
            if token in text:
                text = text.replace(token, format_number(counters.get(k, lvl.start), lvl.fmt))
        return text

    def _list_of(self, paragraph) -> tuple[str | None, int]:
        ppr = paragraph.find(f"{W}pPr")
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        if numpr is not None:
            num = _val(numpr.find(f"{W}numId"))
            level = _val(numpr.find(f"{W}ilvl"))
            if num is not None:
                return (None if num == "0" else num), int(level or 0)
        style = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        if style and style in self.styles:
            return self.styles[style]
        return None, 0


def _val(element) -> str | None:
    return None if element is None else element.get(f"{W}val")


def read_numbering(numbering_root, styles_root) -> Numbering:
    """The list definitions of numbering.xml and the lists the paragraph styles of
    styles.xml carry (either may be None)."""
    result = Numbering()
    if numbering_root is not None:
        for abstract in numbering_root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iter(f"{W}lvl"):
                start = _val(lvl.find(f"{W}start"))
                levels[int(lvl.get(f"{W}ilvl", "0"))] = _Level(
                    start=int(start) if start and start.isdigit() else 1,
                    fmt=_val(lvl.find(f"{W}numFmt")) or "decimal",
                    text=_val(lvl.find(f"{W}lvlText")) or "",
                )
            result.abstract[abstract.get(f"{W}abstractNumId")] = levels
        for num in numbering_root.iter(f"{W}num"):
            starts = {}
            for override in num.iter(f"{W}lvlOverride"):
                start = _val(override.find(f"{W}startOverride"))
                if start and start.isdigit():
                    starts[int(override.get(f"{W}ilvl", "0"))] = int(start)
            abstract_id = _val(num.find(f"{W}abstractNumId"))
            result.nums[num.get(f"{W}numId")] = (abstract_id or "", starts)
    if styles_root is not None:
        _style_lists(styles_root, result)
    return result


def _style_lists(styles_root, result: Numbering) -> None:
    based: dict[str, str] = {}
    own: dict[str, tuple[str, int]] = {}
    for style in styles_root.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        parent = _val(style.find(f"{W}basedOn"))
        if parent:
            based[style_id] = parent
        numpr = style.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            num = _val(numpr.find(f"{W}numId"))
            if num and num != "0":
                own[style_id] = (num, int(_val(numpr.find(f"{W}ilvl")) or 0))
    for style_id in set(based) | set(own):
        seen, current = set(), style_id
        while current and current not in own and current not in seen:
            seen.add(current)
            current = based.get(current)
        if current in own:
            result.styles[style_id] = own[current]
