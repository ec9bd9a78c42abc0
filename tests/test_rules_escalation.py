"""The escalation level of a measure on a date (rectify/problems/rules/escalation.py): green
at the first reminder (绿色提醒), yellow at the second (黄色预警), red when overdue (红色督办),
the day after the due date; a long-term measure (no due) never escalates by date."""

import datetime as dt

import pytest

from rectify.problems.rules.escalation import LEVEL_LABELS, Level, escalation_level, is_overdue
from tests.tables import cases

DUE = dt.date(2024, 10, 31)
D = dt.date

# (case, due, on, reminders (first, second) in days before due, expected level)
LEVELS = [
    ("21_days_left-nothing", DUE, D(2024, 10, 10), (20, 10), None),
    ("20_days_left-first_reminder", DUE, D(2024, 10, 11), (20, 10), Level.GREEN),
    ("11_days_left-still_green", DUE, D(2024, 10, 20), (20, 10), Level.GREEN),
    ("10_days_left-second_reminder", DUE, D(2024, 10, 21), (20, 10), Level.YELLOW),
    ("due_day-not_late", DUE, D(2024, 10, 31), (20, 10), Level.YELLOW),
    ("day_after_due-overdue", DUE, D(2024, 11, 1), (20, 10), Level.RED),
    ("a_year_late-still_red", DUE, D(2025, 11, 1), (20, 10), Level.RED),
    ("long_term_no_due", None, D(2030, 1, 1), (20, 10), None),
    ("long_term_no_due-inside_any_window", None, DUE, (20, 10), None),
    # other policies' reminders (first > second >= 0)
    ("7_3-8_days_left-nothing", DUE, D(2024, 10, 23), (7, 3), None),
    ("7_3-7_days_left-green", DUE, D(2024, 10, 24), (7, 3), Level.GREEN),
    ("7_3-3_days_left-yellow", DUE, D(2024, 10, 28), (7, 3), Level.YELLOW),
    ("5_0-1_day_left-green", DUE, D(2024, 10, 30), (5, 0), Level.GREEN),
    ("5_0-due_day-yellow", DUE, D(2024, 10, 31), (5, 0), Level.YELLOW),
    ("5_0-day_after-red", DUE, D(2024, 11, 1), (5, 0), Level.RED),
    # across a month and a year end
    ("due_jan_1-dec_31-yellow", D(2025, 1, 1), D(2024, 12, 31), (20, 10), Level.YELLOW),
    ("due_dec_31-jan_1-red", D(2024, 12, 31), D(2025, 1, 1), (20, 10), Level.RED),
]


@pytest.mark.parametrize(("due", "on", "reminders", "expected"), cases(LEVELS))
def test_level_on_a_date(due, on, reminders, expected):
    assert escalation_level(due, on, reminders) == expected


# (case, due, on, overdue?)
OVERDUE = [
    ("before_due", DUE, D(2024, 10, 30), False),
    ("on_the_due_day", DUE, DUE, False),
    ("day_after_due", DUE, D(2024, 11, 1), True),
    ("long_term_no_due", None, D(2030, 1, 1), False),
]


@pytest.mark.parametrize(("due", "on", "expected"), cases(OVERDUE))
def test_overdue_on_a_date(due, on, expected):
    assert is_overdue(due, on) is expected
    # overdue exactly when the level is red
    assert (escalation_level(due, on, (20, 10)) is Level.RED) is expected


# (case, level, label)
LABELS = [
    ("green", Level.GREEN, "绿色提醒"),
    ("yellow", Level.YELLOW, "黄色预警"),
    ("red", Level.RED, "红色督办"),
]


@pytest.mark.parametrize(("level", "label"), cases(LABELS))
def test_level_label(level, label):
    assert LEVEL_LABELS[level] == label
