"""Ledger (台账) files built for the intake tests: the same table as a Word table or an Excel
sheet, merged cells included, and Word documents numbered by automatic list numbering."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

HEADER = [
    "序号",
    "方面",
    "存在问题",
    "整改措施",
    "牵头领导",
    "责任领导",
    "责任科室（单位）",
    "责任人",
    "整改时限",
    "完成情况",
]
TITLE = "区生态环境局党组关于十五届区委第三轮巡察反馈意见整改落实台账"
INTRO = (
    "2023年3月22日至5月26日，区委第二巡察组对区生态环境局开展了常规巡察，"
    "2023年7月26日反馈了巡察意见，指出3个方面十二个问题，制定整改措施十六条。"
)
A1, A2, A3 = "一、党的领导弱化方面", "二、全面从严治党不力方面", "三、干部队伍建设方面"


def _row(seq, aspect, problem, measure, lead, leader, dept, person, due, status=""):
    return [seq, aspect, problem, measure, lead, leader, dept, person, due, status]


# 3 aspects, 12 problems; problem 6 has its two measures in rows of their own.
ROWS = [
    HEADER,
    _row("1", A1, "学习贯彻不深入", "1.制定年度学习计划；2.开展专题研讨", "王书记", "李副局长", "办公室", "张科长", "2023年10月20日前", "已完成"),
    _row("2", A1, "议事决策不规范", "修订党组议事规则", "王书记", "李副局长", "办公室", "张科长", "10月底前"),
    _row("3", A1, "意识形态责任落实不到位", "建立意识形态工作台账", "王书记", "赵副局长", "宣传科", "陈科长", "长期坚持"),
    _row("4", A1, "巡察整改推进慢", "召开整改部署会", "王书记", "李副局长", "办公室", "张科长", "立行立改"),
    _row("5", A2, "主体责任压得不实", "1.签订责任书\n2.开展提醒谈话", "王书记", "赵副局长", "机关党委", "刘主任", "2024年6月底"),
    _row("6", A2, "监督检查流于形式", "完善监督清单", "王书记", "赵副局长", "机关党委", "刘主任", "年底"),
    _row("6", A2, "监督检查流于形式", "开展交叉检查", "王书记", "赵副局长", "纪检组", "周组长", "上半年"),
    _row("7", A2, "廉政风险防控薄弱", "排查廉政风险点", "王书记", "赵副局长", "纪检组", "周组长", "持续推进"),
    _row("8", A2, "违规发放津贴补贴", "清退违规津贴", "王书记", "钱副局长", "财务科", "吴科长", "已完成"),
    _row("9", A3, "选人用人不规范", "修订干部选拔任用办法", "王书记", "钱副局长", "人事科", "郑科长", "常态化"),
    _row("10", A3, "干部培训不足", "制定干部培训计划", "王书记", "钱副局长", "人事科", "郑科长", "2023年12月31日前"),
    _row("11", A3, "基层党组织软弱", "整顿软弱涣散党支部", "王书记", "李副局长", "机关党委", "刘主任", "视情况而定"),
    _row("12", A3, "党员教育管理松散", "1.规范党费收缴；2.落实“三会一课”", "王书记", "李副局长", "机关党委", "刘主任", "2023年11月15日"),
]  # fmt: skip
# (first row, first column, last row, last column) in ROWS
MERGES = [(1, 1, 4, 1), (5, 1, 9, 1), (10, 1, 13, 1), (6, 0, 7, 0), (6, 2, 7, 2)]


def write_docx(
    path: Path, rows: list[list[str]], merges=(), paragraphs=(TITLE, INTRO), after=()
) -> Path:
    """A Word document: ``paragraphs``, the table (merged as told), ``after``."""
    return write_docx_parts(path, [*paragraphs, (rows, merges), *after])


def write_docx_parts(path: Path, parts: list) -> Path:
    """A Word document of paragraphs (text) and tables ((rows, merges)), in order."""
    document = docx.Document()
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
        else:
            _add_table(document, *part)
    document.save(str(path))
    return path


def _add_table(document, rows: list[list[str]], merges) -> None:
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table_rows = list(table.rows)  # one row at a time: table.cell() reads the whole table
    for row, texts in zip(table_rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=False):
            cell.text = text
    for r1, c1, r2, c2 in merges:
        text = rows[r1][c1]
        first, last = table_rows[r1].cells[c1], table_rows[r2].cells[c2]
        first.merge(last).text = text


def write_xlsx(
    path: Path, rows: list[list], merges=(), caption=(TITLE, INTRO), title="整改台账"
) -> Path:
    """An Excel workbook: ``caption`` rows merged across, then the table (merged as told)."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = title
    width = max(len(r) for r in rows)
    for k, text in enumerate(caption, start=1):
        ws.cell(k, 1, text)
        ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=width)
    top = len(caption) + 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.cell(top + r, c + 1, value if value != "" else None)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=top + r1, start_column=c1 + 1, end_row=top + r2, end_column=c2 + 1)
    workbook.save(str(path))
    return path


_LEVELS = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))


def write_numbered_docx(path: Path, paragraphs: list[tuple[int | None, str]]) -> Path:
    """A Word document whose (level, text) paragraphs are numbered by a three-level list
    (一、/（一）/1.) that Word draws, none of it typed; level None is not numbered."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(_LEVELS)
    )
    numbering.append(
        parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for level, text in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is not None:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                    '<w:numId w:val="90"/></w:numPr>'
                )
            )
    document.save(str(path))
    return path
