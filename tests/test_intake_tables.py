"""`rectify intake` of the ledgers offices keep (整改台账): Word and Excel tables with merged
cells, numbered measures in one cell or in rows of their own, dues in words, Word's
automatic numbering, and the understanding report naming the table, columns and cells."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
import yaml

from rectify.feedback.service import import_file
from rectify.intake import PLACEHOLDER, UnsupportedDocument, parse_document, write_draft
from rectify.intake.cells import split_measures, split_names
from rectify.intake.columns import find_ledger, header_role
from rectify.intake.dues import read_due
from rectify.intake.reading import read_document
from tests.ledger_files import (
    HEADER,
    MERGES,
    ROWS,
    write_docx,
    write_docx_parts,
    write_numbered_docx,
    write_xlsx,
)


def problems(draft: dict) -> list[dict]:
    return [p for a in draft["aspects"] for c in a["categories"] for p in c["problems"]]


def dues_of(draft: dict) -> dict[str, list]:
    return {p["ref"]: [m["due"] for m in p["measures"]] for p in problems(draft)}


# --- the ledger of 3 aspects and 12 problems ---------------------------------------------

FEEDBACK = dt.date(2023, 7, 26)
EXPECTED_DUES = {
    "1": ["2023-10-20", "2023-10-20"],
    "2": ["2023-10-31"],
    "3": ["long_term"],
    "4": ["2023-07-27"],  # 立行立改: the first day the importer accepts
    "5": ["2024-06-30", "2024-06-30"],
    "6": ["2023-12-31", "2024-06-30"],  # 年底; 上半年 (this year's is past at the feedback)
    "7": ["long_term"],
    "8": ["2023-07-27"],
    "9": ["long_term"],
    "10": ["2023-12-31"],
    "11": [PLACEHOLDER],
    "12": ["2023-11-15", "2023-11-15"],
}


@pytest.fixture(params=["docx", "xlsx"])
def ledger_file(request, tmp_path):
    if request.param == "docx":
        return write_docx(tmp_path / "台账.docx", ROWS, MERGES)
    return write_xlsx(tmp_path / "台账.xlsx", ROWS, MERGES)


def test_a_ledger_of_three_aspects_and_twelve_problems(ledger_file):
    result = parse_document(ledger_file)
    draft = result.draft
    assert [a["title"] for a in draft["aspects"]] == [
        "党的领导弱化方面",
        "全面从严治党不力方面",
        "干部队伍建设方面",
    ]
    assert [p["ref"] for p in problems(draft)] == [str(n) for n in range(1, 13)]
    assert problems(draft)[5]["title"] == "监督检查流于形式"
    assert [m["text"] for m in problems(draft)[0]["measures"]] == [
        "制定年度学习计划",
        "开展专题研讨",
    ]
    assert [m["text"] for m in problems(draft)[5]["measures"]] == ["完善监督清单", "开展交叉检查"]
    assert dues_of(draft) == EXPECTED_DUES
    assert problems(draft)[2]["measures"][0]["checkpoint"] == PLACEHOLDER
    names = {p["name"]: p for p in draft["people"]}
    assert sorted(names) == sorted(
        [
            "王书记",
            "李副局长",
            "赵副局长",
            "钱副局长",
            "张科长",
            "陈科长",
            "刘主任",
            "周组长",
            "吴科长",
            "郑科长",
        ]  # fmt: skip
    )
    assert all(
        p["contacts"] == [PLACEHOLDER] and p["roles"] == [PLACEHOLDER] for p in names.values()
    )
    first = problems(draft)[0]["measures"][0]
    assert first["lead_leader"] == names["王书记"]["id"]
    assert first["responsible_person"] == names["张科长"]["id"]
    departments = {d["name"]: d["id"] for d in draft["departments"]}
    assert first["department"] == departments["办公室"]
    assert len(departments) == 6
    assert draft["inspection"]["feedback_date"] == FEEDBACK.isoformat()
    assert draft["inspection"]["round"] == "十五届区委第三轮巡察"
    assert result.counts_found == {"aspects": 3, "problems": 12, "measures": 16}
    assert result.mismatches == []


TITLED = [["整改落实台账"] * len(HEADER), *ROWS]
SAME_LEDGER_CASES = [
    # (how the office saved it, writer) — each gives the draft of the Word table
    ("Excel, merged cells", lambda p: write_xlsx(p.with_suffix(".xlsx"), ROWS, MERGES)),
    ("Excel, values repeated instead of merged", lambda p: write_xlsx(p.with_suffix(".xlsx"), ROWS)),
    ("Word, values repeated instead of merged", lambda p: write_docx(p.with_suffix(".docx"), ROWS)),
    ("Word, a title row inside the table",
     lambda p: write_docx(p.with_suffix(".docx"), TITLED, [(0, 0, 0, 9)] + [
         (r1 + 1, c1, r2 + 1, c2) for r1, c1, r2, c2 in MERGES])),
]  # fmt: skip


@pytest.mark.parametrize(("how", "write"), SAME_LEDGER_CASES, ids=[c[0] for c in SAME_LEDGER_CASES])
def test_the_same_ledger_saved_otherwise_gives_the_same_draft(tmp_path, how, write):
    from_word = parse_document(write_docx(tmp_path / "l.docx", ROWS, MERGES))
    other = parse_document(write(tmp_path / "other"))
    assert other.draft == from_word.draft


def fill_in(data: dict) -> dict:
    for k, person in enumerate(data["people"]):
        person["roles"] = ["leader"] if k == 0 else []
        person["contacts"] = []
    for problem in problems(data):
        for measure in problem["measures"]:
            if measure["due"] == PLACEHOLDER:
                measure["due"] = "2023-12-31"
            if measure.get("checkpoint") == PLACEHOLDER:
                measure["checkpoint"] = "2023-12-31"
    return data


def test_the_filled_draft_imports(db, ledger_file, tmp_path):
    draft = write_draft(parse_document(ledger_file), tmp_path / "draft.yaml")
    text = draft.read_text(encoding="utf-8")
    assert "# 台账草稿：人员和科室取自表格，需补全每人的 roles（无角色写 []）和 contacts" in text
    assert "due: TODO_FILL_IN  # 原文：视情况而定" in text
    assert "checkpoint: TODO_FILL_IN  # 原文：长期坚持" in text
    assert "# 原文：立行立改（反馈日期次日" in text
    refused = import_file(draft)
    assert not refused.done
    assert "people[0].roles[0]" in "\n".join(refused.errors)

    filled = tmp_path / "filled.yaml"
    data = fill_in(yaml.safe_load(text))
    filled.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    outcome = import_file(filled)
    assert outcome.done, outcome.errors
    assert (outcome.aspects, outcome.problems) == (3, 12)


def test_the_report_names_the_table_the_columns_and_the_cells_not_placed(tmp_path):
    rows = [*ROWS, ["合计", "", "12个问题", "", "", "", "", "", "", ""]]
    rows[3] = [*rows[3][:3], "针对该问题：1.建立台账；2.定期分析", *rows[3][4:]]
    path = write_docx(tmp_path / "l.docx", rows, MERGES, after=["附件2"])
    result = parse_document(path)
    report = "\n".join(result.report_lines())
    assert "台账表格：第 1 个表格（表头在第 1 行）" in report
    assert "第 3 列「存在问题」= 存在问题" in report
    assert "第 7 列「责任科室（单位）」= 责任科室（单位）" in report
    assert "第 10 列「完成情况」：1 个单元格未放入草稿（草稿格式没有此字段）" in report
    assert "第 1 个表格第 15 行第 1 列：合计" in report
    assert "第 1 个表格第 4 行第 4 列：措施前的引言未作为措施：针对该问题" in report
    assert "问题 11 措施 1：视情况而定" in report
    assert any(text == "附件2" for _, text in result.unplaced)


# --- header rows ---------------------------------------------------------------------------

HEADER_CASES = [
    # (header rows, expected role → column)
    (
        [HEADER],
        {"seq": 0, "aspect": 1, "problem": 2, "measures": 3, "lead_leader": 4,
         "responsible_leader": 5, "department": 6, "responsible_person": 7, "due": 8,
         "progress": 9},
    ),
    (
        [["完成时限", "责任人", "具体措施", "问题表现", "编号", "责任单位"]],
        {"due": 0, "responsible_person": 1, "measures": 2, "problem": 3, "seq": 4,
         "department": 5},
    ),
    (
        [["序号", "问题类别", "反馈问题", "整改举措", "分管领导", "责任部门", "整改期限", "备注"]],
        {"seq": 0, "aspect": 1, "problem": 2, "measures": 3, "responsible_leader": 4,
         "department": 5, "due": 6, "remark": 7},
    ),
    (
        [["方面", "类别", "问题", "措施", "时限"]],
        {"aspect": 0, "category": 1, "problem": 2, "measures": 3, "due": 4},
    ),
    (  # two header rows: 责任分工 merged over the columns it groups
        [["序号", "存在的问题", "整改措施", "责任分工", "责任分工", "责任分工", "整改时限"],
         ["序号", "存在的问题", "整改措施", "牵头领导", "责任科室", "具体责任人", "整改时限"]],
        {"seq": 0, "problem": 1, "measures": 2, "lead_leader": 3, "department": 4,
         "responsible_person": 5, "due": 6},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("header", "expected"), HEADER_CASES)
def test_header_variants_in_any_order(tmp_path, header, expected):
    merges = [(0, 3, 0, 5), (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 6, 1, 6)]
    rows = [*header, ["1"] + ["x"] * (len(header[0]) - 1)]
    path = write_xlsx(tmp_path / "h.xlsx", rows, merges if len(header) == 2 else (), caption=())
    from rectify.intake.reading import read_source

    ledgers, _ = find_ledger(read_source(path).tables)
    assert [ledger.columns for ledger in ledgers] == [expected]


@pytest.mark.parametrize(
    ("text", "role"),
    [("责任科室\n(单位)", "department"), ("牵头单位", "department"), ("整改\n时限", "due"),
     ("问题序号", "seq"), ("反馈问题方面", "aspect"), ("完成情况", "progress"), ("日期", None)],
)  # fmt: skip
def test_header_words(text, role):
    assert header_role(text) == role


# --- merged cells, section rows, rows of their own -----------------------------------------


def test_aspects_as_full_width_rows_and_horizontal_merges(tmp_path):
    header = ["序号", "存在问题", "整改措施", "责任领导", "责任人", "整改时限"]
    rows = [
        header,
        ["一、党的建设方面"] * 6,
        ["1", "学习不深入", "制定学习计划", "李副局长", "张科长", "2023年10月底前"],
        ["2", "议事不规范", "修订议事规则", "李副局长", "张科长", "长期坚持"],
        ["二、作风建设方面"] * 6,
        ["1", "会风不实", "精简会议", "赵副局长", "陈科长", "12月底前"],
    ]
    merges = [(1, 0, 1, 5), (4, 0, 4, 5)]
    for path in (
        write_docx(tmp_path / "s.docx", rows, merges),
        write_xlsx(tmp_path / "s.xlsx", rows, merges),
    ):
        result = parse_document(path)
        assert [a["title"] for a in result.draft["aspects"]] == ["党的建设方面", "作风建设方面"]
        assert [p["title"] for p in problems(result.draft)] == [
            "学习不深入",
            "议事不规范",
            "会风不实",
        ]
        assert result.renumbered  # 序号 restarts under each aspect: running refs
        assert [p["ref"] for p in problems(result.draft)] == ["1", "2", "3"]
        assert "2 个通栏行读作方面标题" in "\n".join(result.report_lines())


def test_a_ledger_in_one_table_per_aspect_takes_the_heading_before_each(tmp_path):
    header = ["序号", "存在问题", "整改措施", "责任人", "整改时限"]
    first = [header, ["1", "学习不深入", "制定学习计划", "张科长", "2023年10月底前"]]
    second = [header, ["2", "会风不实", "精简会议", "陈科长", "长期坚持"]]
    other = [["日期", "问题", "备注", "金额"], ["1", "2", "3", "4"]]  # not the same columns
    path = write_docx_parts(
        tmp_path / "t.docx",
        ["一、党的建设方面", (first, ()), "二、作风建设方面", (second, ()), (other, ())],
    )
    result = parse_document(path)
    assert [a["title"] for a in result.draft["aspects"]] == ["党的建设方面", "作风建设方面"]
    assert [p["title"] for p in problems(result.draft)] == ["学习不深入", "会风不实"]
    report = "\n".join(result.report_lines())
    assert "台账表格：第 1 个表格（表头在第 1 行），及列相同的第 2 个表格" in report
    assert "各表格前的段落（第 1、2 行）读作方面标题" in report
    assert result.unplaced == []


def test_measures_numbered_in_the_seq_column_under_a_merged_problem(tmp_path):
    rows = [
        ["序号", "问题类别", "存在问题", "整改措施", "责任人", "整改时限"],
        ["1", "党建", "学习不深入", "制定计划", "张科长", "2023年10月底前"],
        ["2", "党建", "学习不深入", "开展研讨", "陈科长", "2023年11月底前"],
        ["3", "党建", "议事不规范", "修订规则", "张科长", "年底"],
    ]
    result = parse_document(write_docx(tmp_path / "m.docx", rows, [(1, 1, 3, 1), (1, 2, 2, 2)]))
    assert [a["title"] for a in result.draft["aspects"]] == ["党建"]
    assert [(p["ref"], p["title"], len(p["measures"])) for p in problems(result.draft)] == [
        ("1", "学习不深入", 2),
        ("3", "议事不规范", 1),
    ]


def test_repeated_values_without_merges_are_one_problem(tmp_path):
    rows = [
        ["方面", "存在问题", "整改措施", "责任人", "整改时限"],
        ["党建方面", "学习不深入", "制定计划", "张科长", "2023年10月底前"],
        ["党建方面", "学习不深入", "开展研讨", "陈科长", "2023年11月底前"],
        ["党建方面", "议事不规范", "修订规则", "张科长", dt.datetime(2023, 12, 15)],
    ]
    result = parse_document(write_xlsx(tmp_path / "r.xlsx", rows, caption=()))
    assert [len(p["measures"]) for p in problems(result.draft)] == [2, 1]
    assert dues_of(result.draft) == {"1": ["2023-10-31", "2023-11-30"], "2": ["2023-12-15"]}
    assert "序号" not in "\n".join(result.ledger_columns)


# --- cells ----------------------------------------------------------------------------------

MEASURE_CASES = [
    ("制定学习计划。", ["制定学习计划"]),
    ("1.制定计划；2.开展研讨；3.建立制度", ["制定计划", "开展研讨", "建立制度"]),
    ("1、制定计划\n2、开展研讨", ["制定计划", "开展研讨"]),
    ("（1）制定计划（2）开展研讨", ["制定计划", "开展研讨"]),
    ("①制定计划②开展研讨", ["制定计划", "开展研讨"]),
    ("一是制定计划；二是开展研讨。", ["制定计划", "开展研讨"]),
    ("１．制定计划　２．于2023.10前完成", ["制定计划", "于2023.10前完成"]),
    ("按第1、2项要求执行", ["按第1、2项要求执行"]),
    ("3.制定计划\n4.开展研讨", ["制定计划", "开展研讨"]),  # Word's numbering ran on
]


@pytest.mark.parametrize(("text", "expected"), MEASURE_CASES)
def test_numbered_measures_in_one_cell(text, expected):
    assert split_measures(text)[0] == expected


def test_names_in_one_cell():
    assert split_names("张三、李四，王五/张三") == ["张三", "李四", "王五"]
    assert split_names("无") == []
    assert split_names("张三\n（局长）\n李四") == ["张三(局长)", "李四"]


def test_a_second_column_of_one_role_and_a_problem_merged_across_the_measures(tmp_path):
    rows = [
        ["序号", "存在问题", "整改措施", "责任人", "责任人", "整改时限"],
        ["1", "学习不深入", "学习不深入", "张科长", "陈科长", "年底"],
    ]
    result = parse_document(write_docx(tmp_path / "d.docx", rows, [(1, 1, 1, 2)]))
    measure = problems(result.draft)[0]["measures"][0]
    assert measure["text"] == PLACEHOLDER
    assert [p["name"] for p in result.draft["people"]] == ["张科长"]
    assert result.ledger_unused == [
        "第 5 列「责任人」：1 个单元格未放入草稿（与第 4 列同为责任人，只用了第 4 列）"
    ]


# --- dues in words ----------------------------------------------------------------------------

DUE_CASES = [
    # (cell, year of the document, feedback date, due, checkpoint)
    ("2023年10月20日前", 2023, FEEDBACK, "2023-10-20", None),
    ("10月底前", 2023, FEEDBACK, "2023-10-31", None),
    ("5月底前", 2023, FEEDBACK, "2024-05-31", None),  # before the feedback: the next year's
    ("2024年6月底", 2023, FEEDBACK, "2024-06-30", None),
    ("年底", 2023, FEEDBACK, "2023-12-31", None),
    ("2024年底前", 2023, FEEDBACK, "2024-12-31", None),
    ("上半年", 2023, FEEDBACK, "2024-06-30", None),
    ("2024年上半年", 2023, FEEDBACK, "2024-06-30", None),
    ("四季度", 2023, FEEDBACK, "2023-12-31", None),
    ("2023年10月", 2023, FEEDBACK, "2023-10-31", None),
    ("11月", 2023, FEEDBACK, "2023-11-30", None),
    ("2024.2", 2023, FEEDBACK, "2024-02-29", None),
    ("2023.10.20", 2023, FEEDBACK, "2023-10-20", None),
    ("10月中旬", 2023, FEEDBACK, "2023-10-20", None),
    ("长期坚持", 2023, FEEDBACK, "long_term", PLACEHOLDER),
    ("持续推进", 2023, FEEDBACK, "long_term", PLACEHOLDER),
    ("常态化", 2023, FEEDBACK, "long_term", PLACEHOLDER),
    ("2023年12月底前完成，长期坚持", 2023, FEEDBACK, "long_term", "2023-12-31"),
    ("立行立改", 2023, FEEDBACK, "2023-07-27", None),
    ("已完成", 2023, FEEDBACK, "2023-07-27", None),
    ("立行立改", None, None, PLACEHOLDER, None),  # no feedback date known
    ("视情况而定", 2023, FEEDBACK, PLACEHOLDER, None),
    ("", 2023, FEEDBACK, PLACEHOLDER, None),
    (dt.datetime(2023, 9, 30), 2023, FEEDBACK, "2023-09-30", None),  # an Excel date
]


@pytest.mark.parametrize(("cell", "year", "feedback", "due", "checkpoint"), DUE_CASES)
def test_dues_in_words(cell, year, feedback, due, checkpoint):
    found = read_due(cell, year, feedback)
    assert (found.due, found.checkpoint) == (due, checkpoint)


# --- Word automatic numbering ------------------------------------------------------------------


def test_word_list_numbering_is_read_as_the_outline_it_displays(tmp_path):
    path = write_numbered_docx(
        tmp_path / "n.docx",
        [
            (None, "区委第二巡察组于2023年7月26日反馈了巡察意见。"),
            (0, "党的领导方面"),
            (1, "学习贯彻不到位"),
            (2, "理论学习不深入。"),
            (2, "学用结合不好。"),
            (0, "作风建设方面"),
            (1, "形式主义问题"),
            (2, "会议过多。"),
        ],
    )
    lines = read_document(path)
    assert lines[1:5] == [
        "一、党的领导方面",
        "（一）学习贯彻不到位",
        "1.理论学习不深入。",
        "2.学用结合不好。",
    ]
    assert lines[5:8] == ["二、作风建设方面", "（一）形式主义问题", "1.会议过多。"]
    draft = parse_document(path).draft
    assert [a["title"] for a in draft["aspects"]] == ["党的领导方面", "作风建设方面"]
    assert [p["title"] for p in problems(draft)] == ["理论学习不深入", "学用结合不好", "会议过多"]


def test_measures_numbered_by_word_in_a_table_cell(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    rows = [["序号", "存在问题", "整改措施", "责任人", "整改时限"],
            ["1", "学习不深入", "", "张科长", "年底"], ["2", "议事不规范", "", "陈科长", "年底"]]  # fmt: skip
    path = write_numbered_docx(tmp_path / "cells.docx", [(None, "2023年7月26日反馈了巡察意见。")])
    document = docx.Document(str(path))
    table = document.add_table(rows=3, cols=5)
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    numbered = '<w:numPr {}><w:ilvl w:val="2"/><w:numId w:val="90"/></w:numPr>'
    for r, measures in ((1, ["制定计划", "开展研讨"]), (2, ["修订规则", "集体决策"])):
        cell = table.rows[r].cells[2]
        cell.paragraphs[0].text = measures[0]
        cell.add_paragraph(measures[1])
        for paragraph in cell.paragraphs:
            paragraph._p.get_or_add_pPr().append(parse_xml(numbered.format(nsdecls("w"))))
    document.save(str(path))
    result = parse_document(path)
    assert [[m["text"] for m in p["measures"]] for p in problems(result.draft)] == [
        ["制定计划", "开展研讨"],
        ["修订规则", "集体决策"],
    ]


def test_numbering_carried_by_a_paragraph_style(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    path = write_numbered_docx(tmp_path / "s.docx", [(1, "学习贯彻不到位")])
    document = docx.Document(str(path))
    numbering = '<w:numPr {}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'
    document.styles["Heading 1"].element.get_or_add_pPr().append(
        parse_xml(numbering.format(nsdecls("w")))
    )
    document.add_paragraph("作风建设方面", style="Heading 1")
    document.add_paragraph("党的建设方面", style="Heading 1")
    document.save(str(path))
    assert read_document(path) == ["（一）学习贯彻不到位", "一、作风建设方面", "二、党的建设方面"]


@pytest.mark.parametrize(
    ("number", "fmt", "shown"),
    [(3, "chineseCounting", "三"), (12, "chineseCountingThousand", "十二"),
     (2, "decimalEnclosedCircle", "②"), (3, "ideographTraditional", "丙"),
     (4, "upperRoman", "IV"), (2, "lowerLetter", "b"), (7, "decimal", "7"),
     (5, "decimalZero", "05"), (3, "chineseLegalSimplified", "叁")],
)  # fmt: skip
def test_list_number_formats(number, fmt, shown):
    from rectify.intake.wordnum import format_number

    assert format_number(number, fmt) == shown


def test_a_due_not_after_the_feedback_date_is_noted(tmp_path):
    rows = [HEADER, ["1", "党建方面", "学习不深入", "制定计划", "王书记", "李副局长", "办公室",
                     "张科长", "2023年7月1日前"]]  # fmt: skip
    result = parse_document(write_docx(tmp_path / "early.docx", rows))
    assert "问题 1 措施 1 的时限 2023-07-01 不晚于反馈日期 2023-07-26：导入会拒绝" in "\n".join(
        result.ledger_notes
    )


def test_a_report_with_a_small_summary_table_is_read_by_its_outline(tmp_path):
    summary = [["序号", "问题", "整改情况", "责任单位"], ["1", "学习不深入", "已整改", "办公室"]]
    path = write_docx_parts(
        tmp_path / "report.docx",
        ["区委第二巡察组于2023年7月26日反馈了巡察意见。", "一、党的领导方面",
         "(一)学习贯彻不到位", "1.理论学习不深入。", "2.学用结合不好。", (summary, ())],
    )  # fmt: skip
    result = parse_document(path)
    assert [p["title"] for p in problems(result.draft)] == ["理论学习不深入", "学用结合不好"]
    assert result.ledger_table is None
    assert "采用正文，未读取表格" in "\n".join(result.notes)


# --- counts stated in the text -------------------------------------------------------------------


def test_counts_in_chinese_numerals_are_checked_against_the_table(tmp_path):
    rows = [HEADER, *ROWS[1:5]]  # 4 problems of one aspect
    intro = "2023年7月26日反馈了巡察意见，指出两个方面十九个问题，需长期整改的问题两项。"
    path = write_docx(tmp_path / "c.docx", rows, paragraphs=[intro])
    result = parse_document(path)
    assert result.counts_found == {"aspects": 2, "problems": 19, "long_term": 2}
    joined = "\n".join(result.mismatches)
    assert "问题：正文为 19（第 1 行），读出 4" in joined
    assert "需长期整改：正文为 2（第 1 行），读出 1" in joined


def test_a_document_that_only_states_counts_says_so(tmp_path):
    path = write_docx(tmp_path / "only.docx", [["日期", "事项"], ["1", "2"]], paragraphs=[
        "区委第二巡察组于2023年7月26日反馈了巡察意见，反馈问题二十六个。"])  # fmt: skip
    result = parse_document(path)
    assert result.counts_found == {"problems": 26}
    notes = "\n".join(result.notes)
    assert "正文写明了数量（problems 26），但没有读出任何问题" in notes
    assert "文档中有 1 个表格，但没有一个的表头像整改台账" in notes


# --- unreadable and ambiguous documents ------------------------------------------------------------


def _corrupt(path):
    path.write_bytes(b"PK\x03\x04 not really a zip")
    return path


def _bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/huge.xml", b"\0" * (60 * 1024 * 1024))
    return path


UNREADABLE_CASES = [
    ("bad.docx", _corrupt, "不是可读取的 Word 文档"),
    ("bad.xlsx", _corrupt, "不是可读取的 Excel 工作簿"),
    ("bomb.xlsx", _bomb, "疑为压缩炸弹"),
    ("bomb.docx", _bomb, "疑为压缩炸弹"),
    ("plain.xlsx", lambda p: write_xlsx(p, [["日期", "金额"], ["1", "2"]], caption=()),
     "工作簿中没有找到整改台账"),
    ("ledger.pdf", lambda p: p.write_bytes(b"%PDF") and p, "不支持的文件类型“.pdf”"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "message"), UNREADABLE_CASES)
def test_an_unreadable_document_is_a_chinese_message(tmp_path, monkeypatch, name, make, message):
    monkeypatch.setenv("RECTIFY_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024))
    from rectify.core.settings import reset_settings

    reset_settings()
    path = make(tmp_path / name)
    with pytest.raises(UnsupportedDocument, match=message):
        parse_document(path)
    reset_settings()


def test_intake_command_on_a_workbook_and_on_a_broken_file(tmp_path):
    from typer.testing import CliRunner

    from rectify.cli import app

    out = tmp_path / "draft.yaml"
    path = write_xlsx(tmp_path / "台账.xlsx", ROWS, MERGES)
    result = CliRunner().invoke(app, ["intake", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 个方面，3 个类别，12 个问题，16 条措施" in result.output
    assert "台账：工作表「整改台账」（表头在第 3 行）；未能放入草稿的单元格 0 个" in result.output
    empty = write_docx(tmp_path / "empty.docx", [HEADER], paragraphs=["反馈问题两项。"])
    result = CliRunner().invoke(app, ["intake", str(empty), "--out", str(out)])
    assert result.exit_code == 1
    assert "没有读出问题" in result.output
    broken = _corrupt(tmp_path / "broken.docx")
    result = CliRunner().invoke(app, ["intake", str(broken), "--out", str(out)])
    assert result.exit_code == 2
    assert "不是可读取的 Word 文档" in result.output
    assert "Traceback" not in result.output
