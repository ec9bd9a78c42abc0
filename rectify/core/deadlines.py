"""Deadlines counted in calendar days or working days (工作日)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from pydantic import BaseModel, model_validator


class WorkdayOracle(Protocol):
    def is_workday(self, day: dt.date) -> bool: ...


class Period(BaseModel):
    """``{days: N}`` or ``{working_days: N}``."""

    model_config = {"extra": "forbid"}

    days: int | None = None
    working_days: int | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Period:
        given = [v for v in (self.days, self.working_days) if v is not None]
        if len(given) != 1:
            raise ValueError("应恰好给出 days 或 working_days 其中之一")
        if given[0] < 0:
            raise ValueError("期限不能为负数")
        return self

    def describe(self) -> str:
        return f"{self.days}天" if self.days is not None else f"{self.working_days}个工作日"


def add_period(
    start: dt.date, period: Period, calendar: WorkdayOracle, *, roll: bool = True
) -> dt.date:
    """The last day of ``period`` counted from ``start`` (the start day itself not counted).
    A deadline in calendar days that falls on a non-working day moves to the next working
    day (2024-06-27 + 30 days is Saturday 2024-07-27: due Monday 2024-07-29); ``roll=False``
    for a window that is not a deadline (the centralised period's end)."""
    if period.days is not None:
        end = start + dt.timedelta(days=period.days)
        return next_working_day(end, calendar) if roll else end
    return add_working_days(start, period.working_days or 0, calendar)


def next_working_day(day: dt.date, calendar: WorkdayOracle) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, count: int, calendar: WorkdayOracle) -> dt.date:
    """The date ``count`` working days (工作日) after ``start``."""
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            remaining -= 1
    return day
