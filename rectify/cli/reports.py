"""``rectify report``, ``intake``, ``office status`` and ``ledger export|import``: what the
office reads and hands out (通报, 台账) and the draft of a feedback file from a document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models import create_schema, session_scope
from rectify.cli.common import (
    AsOfOpt,
    InspectionOpt,
    console,
    err,
    exit_on_refusal,
    fail,
    fail_with,
    parse_day,
    zone,
)
from rectify.core.settings import get_settings
from rectify.intake import PLACEHOLDER, UnsupportedDocument, parse_document, write_draft
from rectify.reports import (
    apply_ledger,
    build_report,
    export_ledger,
    office_rows,
    progress_report_markdown,
    read_ledger,
    write_chart,
    write_docx,
    write_ledger_report_xlsx,
)

office_app = typer.Typer(help="The office view across units (巡察办).", no_args_is_help=True)
ledger_app = typer.Typer(help="The Excel ledger (台账) round trip.", no_args_is_help=True)


def report(
    inspection: InspectionOpt = None,
    as_of: AsOfOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="write to this file instead of printing")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx (the 台账)")] = "md",
    internal: Annotated[
        bool,
        typer.Option(
            "--internal",
            help="the office's version: evidence, who recorded what, overdue and refused counts",
        ),
    ] = False,
) -> None:
    """The progress report (整改进展情况通报) as of a date: Markdown (with its chart when
    written to a file), DOCX in official-document layout, or the XLSX ledger (台账). The
    public version by default; ``--internal`` for the office's."""
    if fmt not in ("md", "docx", "xlsx"):
        fail("--format: expected md, docx or xlsx", 2)
    if fmt != "md" and out is None:
        fail(f"--format {fmt} needs --out FILE", 2)
    tz = zone(inspection)
    day = parse_day(as_of, "--as-of", tz)
    with exit_on_refusal(), session_scope() as session:
        if fmt == "xlsx":
            write_ledger_report_xlsx(inspection, day, out, session=session)
            console.print(f"written {out}", highlight=False)
            return
        if out is None:
            text = progress_report_markdown(inspection, day, session=session, internal=internal)
            console.print(text, highlight=False, markup=False)
            return
        png = out.with_suffix(".png")
        write_chart(inspection, day, png, session=session)
        if fmt == "docx":
            report = build_report(inspection, day, session=session)
            write_docx(report, out, png, internal=internal)
        else:
            text = progress_report_markdown(inspection, day, session=session, internal=internal)
            out.write_text(text + f"\n![整改进展图]({png.name})\n", encoding="utf-8")
    console.print(f"written {out} and {png}", highlight=False)


def intake(
    document: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="反馈意见、整改进展情况通报或整改台账（.docx/.xlsx/.txt/.md）",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="要写入的反馈文件草稿（.yaml）")],
) -> None:
    """Draft a feedback file from a published document (反馈意见 / 整改进展情况通报) or the
    office's ledger table (整改台账, Word or Excel)."""
    try:
        result = parse_document(document)
    except (UnsupportedDocument, OSError) as exc:
        fail(f"{document}: {exc}", 2)
    write_draft(result, out)
    c = result.counts_parsed
    console.print(
        f"已写入 {out}：{c['aspects']} 个方面，{c['categories']} 个类别，"
        f"{c['problems']} 个问题，{c['measures']} 条措施"
        f"（标为长期整改的问题 {c['long_term']} 个）",
        highlight=False,
    )
    if result.ledger_table:
        err.print(
            f"台账：{result.ledger_table}；未能放入草稿的单元格 {len(result.ledger_unplaced)} 个，"
            f"未能识别的整改时限 {len(result.ledger_dues)} 个，详见 {out} 顶部",
            highlight=False,
            markup=False,
        )
    for line in result.mismatches:
        err.print(f"不一致：{line}", style="yellow", highlight=False, markup=False)
    if result.unplaced:
        err.print(
            f"{len(result.unplaced)} 行未放入草稿，列在 {out} 顶部",
            style="yellow",
            highlight=False,
            markup=False,
        )
    if not c["problems"]:
        fail(
            f"{document} 中没有读出问题（既没有提纲编号的问题，也没有可识别的整改台账表格）；"
            f"说明见 {out} 顶部"
        )
    console.print(
        f"请补全每个 {PLACEHOLDER}（人员、科室、责任、日期），然后：rectify import {out}",
        highlight=False,
    )


@office_app.command("status")
def office_status(
    as_of: AsOfOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The units of each inspection office (巡察办), laggards first within each office."""
    create_schema()
    day = parse_day(as_of, "--as-of", get_settings().timezone) if as_of else None
    with session_scope() as session:
        rows = office_rows(day, session=session)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(
        *"巡察办 单位 巡察 问题 已销号 长期 未完成 超期 方案逾期 反弹 约谈 屡查屡犯".split()
    )
    for i, r in enumerate(rows):
        first_of_office = i == 0 or rows[i - 1]["office"] != r["office"]
        if first_of_office and i:
            table.add_section()
        table.add_row(
            r["office_name"] if first_of_office else "",
            r["unit"],
            r["inspection"],
            str(r["problems"]),
            str(r["closed"]),
            str(r["long_term"]),
            str(r["open"]),
            str(r["overdue"]),
            "是" if r["plan_late"] else "",
            str(r["relapses"]),
            "、".join(f"问题{ref}" for ref in r["talks"]),
            str(r["repeated"]),
        )
    console.print(table)


@ledger_app.command("export")
def ledger_export(
    out: Annotated[Path, typer.Option("--out", help="the .xlsx to write")],
    inspection: InspectionOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
) -> None:
    """Write the ledger for departments to fill in progress and evidence."""
    tz = zone(inspection)
    with exit_on_refusal(), session_scope() as session:
        n = export_ledger(inspection, parse_day(as_of, "--as-of", tz), out, session=session)
    console.print(f"written {out}: {n} measures; fill in the yellow columns", highlight=False)


@ledger_app.command("import")
def ledger_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    apply: Annotated[
        bool, typer.Option("--apply", help="apply the changes (default: only show them)")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="reporter for rows without 报送人")] = None,
) -> None:
    """Show what a filled-in ledger would change; with --apply, apply it all or nothing."""
    with exit_on_refusal(), session_scope() as session:
        plan = read_ledger(file, session=session, default_by=by)
    if plan.errors:
        fail_with(plan.errors, f"refused: nothing was imported ({len(plan.errors)} error(s))")
    for c in plan.changes:
        evidence = f" [{', '.join(c.evidence)}]" if c.evidence else ""
        console.print(
            f"row {c.row}: 问题{c.problem} 进展 by {c.by}: {c.text}{evidence}",
            highlight=False,
            markup=False,
        )
    if not plan.changes:
        console.print("nothing to import", highlight=False)
        return
    if not apply:
        console.print(
            f"{len(plan.changes)} change(s); run again with --apply to record them", highlight=False
        )
        return
    refused_rows = apply_ledger(plan)
    if refused_rows:
        fail_with(
            refused_rows, f"refused: nothing was imported ({len(refused_rows)} row(s) refused)"
        )
    console.print(f"recorded {len(plan.changes)} progress update(s)", highlight=False)
