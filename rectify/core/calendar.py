"""The working-day calendar (工作日): Chinese official holidays and adjusted workdays (调休).

``chinesecalendar`` describes 2004–2026. Later years (deadlines reach 2027) are described by
an editable holiday file loaded into the database (``rectify calendar load``). Where a date
falls in a later year nobody has described, the calendar counts the statutory holidays the
national holiday regulation fixes (``statutory_holidays``) and weekends as rest days; before
2004 it counts Monday–Friday. Either way it records the year in ``unknown_years`` so every
caller can warn that the State Council's make-up workdays (调休) are missing — never a silent
guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

import chinese_calendar
from lunar_python import Lunar, Solar
from pydantic import BaseModel, ValidationError, model_validator

from rectify.core.inputs import InputRefused, read_text
from rectify.core.located import located_yaml
from rectify.core.messages import line, located, pydantic_message, unreadable

BUILTIN_YEARS = range(2004, 2027)
# 《全国年节及纪念日放假办法》 as amended in 2024 is in force from 2025.
STATUTORY_SINCE = 2025
REGULATION = "《全国年节及纪念日放假办法》"


@cache
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """The rest days the national holiday regulation fixes in ``year`` (from 2025), by name:
    元旦, 春节 (除夕 to 初三), 清明 (the solar term), 劳动节, 端午, 中秋, 国庆. Without the
    make-up workdays (调休) and bridging days only the State Council's yearly notice gives."""
    if year < STATUTORY_SINCE:
        raise ValueError(f"the regulation in force from {STATUTORY_SINCE} does not fix {year}")
    first_lunar_day = Lunar.fromYmd(year, 1, 1)
    eve = _date(first_lunar_day.getSolar()) - dt.timedelta(days=1)  # 除夕: the lunar year's last
    fixed = [
        ("元旦", dt.date(year, 1, 1), 1),
        ("春节", eve, 4),
        ("清明", _date(first_lunar_day.getJieQiTable()["清明"]), 1),
        ("劳动节", dt.date(year, 5, 1), 2),
        ("端午", _date(Lunar.fromYmd(year, 5, 5).getSolar()), 1),
        ("中秋", _date(Lunar.fromYmd(year, 8, 15).getSolar()), 1),
        ("国庆", dt.date(year, 10, 1), 3),
    ]
    return MappingProxyType(  # cached: shared by every caller, so read-only
        {first + dt.timedelta(days=i): name for name, first, length in fixed for i in range(length)}
    )


def _date(solar: Solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


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
            if day.year >= STATUTORY_SINCE and day in statutory_holidays(day.year):
                return False
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday ``day`` falls in, if the calendar knows its name."""
        if day in self.overrides:
            return None
        if day.year in BUILTIN_YEARS:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            return name if on_holiday and name else None
        if day.year >= STATUTORY_SINCE and day.year not in self.described_years:
            return statutory_holidays(day.year).get(day)
        return None

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def warnings(self) -> list[str]:
        """One warning per year the calendar had to guess, naming the year."""
        return [_warning(year) for year in sorted(self.unknown_years)]


def _warning(year: int) -> str:
    reload = f"请用 `rectify calendar load` 录入{year}年的节假日文件后重新计算"
    if year < STATUTORY_SINCE:
        return f"警告：{year}年的节假日安排尚未录入，已按周一至周五为工作日推算；{reload}"
    return (
        f"警告：{year}年的节假日安排尚未录入，已按{REGULATION}规定的法定节假日和周末推算"
        f"（国务院公布前，调休上班日和连休安排尚不可知）；国务院公布后，{reload}"
    )


class DayRange(BaseModel):
    model_config = {"extra": "forbid", "populate_by_name": True}

    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    name: str = ""

    @model_validator(mode="after")
    def _one_form(self) -> DayRange:
        if (self.date is None) == (self.start is None or self.end is None):
            raise ValueError("应给出 date，或同时给出 start 和 end")
        if self.start and self.end and self.start > self.end:
            raise ValueError("开始日期（start）晚于结束日期（end）")
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
        for path, message in self.outside_year():
            raise ValueError(f"{'.'.join(map(str, path))}：{message}")
        return out

    def outside_year(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each date of an entry that falls outside the file's year: its path and why."""
        out = []
        for kind in ("holidays", "workdays"):
            for i, entry in enumerate(getattr(self, kind)):
                for key in ("date", "start", "end"):
                    day = getattr(entry, key)
                    if day is not None and day.year != self.year:
                        out.append(((kind, i, key), f"{day} 不在 {self.year} 年内"))
        return out


class HolidayFileError(ValueError):
    """Every violation found in a holiday file, each located; nothing was loaded."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def read_year_file(path: Path) -> YearCalendar:
    """Read an office holiday file (节假日安排) for one year, within the input limits; a file
    refused, not YAML or not of the format raises ``HolidayFileError`` (a ``ValueError``)
    listing every violation with its file, line and field."""
    try:
        file = located_yaml(path, read_text(path))
    except InputRefused as exc:
        raise HolidayFileError([str(exc)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HolidayFileError([located(str(path), "", "", unreadable(exc))]) from None
    if file is None or not isinstance(file.data, dict):
        why = "文件为空" if file is None else "文件顶层应为“字段: 值”的映射"
        raise HolidayFileError([located(str(path), line(1), "", why)])
    try:
        spec = YearCalendar.model_validate(file.data)
    except ValidationError as exc:
        errors = [file.error(err["loc"], pydantic_message(err)) for err in exc.errors()]
        raise HolidayFileError(errors) from None
    if outside := spec.outside_year():
        raise HolidayFileError([file.error(path, message) for path, message in outside])
    return spec
