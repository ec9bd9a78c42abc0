"""The office-edited calendar in the database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import Session, delete

from models import CalendarDay, CalendarYear
from rectify.core.calendar import WorkCalendar, read_year_file
from rectify.core.clock import utc_now
from rectify.problems.tree import load_calendar


def load_year_file(path: Path, *, session: Session) -> tuple[int, int]:
    """Replace one year's special days (调休, holidays) with the file's: (year, days loaded).
    A file that cannot be read or does not hold raises ``HolidayFileError`` (a ``ValueError``,
    each line ``<file>:第 N 行，字段 …：…``) and writes nothing."""
    spec = read_year_file(path)  # HolidayFileError, every violation located
    entries = spec.entries()
    year_start, year_end = dt.date(spec.year, 1, 1), dt.date(spec.year, 12, 31)
    session.exec(
        delete(CalendarDay).where(CalendarDay.day >= year_start, CalendarDay.day <= year_end)
    )
    for day, is_workday, name in entries:
        session.merge(CalendarDay(day=day, is_workday=is_workday, name=name))
    session.merge(CalendarYear(year=spec.year, source=str(path), loaded_at=utc_now()))
    return spec.year, len(entries)


def current_calendar(*, session: Session) -> WorkCalendar:
    """The working-day calendar (工作日): built-in years plus the office's loaded ones."""
    return load_calendar(session)
