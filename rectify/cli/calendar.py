"""``rectify calendar …``: the working-day calendar (工作日, 调休) the deadlines count in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from models import create_schema, session_scope
from rectify.cli.common import console, fail, parse_day, refusal_line, warn
from rectify.core.calendar import BUILTIN_YEARS, REGULATION
from rectify.core.deadlines import Period, add_period
from rectify.core.settings import get_settings
from rectify.workdays.store import current_calendar, load_year_file

calendar_app = typer.Typer(help="工作日日历（法定节假日、调休）。", no_args_is_help=True)
WEEKDAYS = "一二三四五六日"


@calendar_app.command("load")
def calendar_load(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            metavar="文件",
            help="节假日文件（YAML：year、holidays、workdays）",
        ),
    ],
) -> None:
    """载入某一年的节假日安排文件，替换该年已有的安排。"""
    create_schema()
    try:
        with session_scope() as session:
            year, days = load_year_file(file, session=session)
    except ValueError as exc:
        fail(refusal_line("invalid_file", str(exc)))  # each line names the file, its line and field
    console.print(f"{year} 年日历：从 {file} 载入 {days} 个特殊日期", highlight=False)


@calendar_app.command("check")
def calendar_check(
    day: Annotated[str, typer.Argument(metavar="日期", help="日期 YYYY-MM-DD")],
) -> None:
    """某日是否为工作日。"""
    d = parse_day(day, "日期", get_settings().timezone)
    create_schema()
    with session_scope() as session:
        calendar = current_calendar(session=session)
    name = calendar.holiday_name(d)
    console.print(
        f"{d}（星期{WEEKDAYS[d.weekday()]}）：{'工作日' if calendar.is_workday(d) else '休息日'}"
        + (f"（{name}）" if name else ""),
        highlight=False,
    )
    warn(calendar.warnings())


@calendar_app.command("add")
def calendar_add(
    start: Annotated[str, typer.Argument(metavar="起始日期", help="起始日期 YYYY-MM-DD")],
    count: Annotated[int, typer.Argument(metavar="天数", help="天数")],
    working: Annotated[bool, typer.Option("--working", help="按工作日计算")] = False,
) -> None:
    """从起始日期起算若干天（或工作日）后的日期。"""
    d = parse_day(start, "起始日期", get_settings().timezone)
    create_schema()
    with session_scope() as session:
        calendar = current_calendar(session=session)
    period = Period(working_days=count) if working else Period(days=count)
    try:
        end = add_period(d, period, calendar)
    except (OverflowError, ValueError):
        fail(f"天数：{count} 超出日历范围", 2)
    console.print(f"{d} + {period.describe()} = {end}", highlight=False)
    warn(calendar.warnings())


@calendar_app.command("years")
def calendar_years() -> None:
    """日历中有哪些年份的节假日安排。"""
    create_schema()
    with session_scope() as session:
        calendar = current_calendar(session=session)
    console.print(
        f"内置（chinesecalendar）：{BUILTIN_YEARS.start}—{BUILTIN_YEARS.stop - 1} 年",
        highlight=False,
    )
    console.print(
        "巡察办载入：" + ("、".join(f"{y} 年" for y in sorted(calendar.described_years)) or "无"),
        highlight=False,
    )
    console.print(
        f"以后未录入的年份：按{REGULATION}规定的法定节假日和周末推算，并发出警告"
        "（调休上班日待国务院公布后录入该年的节假日文件）",
        highlight=False,
    )
