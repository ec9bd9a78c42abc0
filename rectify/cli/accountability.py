"""``rectify office accountability``: per unit and per responsible person, who was late and by
how much (干部考核问责视图), printed, as JSON or written to an XLSX workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from models import create_schema, session_scope
from rectify.cli.common import console, exit_on_refusal, parse_day
from rectify.core.settings import get_settings
from rectify.reports import accountability_view, write_accountability_xlsx


def office_accountability(
    office: Annotated[
        str | None, typer.Option("--office", help="巡察办编号；默认全部巡察办")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="统计截至日期 YYYY-MM-DD，默认今天")
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="另存为 Excel 工作簿（.xlsx）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """干部考核问责视图：各单位及各责任人、责任领导的逾期完成情况。

    逾期天数按原定时限计算（延期不免责）；另列延期、反弹、阶段报告逾期和问责、约谈人次。
    """
    create_schema()
    day = parse_day(as_of, "--as-of", get_settings().timezone) if as_of else None
    with exit_on_refusal(), session_scope() as session:
        view = accountability_view(day, office, session=session)
    if as_json:
        print(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        _print(view)
    if xlsx is not None:
        write_accountability_xlsx(view, xlsx, day)
        console.print(f"已写入 {xlsx}", highlight=False)


PERSON_FIGURES = (
    ("completed", "完成"),
    ("completed_late", "逾期完成"),
    ("days_late", "逾期天数"),
    ("most_days_late", "最长"),
    ("overdue_open", "超期未完成"),
    ("extensions", "延期"),
    ("relapses", "反弹"),
    ("stage_reports_missed", "阶段报告逾期"),
)


def _print(view: dict) -> None:
    """Each unit in a sentence under its heading, then its people in a table, worst first."""
    for unit in view["units"]:
        console.print(
            f"[bold]{unit['office_name']} / {unit['unit']}[/bold]"
            f"（{unit['inspection']}，截至 {unit['as_of']}）",
            highlight=False,
        )
        console.print(
            f"完成措施 {unit['completed']} 项，其中逾期完成 {unit['completed_late']} 项"
            f"（合计 {unit['days_late']} 天，最长 {unit['most_days_late']} 天）；"
            f"超期未完成 {unit['overdue_open']} 项；延期 {unit['extensions']} 项次；"
            f"反弹 {unit['relapses']} 个；阶段报告逾期 {unit['stage_reports_missed']} 次；"
            f"问责 {unit['accountability']} 人次（约谈 {unit['interviews']} 人次）",
            highlight=False,
        )
        printed = Table(box=box.SIMPLE_HEAD)
        printed.add_column("姓名（编号）", overflow="fold", min_width=12)
        printed.add_column("身份", overflow="fold", min_width=8)
        for _, header in PERSON_FIGURES:
            printed.add_column(header, justify="right", overflow="fold")
        for person in view["people"]:
            if person["inspection"] == unit["inspection"]:
                printed.add_row(
                    f"{person['name']}（{person['person']}）",
                    person["role"],
                    *(str(person[key]) for key, _ in PERSON_FIGURES),
                )
        console.print(printed)
