"""The working-day calendar (工作日): Chinese official holidays and adjusted workdays (调休).

``chinesecalendar`` describes 2004–2026. Later years (deadlines reach 2027) are described by
an editable holiday file loaded into the database (``rectify calendar load``). Where a date
falls in a year nobody has described, the calendar falls back to Monday–Friday and records
the year in ``unknown_years`` so every caller can warn — never a silent guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import chinese_calendar
from pydantic import BaseModel, model_validator

from rectify.core.inputs import InputRefused, load_yaml

BUILTIN_YEARS = range(2004, 2027)


class WorkCalendar:
    def __init__(
        self,
        overrides: Mapping[dt.date, bool] | None = None,
        described_years: Iterable[int] = (),
    ) -> None:
        self.overrides = dict(overrides or {})
        self.described_years = set(described_years)
        self.unknown_years: set[int] = set()

    def describes(self, year: int) -> bool:
        return year in BUILTIN_YEARS or year in self.described_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in BUILTIN_YEARS:
            return chinese_calendar.is_workday(day)
        if day.year not in self.described_years:
            self.unknown_years.add(day.year)
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str | None:
        if day.year in BUILTIN_YEARS and day not in self.overrides:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            return name if on_holiday and name else None
        return None

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def warnings(self) -> list[str]:
        return [
            f"警告:{year}年的节假日安排尚未录入,已按周一至周五为工作日推算;"
            f"请用 `rectify calendar load` 录入{year}年的节假日文件后重新计算"
            for year in sorted(self.unknown_years)
        ]


class DayRange(BaseModel):
    model_config = {"extra": "forbid", "populate_by_name": True}

    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    name: str = ""

    @model_validator(mode="after")
    def _one_form(self) -> DayRange:
        if (self.date is None) == (self.start is None or self.end is None):
            raise ValueError("give either date, or start and end")
        if self.start and self.end and self.start > self.end:
            raise ValueError("start is after end")
        return self

    def days(self) -> list[dt.date]:
        if self.date is not None:
            return [self.date]
        assert self.start and self.end
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class YearCalendar(BaseModel):
    """One year's holiday file: the holidays and the adjusted workdays (调休上班)."""

    model_config = {"extra": "forbid"}

    year: int
    holidays: list[DayRange] = []
    workdays: list[DayRange] = []

    def entries(self) -> list[tuple[dt.date, bool, str]]:
        out = [(d, False, r.name) for r in self.holidays for d in r.days()]
        out += [(d, True, r.name) for r in self.workdays for d in r.days()]
        for day, _, _ in out:
            if day.year != self.year:
                raise ValueError(f"{day} is not in year {self.year}")
        return out


def read_year_file(path: Path) -> YearCalendar:
    """Read an office holiday file (节假日安排) for one year, within the input limits; a file
    refused or not YAML raises ``ValueError`` with its line (and field), without the path."""
    try:
        data = load_yaml(path)
    except InputRefused as exc:
        raise ValueError(exc.located) from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot read the file: {exc}") from None
    return YearCalendar.model_validate(data)
