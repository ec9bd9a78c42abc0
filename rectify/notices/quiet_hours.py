"""Quiet hours: a notice is delivered only on a working day within working hours; outside
them it waits for the next working morning."""

from __future__ import annotations

import datetime as dt

import pendulum

from rectify.core.deadlines import WorkdayOracle


def delivery_instant(
    at: dt.datetime, tz: str, calendar: WorkdayOracle, start_hour: int = 9, end_hour: int = 18
) -> dt.datetime:
    """The first instant at or after ``at`` that is inside working hours (UTC out)."""
    local = pendulum.instance(at).in_tz(tz)
    day = local.date()
    if calendar.is_workday(day) and start_hour <= local.hour < end_hour:
        return at.astimezone(dt.UTC)
    if not (calendar.is_workday(day) and local.hour < start_hour):
        day = day.add(days=1)
        while not calendar.is_workday(day):
            day = day.add(days=1)
    return pendulum.datetime(day.year, day.month, day.day, start_hour, tz=tz).in_tz("UTC")
