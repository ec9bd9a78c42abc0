"""``rectify calendar …``: the working-day calendar (工作日, 调休) the deadlines count in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from models import create_schema, session_scope
from rectify.cli.common import console, fail, parse_day, warn
from rectify.core.calendar import BUILTIN_YEARS, REGULATION
from rectify.core.deadlines import Period, add_period
from rectify.core.settings import get_settings
from rectify.workdays.store import current_calendar, load_year_file

calendar_app = typer.Typer(help="The working-day calendar (工作日, 调休).", no_args_is_help=True)
WEEKDAYS = "一二三四五六日"


@calendar_app.command("load")
def calendar_load(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Load a year's holiday file (YAML: year, holidays, workdays); replaces that year."""
    create_schema()
    try:
        with session_scope() as session:
            year, days = load_year_file(file, session=session)
    except ValueError as exc:
        fail(str(exc))  # each line names the file, its line and field
    console.print(f"calendar {year}: {days} special days loaded from {file}", highlight=False)


@calendar_app.command("check")
def calendar_check(day: str) -> None:
    """Is DAY a working day?"""
    d = parse_day(day, "DAY", get_settings().timezone)
    create_schema()
    with session_scope() as session:
        calendar = current_calendar(session=session)
    name = calendar.holiday_name(d)
    console.print(
        f"{d} ({WEEKDAYS[d.weekday()]}): {'工作日' if calendar.is_workday(d) else '休息日'}"
        + (f" — {name}" if name else ""),
        highlight=False,
    )
    warn(calendar.warnings())


@calendar_app.command("add")
def calendar_add(
    start: str,
    count: int,
    working: Annotated[bool, typer.Option("--working", help="count working days (工作日)")] = False,
) -> None:
    """The date COUNT calendar (or working) days after START."""
    d = parse_day(start, "START", get_settings().timezone)
    create_schema()
    with session_scope() as session:
        calendar = current_calendar(session=session)
    period = Period(working_days=count) if working else Period(days=count)
    console.print(f"{d} + {period.describe()} = {add_period(d, period, calendar)}", highlight=False)
    warn(calendar.warnings())


@calendar_app.command("years")
def calendar_years() -> None:
    """Which years the calendar describes."""
    create_schema()
    with session_scope() as session:
        calendar = current_calendar(session=session)
    console.print(
        f"built in (chinesecalendar): {BUILTIN_YEARS.start}–{BUILTIN_YEARS.stop - 1}",
        highlight=False,
    )
    console.print(
        f"loaded by the office: {sorted(calendar.described_years) or 'none'}", highlight=False
    )
    console.print(
        f"以后未录入的年份：按{REGULATION}规定的法定节假日和周末推算，并发出警告"
        "（调休上班日待国务院公布后录入该年的节假日文件）",
        highlight=False,
    )
