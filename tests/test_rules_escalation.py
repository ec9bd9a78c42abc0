import datetime as dt

import pytest

from rectify.problems.rules.escalation import Level, escalation_level

DUE = dt.date(2024, 10, 31)


@pytest.mark.parametrize(
    ("on", "level"),
    [
        (dt.date(2024, 10, 10), None),  # 21 days left
        (dt.date(2024, 10, 11), Level.GREEN),  # 20 days: first reminder
        (dt.date(2024, 10, 20), Level.GREEN),  # 11 days
        (dt.date(2024, 10, 21), Level.YELLOW),  # 10 days: second reminder
        (dt.date(2024, 10, 31), Level.YELLOW),  # the due day itself is not late
        (dt.date(2024, 11, 1), Level.RED),  # overdue the day after
    ],
)
def test_level_on_a_date(on, level):
    assert escalation_level(DUE, on, (20, 10)) == level


def test_long_term_measures_do_not_escalate_by_date():
    assert escalation_level(None, dt.date(2030, 1, 1), (20, 10)) is None
