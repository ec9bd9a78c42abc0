"""Dues in words (整改时限): what a ledger's 整改时限 cell says, as the draft's ``due`` —
"2023年10月20日前", "10月底前", "2024年6月底", "年底", "上半年" are dates (the year from the
document when the cell has none); "长期坚持", "持续推进", "常态化" are long-term with a
checkpoint to fill in; "立行立改", "已完成" are due at once; anything else is kept as
written for the office to decide."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from rectify.intake.dates import find_dates
from rectify.intake.draft import PLACEHOLDER

LONG_TERM_DUE_WORDS = ("长期坚持", "持续推进", "常态化", "长期", "持续", "长效", "久久为功")
AT_ONCE_WORDS = ("立行立改", "已完成", "已整改", "已办结", "即知即改", "立即整改", "马上就改")
_NO_DAY = r"(?!\s*(?:\d|底|末|初|上旬|中旬|下旬))"
_HALVES = (
    (re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?上半年"), 6),
    (re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?下半年"), 12),
    (re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?:第)?一季度"), 3),
    (re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?:第)?二季度"), 6),
    (re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?:第)?三季度"), 9),
    (re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?:第)?四季度"), 12),
    (re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?年内"), 12),
    # a month without a day ("2023年10月", "11月", "2023.12"): its last day
    (re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月" + _NO_DAY), None),
    (re.compile(r"(?<![\d年.])(?P<m>\d{1,2})\s*月" + _NO_DAY), None),
    (re.compile(r"(?P<y>(?:19|20)\d{2})\s*[.\-/]\s*(?P<m>\d{1,2})(?!\s*[.\-/]?\s*\d)"), None),
)


@dataclass(frozen=True)
class Due:
    """A measure's due as the draft writes it, and how it was read."""

    due: str  # an ISO date, "long_term" or PLACEHOLDER
    checkpoint: str | None = None  # long-term: an ISO date or PLACEHOLDER
    how: str = ""  # "date", "long_term", "at_once", "unknown", "empty"


def _periods(text: str, year: int | None, feedback: dt.date | None) -> list[dt.date]:
    """上半年, 四季度, 年内, a month without a day …: the last day of the period (the next
    year's when a period without a year would end before the feedback)."""
    found = []
    for pattern, month in _HALVES:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            y = int(groups["y"]) if groups.get("y") else year
            m = month or int(groups["m"])
            if not y or not 1 <= m <= 12:
                continue
            if not groups.get("y") and feedback and _month_end(y, m) <= feedback:
                y += 1
            found.append(_month_end(y, m))
    return found


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _dates(text: str, year: int | None, feedback: dt.date | None) -> list[dt.date]:
    dates = []
    for found in find_dates(text, year, feedback):
        date = found.date
        if not found.explicit_year and feedback and date <= feedback:
            date = (
                date.replace(year=date.year + 1) if not (date.month, date.day) == (2, 29) else date
            )
        dates.append(date)
    return sorted(dates + _periods(text, year, feedback))


def read_due(value: object, year: int | None, feedback: dt.date | None) -> Due:
    """The due of a 整改时限 cell (text, or the date a spreadsheet holds)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Due(value.isoformat(), how="date")
    text = "" if value is None else str(value).strip()
    if not text:
        return Due(PLACEHOLDER, how="empty")
    dates = _dates(text, year, feedback)
    if any(word in text for word in LONG_TERM_DUE_WORDS):
        later = [d for d in dates if feedback is None or d > feedback]
        return Due("long_term", later[0].isoformat() if later else PLACEHOLDER, "long_term")
    if dates:
        return Due(dates[-1].isoformat(), how="date")
    if any(word in text for word in AT_ONCE_WORDS):
        if feedback is None:
            return Due(PLACEHOLDER, how="at_once")
        # the importer takes a due after the feedback date: the first day after it
        return Due((feedback + dt.timedelta(days=1)).isoformat(), how="at_once")
    return Due(PLACEHOLDER, how="unknown")


def context_year(texts: list[str]) -> int | None:
    """The earliest year written out in ``texts`` (the year of the ledger's dues)."""
    years = [d.date.year for text in texts for d in find_dates(text, None) if d.explicit_year]
    return min(years) if years else None
