"""Deadlines (rectify/core/deadlines.py): a period is ``{days: N}`` or ``{working_days: N}``,
never both, never negative; its last day is counted from the start, the start day itself not
counted; working days skip every day the calendar says is not a working day (工作日)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from rectify.core.deadlines import Period, add_period, add_working_days
from tests.tables import cases

D = dt.date


class MondayToFriday:
    """A calendar without holidays, so that the rows read on their own."""

    def is_workday(self, day: dt.date) -> bool:
        return day.weekday() < 5


class Holiday(MondayToFriday):
    """Monday to Friday, with Wednesday 13 November 2024 a holiday."""

    def is_workday(self, day: dt.date) -> bool:
        return day != D(2024, 11, 13) and super().is_workday(day)


# (case, period as written, expected: its description, or a fragment of the refusal)
PERIODS = [
    ("days", {"days": 30}, "30天"),
    ("working_days", {"working_days": 5}, "5个工作日"),
    ("zero_days", {"days": 0}, "0天"),
    ("zero_working_days", {"working_days": 0}, "0个工作日"),
    ("neither", {}, ValueError("应恰好给出 days 或 working_days 其中之一")),
    ("both", {"days": 5, "working_days": 5}, ValueError("应恰好给出")),
    ("negative_days", {"days": -1}, ValueError("期限不能为负数")),
    ("negative_working_days", {"working_days": -3}, ValueError("期限不能为负数")),
    ("another_unit", {"weeks": 2}, ValueError("Extra inputs are not permitted")),
]


@pytest.mark.parametrize(("written", "expected"), cases(PERIODS))
def test_period(written, expected):
    if isinstance(expected, ValueError):
        with pytest.raises(ValidationError) as info:
            Period.model_validate(written)
        assert str(expected) in str(info.value)
        return
    assert Period.model_validate(written).describe() == expected


# (case, start, period, calendar, expected last day)
LAST_DAYS = [
    ("5_days-on_a_monday", D(2024, 11, 6), Period(days=5), MondayToFriday(), D(2024, 11, 11)),
    ("0_days-the_start", D(2024, 11, 6), Period(days=0), MondayToFriday(), D(2024, 11, 6)),
    ("30_days-a_sunday_rolls_to_monday", D(2024, 11, 15), Period(days=30), MondayToFriday(), D(2024, 12, 16)),
    ("1_working_day-start_not_counted", D(2024, 11, 4), Period(working_days=1), MondayToFriday(), D(2024, 11, 5)),
    ("1_working_day-friday_to_monday", D(2024, 11, 8), Period(working_days=1), MondayToFriday(), D(2024, 11, 11)),
    ("1_working_day-from_saturday", D(2024, 11, 9), Period(working_days=1), MondayToFriday(), D(2024, 11, 11)),
    ("0_working_days-the_start", D(2024, 11, 9), Period(working_days=0), MondayToFriday(), D(2024, 11, 9)),
    ("5_working_days-a_week", D(2024, 11, 6), Period(working_days=5), MondayToFriday(), D(2024, 11, 13)),
    ("5_working_days-a_holiday_adds_a_day", D(2024, 11, 6), Period(working_days=5), Holiday(), D(2024, 11, 14)),
    ("10_working_days-two_weeks", D(2024, 11, 1), Period(working_days=10), MondayToFriday(), D(2024, 11, 15)),
]  # fmt: skip


@pytest.mark.parametrize(("start", "period", "calendar", "expected"), cases(LAST_DAYS))
def test_last_day_of_a_period(start, period, calendar, expected):
    assert add_period(start, period, calendar) == expected
    if period.working_days:
        assert calendar.is_workday(expected)
        assert add_working_days(start, period.working_days, calendar) == expected
