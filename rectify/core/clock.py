"""Instants at the edges: parse local times given by people, convert stored UTC for display."""

from __future__ import annotations

import datetime as dt
import functools

import pendulum

DEFAULT_HOUR = 9  # "an `at` without a time means 09:00 local"


def utc_now() -> dt.datetime:
    """Now, as an aware UTC instant."""
    return dt.datetime.now(dt.UTC)


def parse_instant(value: str | dt.date | dt.datetime | None, tz: str) -> dt.datetime:
    """A local date or date-time (in ``tz``) as an aware UTC instant; None means now."""
    if value is None:
        return utc_now()
    if isinstance(value, dt.datetime):
        local = value if value.tzinfo else pendulum.instance(value, tz=tz)
        return local.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return _local(value, DEFAULT_HOUR, 0, tz)
    text = str(value).strip()
    try:
        if len(text) == 10:
            return _local(dt.date.fromisoformat(text), DEFAULT_HOUR, 0, tz)
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"不是有效的日期或时间：{text!r}（应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）"
        ) from None
    return parse_instant(parsed, tz)


def _local(day: dt.date, hour: int, minute: int, tz: str) -> dt.datetime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=tz).in_tz("UTC")


def local_date(instant: dt.datetime, tz: str) -> dt.date:
    """The calendar date of ``instant`` in the inspection's zone (a naive instant is UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(_zone(tz)).date()


@functools.cache
def _zone(tz: str) -> dt.tzinfo:
    """The zone named ``tz``, looked up once (a lookup reads the zone's rules)."""
    return pendulum.timezone(tz)


def local_text(instant: dt.datetime | None, tz: str) -> str:
    """``instant`` as local 'YYYY-MM-DD HH:mm' in ``tz`` (empty for None)."""
    if instant is None:
        return ""
    return pendulum.instance(instant).in_tz(tz).format("YYYY-MM-DD HH:mm")


def local_iso(instant: dt.datetime, tz: str) -> str:
    """``instant`` as a local ISO 8601 text in ``tz``."""
    return pendulum.instance(instant).in_tz(tz).isoformat()


def as_utc(instant: dt.datetime) -> dt.datetime:
    """A plain aware UTC datetime; a naive one is taken as UTC already (values that crossed
    a serialisation boundary lose their zone, never their UTC meaning)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    instant = instant.astimezone(dt.UTC)
    return dt.datetime(
        instant.year,
        instant.month,
        instant.day,
        instant.hour,
        instant.minute,
        instant.second,
        instant.microsecond,
        tzinfo=dt.UTC,
    )


def end_of_local_day_utc(day: dt.date, tz: str) -> dt.datetime:
    """The first instant after ``day`` in ``tz``, in UTC."""
    return pendulum.datetime(day.year, day.month, day.day, tz=tz).add(days=1).in_tz("UTC")
