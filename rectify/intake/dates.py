"""Dates named in words (日期): "2024年3月14日", "8月底前", "年底前", on-site spans and
signature dates whose 年月日 were lost."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FoundDate:
    """A date named in the text, normalised."""

    text: str
    date: dt.date
    deadline: bool  # "…前": a due date, not an event
    explicit_year: bool
    start: int


_YEAR = r"(?<!\d)(?P<y>(?:19|20)\d{2})"
_PART = r"(?P<p>底|末|初|上旬|中旬|下旬)"
_DATE_PATTERNS = (
    re.compile(_YEAR + r"\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"),
    # 年 may be lost in scraped text ("20243月14日"); the month keeps the match honest
    re.compile(_YEAR + r"\s*年?\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"),
    re.compile(_YEAR + r"\s*年\s*(?P<m>\d{1,2})\s*月\s*" + _PART),
    re.compile(
        r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*(?:[-—~至到]\s*\d{1,2}\s*)?[日号]"
    ),
    re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*" + _PART),
    re.compile(r"(?:(?<!\d)(?P<y>(?:19|20)\d{2})\s*)?年\s*(?P<p>底|末)"),
)
_DEADLINE_AFTER = re.compile(r"\s*(?:以前|之前|前)")


def _day_of(year: int, month: int, part: str | None, day: str | None) -> dt.date | None:
    try:
        if day is not None:
            return dt.date(year, month, int(day))
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, {"初": 10, "上旬": 10, "中旬": 20}.get(part or "", last))
    except ValueError:
        return None


def find_dates(
    text: str, context_year: int | None, not_before: dt.date | None = None
) -> list[FoundDate]:
    """Every date named in ``text``, in order, normalised to a ``datetime.date``.

    A date without a year takes the last explicit year before it in the same text, else
    ``context_year`` (dates are skipped when neither is known). "8月底前" is the last day of
    August; "年底前" is 31 December. A deadline without a year that would fall on or before
    ``not_before`` (the feedback date) is taken in the following year.
    """
    taken: list[tuple[int, int]] = []
    raw: list[tuple[int, re.Match]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            raw.append((span[0], match))
    found: list[FoundDate] = []
    year_before = None
    for start, match in sorted(raw, key=lambda item: item[0]):
        groups = match.groupdict()
        explicit = groups.get("y") is not None
        year = int(groups["y"]) if explicit else (year_before or context_year)
        if year is None:
            continue
        deadline = bool(_DEADLINE_AFTER.match(text, match.end()))
        if groups.get("m") is None:  # 年底
            month, part, day = 12, "底", None
        else:
            month, part, day = int(groups["m"]), groups.get("p"), groups.get("d")
        if not 1 <= month <= 12:
            continue
        date = _day_of(year, month, part, day)
        if date is None:
            continue
        if not explicit and deadline and not_before and date <= not_before:
            date = _day_of(year + 1, month, part, day) or date
        if explicit:
            year_before = year
        found.append(FoundDate(match.group(0).strip(), date, deadline, explicit, start))
    return found


# The on-site span (进驻) of an inspection: two dates joined by 至 / 到 / a dash.
ONSITE = re.compile(
    _YEAR + r"\s*年?\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?\s*(?:至|到|—+|–|-|~)?\s*"
    r"(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_BARE_DATE = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<md>\d{2,4})$")


def bare_date(text: str) -> dt.date | None:
    """A signature date whose 年月日 were lost ("2025520"): accepted when only one reading
    is a real date."""
    match = _BARE_DATE.match(text.replace(" ", ""))
    if not match:
        text_dates = find_dates(text, None)
        whole = [d for d in text_dates if len(d.text) >= len(text.replace(" ", "")) - 1]
        return whole[0].date if whole and whole[0].explicit_year else None
    year, digits = int(match.group("y")), match.group("md")
    readings = set()
    for cut in range(1, len(digits)):
        month, day = digits[:cut], digits[cut:]
        if len(month) > 2 or len(day) > 2 or day.startswith("0") and len(day) == 1:
            continue
        try:
            readings.add(dt.date(year, int(month), int(day)))
        except ValueError:
            continue
    return readings.pop() if len(readings) == 1 else None
