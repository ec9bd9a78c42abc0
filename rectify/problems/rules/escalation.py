"""The escalation level of a measure on a date: green at the first reminder, yellow at the
second, red when overdue (超期)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Level(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


LEVEL_LABELS = {Level.GREEN: "绿色提醒", Level.YELLOW: "黄色预警", Level.RED: "红色督办"}


def escalation_level(due: dt.date | None, on: dt.date, reminders: tuple[int, int]) -> Level | None:
    """``reminders`` are (first, second) days before due. A measure is overdue the day after
    its due date. Long-term measures (no due) never escalate by date."""
    if due is None:
        return None
    days_left = (due - on).days
    first, second = reminders
    if days_left < 0:
        return Level.RED
    if days_left <= second:
        return Level.YELLOW
    if days_left <= first:
        return Level.GREEN
    return None


def is_overdue(due: dt.date | None, on: dt.date) -> bool:
    """Whether ``due`` has passed on ``on`` (the due day itself is not overdue)."""
    return due is not None and on > due
