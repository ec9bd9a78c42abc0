"""``rectify report``, ``intake``, ``office status`` and ``ledger export|import``: what the
office reads and hands out (通报, 台账) and the draft of a feedback file from a document."""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path
from typing import Annotated

import typer

from models import create_schema, session_scope
from rectify.cli.common import (
    AsOfOpt,
    InspectionOpt,
    console,
    err,
    exit_on_refusal,
    fail,
    fail_with,
    figures_table,
    parse_day,
    refusal_line,
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

office_app = typer.Typer(help="巡察办视角：各单位整改情况对比。", no_args_is_help=True)
ledger_app = typer.Typer(help="Excel 台账：导出填报，导入进展。", no_args_is_help=True)


def report(
    inspection: InspectionOpt = None,
    as_of: AsOfOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="写入此文件（默认在终端显示）")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx（台账）")] = "md",
    internal: Annotated[
        bool,
        typer.Option(
            "--internal", help="巡察办内部版本：含佐证材料、记录人、超期和被拒绝操作的数目"
        ),
    ] = False,
) -> None:
    """截至某日的整改进展情况通报。

    Markdown（写入文件时附进展图）、公文格式的 DOCX，或 XLSX 台账；默认为公开版本，
    --internal 为巡察办内部版本。"""
    if fmt not in ("md", "docx", "xlsx"):
        fail("--format：应为 md、docx 或 xlsx", 2)
    if fmt != "md" and out is None:
        fail(f"--format {fmt} 须同时用 --out 指定输出文件", 2)
    tz = zone(inspection)
    day = parse_day(as_of, "--as-of", tz)
    with exit_on_refusal(), session_scope() as session:
        if fmt == "xlsx":
            write_ledger_report_xlsx(inspection, day, out, session=session)
            console.print(f"已写入 {out}", highlight=False)
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
    console.print(f"已写入 {out} 和 {png}", highlight=False)


def intake(
    document: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            metavar="文件",
            help="反馈意见、整改进展情况通报或整改台账（.docx/.xlsx/.txt/.md）",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="要写入的反馈文件草稿（.yaml）")],
) -> None:
    """根据已印发的文件（反馈意见、整改进展情况通报）或整改台账（Word、Excel 表格）起草反馈意见文件。"""
    try:
        result = parse_document(document)
    except (UnsupportedDocument, OSError) as exc:
        fail(f"无法读取文件 {document}：{exc}", 2)
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
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """各巡察办所辖单位的整改情况，每个巡察办内进度靠后的单位在前。"""
    create_schema()
    day = parse_day(as_of, "--as-of", get_settings().timezone) if as_of is not None else None
    with session_scope() as session:
        rows = office_rows(day, session=session)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for _, group in groupby(rows, key=lambda r: r["office"]):
        group = list(group)
        table = figures_table(
            *"单位 巡察 问题 已销号 长期 未完成 超期 方案逾期 反弹 约谈 屡查屡犯".split(),
            wide=("单位", "约谈"),
            ids=("巡察",),
            title=group[0]["office_name"],
        )
        for r in group:
            table.add_row(
                r["unit"],
                r["inspection"],
                *(str(r[k]) for k in ("problems", "closed", "long_term", "open", "overdue")),
                "是" if r["plan_late"] else "",
                str(r["relapses"]),
                "、".join(f"问题{ref}" for ref in r["talks"]),
                str(r["repeated"]),
            )
        console.print(table)


@ledger_app.command("export")
def ledger_export(
    out: Annotated[Path, typer.Option("--out", help="要写入的 .xlsx 文件")],
    inspection: InspectionOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """导出台账，供各部门填写整改进展和支撑材料。"""
    tz = zone(inspection)
    with exit_on_refusal(), session_scope() as session:
        n = export_ledger(inspection, parse_day(as_of, "--as-of", tz), out, session=session)
    console.print(f"已写入 {out}：{n} 项整改措施；请填写黄色列", highlight=False)


@ledger_app.command("import")
def ledger_import(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, metavar="台账文件", help="填好的台账（.xlsx）"),
    ],
    apply: Annotated[
        bool, typer.Option("--apply", help="记录这些进展（默认只显示将作的改动）")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="未填报送人的行按此人报送")] = None,
) -> None:
    """显示填好的台账将带来的改动；加 --apply 则全部记录（全部成功或全部不记录）。"""
    with exit_on_refusal(), session_scope() as session:
        plan = read_ledger(file, session=session, default_by=by)
    if plan.errors:
        fail_with(
            plan.errors,
            refusal_line("invalid_file", f"未导入任何内容（{len(plan.errors)} 处错误）"),
        )
    for c in plan.changes:
        evidence = f"（支撑材料：{'、'.join(c.evidence)}）" if c.evidence else ""
        console.print(
            f"第 {c.row} 行：问题{c.problem} 进展（报送人 {c.by}）：{c.text}{evidence}",
            highlight=False,
            markup=False,
        )
    if not plan.changes:
        console.print("没有需要导入的进展", highlight=False)
        return
    if not apply:
        console.print(
            f"共 {len(plan.changes)} 处改动；加 --apply 再运行一次即可记录", highlight=False
        )
        return
    refused_rows = apply_ledger(plan)
    if refused_rows:
        fail_with(
            refused_rows,
            refusal_line("refused_rows", f"未导入任何内容（{len(refused_rows)} 行被拒绝）"),
        )
    console.print(f"已记录 {len(plan.changes)} 条整改进展", highlight=False)
