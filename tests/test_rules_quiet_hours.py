import datetime as dt

import pendulum
import pytest

from rectify.core.calendar import WorkCalendar
from rectify.notices.quiet_hours import delivery_instant

TZ = "Asia/Shanghai"


def local(*args):
    return pendulum.datetime(*args, tz=TZ)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(2026, 9, 28, 10, 0), local(2026, 9, 28, 10, 0)),  # Monday morning: now
        (local(2026, 9, 28, 7, 30), local(2026, 9, 28, 9, 0)),  # before hours: 09:00 same day
        (local(2026, 9, 28, 18, 0), local(2026, 9, 29, 9, 0)),  # evening: next morning
        (local(2026, 9, 30, 20, 0), local(2026, 10, 8, 9, 0)),  # eve of National Day
        (local(2026, 10, 3, 9, 0), local(2026, 10, 8, 9, 0)),  # inside the holiday
        (local(2026, 10, 9, 19, 0), local(2026, 10, 10, 9, 0)),  # make-up Saturday is a workday
        (local(2026, 10, 10, 19, 0), local(2026, 10, 12, 9, 0)),  # then Sunday is not
    ],
)
def test_delivery_waits_for_the_next_working_morning(at, expected):
    got = delivery_instant(at, TZ, WorkCalendar())
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() == dt.timedelta(0)
