"""Quiet hours (rectify/notices/quiet_hours.py): a notice is delivered only on a working day
(Chinese official calendar with its 调休 make-up days) within working hours, 09:00–18:00 by
default; outside them it waits for the next working morning. The instant comes out in UTC."""

import datetime as dt

import pendulum
import pytest

from rectify.core.calendar import WorkCalendar
from rectify.notices.quiet_hours import delivery_instant
from tests.tables import cases

TZ = "Asia/Shanghai"


def local(*args):
    return pendulum.datetime(*args, tz=TZ)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


# (case, at, working hours (start, end), expected delivery instant)
INSTANTS = [
    ("monday_morning-now", local(2026, 9, 28, 10, 0), (9, 18), local(2026, 9, 28, 10, 0)),
    ("before_hours-0900_same_day", local(2026, 9, 28, 7, 30), (9, 18), local(2026, 9, 28, 9, 0)),
    ("evening-next_morning", local(2026, 9, 28, 18, 0), (9, 18), local(2026, 9, 29, 9, 0)),
    ("eve_of_national_day", local(2026, 9, 30, 20, 0), (9, 18), local(2026, 10, 8, 9, 0)),
    ("inside_the_holiday", local(2026, 10, 3, 9, 0), (9, 18), local(2026, 10, 8, 9, 0)),
    ("make_up_saturday-workday", local(2026, 10, 9, 19, 0), (9, 18), local(2026, 10, 10, 9, 0)),
    ("then_sunday-not", local(2026, 10, 10, 19, 0), (9, 18), local(2026, 10, 12, 9, 0)),
    # the edges of the working day
    ("0900_sharp-now", local(2026, 11, 4, 9, 0), (9, 18), local(2026, 11, 4, 9, 0)),
    ("1759-now", local(2026, 11, 4, 17, 59), (9, 18), local(2026, 11, 4, 17, 59)),
    ("0859-0900", local(2026, 11, 4, 8, 59), (9, 18), local(2026, 11, 4, 9, 0)),
    ("midnight-0900_same_day", local(2026, 11, 4, 0, 0), (9, 18), local(2026, 11, 4, 9, 0)),
    ("2359-next_morning", local(2026, 11, 4, 23, 59), (9, 18), local(2026, 11, 5, 9, 0)),
    # an ordinary weekend
    ("friday_evening-monday", local(2026, 11, 6, 18, 30), (9, 18), local(2026, 11, 9, 9, 0)),
    ("saturday_noon-monday", local(2026, 11, 7, 12, 0), (9, 18), local(2026, 11, 9, 9, 0)),
    ("sunday_early-monday", local(2026, 11, 8, 6, 0), (9, 18), local(2026, 11, 9, 9, 0)),
    # a holiday that is a weekday: 中秋节, Friday 25 September 2026
    ("mid_autumn_friday-monday", local(2026, 9, 25, 10, 0), (9, 18), local(2026, 9, 28, 9, 0)),
    # a make-up Sunday before National Day is a workday
    ("make_up_sunday-now", local(2026, 9, 20, 10, 0), (9, 18), local(2026, 9, 20, 10, 0)),
    # the instant given in UTC is read in the unit's time zone
    ("utc_0100-is_0900_local", utc(2026, 11, 4, 1, 0), (9, 18), local(2026, 11, 4, 9, 0)),
    ("utc_2330-is_0730_local", utc(2026, 11, 3, 23, 30), (9, 18), local(2026, 11, 4, 9, 0)),
    ("utc_1000-is_1800_local", utc(2026, 11, 4, 10, 0), (9, 18), local(2026, 11, 5, 9, 0)),
    # other working hours
    ("0800_1700-0800", local(2026, 11, 4, 8, 0), (8, 17), local(2026, 11, 4, 8, 0)),
    ("0800_1700-1700", local(2026, 11, 4, 17, 0), (8, 17), local(2026, 11, 5, 8, 0)),
    ("0800_1700-0730", local(2026, 11, 4, 7, 30), (8, 17), local(2026, 11, 4, 8, 0)),
]


@pytest.mark.parametrize(("at", "hours", "expected"), cases(INSTANTS))
def test_delivery_waits_for_the_next_working_morning(at, hours, expected):
    start_hour, end_hour = hours
    got = delivery_instant(at, TZ, WorkCalendar(), start_hour=start_hour, end_hour=end_hour)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() == dt.timedelta(0)
