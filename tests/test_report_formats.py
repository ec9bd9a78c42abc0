"""The 通报 as DOCX, the 台账 as XLSX and the progress chart, on the Wulong example."""

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from models import session_scope
from rectify.core.clock import parse_instant
from rectify.core.punctuation import full_width
from rectify.feedback.service import import_file
from rectify.problems import service
from rectify.problems.actions import ApplySignOff, ApprovePlan, LongTerm, Progress, SignOffAction
from rectify.reports import (
    LEDGER_COLUMNS,
    build_report,
    cn_number,
    headline,
    write_chart,
    write_docx,
    write_ledger_report_xlsx,
)
from rectify.reports.chart import LABELS as CHART_LABELS
from tests.conftest import EXAMPLES

WULONG = EXAMPLES / "wulong-2023.yaml"
AS_OF = dt.date(2023, 10, 31)
TZ = "Asia/Shanghai"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CLOSED = {"1": "2023-09-05", "5": "2023-09-20", "13": "2023-10-10"}


def act(inspection_id, action, at):
    outcome = service.act(inspection_id, action, parse_instant(at, TZ))
    assert outcome.done, outcome.message


@pytest.fixture(scope="module")
def spec():
    return yaml.safe_load(WULONG.read_text(encoding="utf-8"))


@pytest.fixture
def wulong(db):
    imported = import_file(WULONG)
    assert imported.done, imported.errors
    iid = imported.inspection_id
    act(iid, ApprovePlan(by="secretary", meeting="2023年第14次局党组会议"), "2023-07-28")
    act(iid, Progress(by="office_head", problem="1", text="已开展中心组专题学习"), "2023-08-20")
    for ref, evidence in (("1", "学习记录.pdf"), ("5", "验收单.pdf"), ("13", "会议纪要.pdf")):
        # the unit applies the day before; the office confirms on the closing date
        day_before = (dt.date.fromisoformat(CLOSED[ref]) - dt.timedelta(days=1)).isoformat()
        act(iid, ApplySignOff(by="office_head", problem=ref, evidence=[evidence]), day_before)
        act(iid, SignOffAction(by="xcb_chen", problem=ref), CLOSED[ref])
    act(
        iid,
        LongTerm(  # problem 2 is overdue by then: the office designates it
            by="xcb_chen",
            problem="2",
            stage_goal="建立资金拨付跟踪机制",
            checkpoint=dt.date(2024, 3, 31),
        ),
        "2023-10-15",
    )
    # after the report date: must not show
    act(iid, SignOffAction(by="xcb_chen", problem="3", evidence=["z.pdf"]), "2023-11-02")
    return iid


def test_docx_is_the_report_in_official_format(wulong, spec, tmp_path):
    chart = tmp_path / "chart.png"
    with session_scope() as session:
        write_chart(wulong, AS_OF, chart, session=session)
        report = build_report(wulong, AS_OF, session=session)
    path = tmp_path / "report.docx"
    write_docx(report, path, chart)
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]

    section = doc.sections[0]
    mm = [
        round(length.mm, 1)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4; GB/T 9704 margins

    title = doc.paragraphs[0]
    assert title.text == "中共重庆市武隆区生态环境局党组关于十五届区委第三轮巡察整改进展情况的通报"
    assert title.alignment == 1  # centre
    assert title.runs[0].font.size == Pt(22)
    assert _east_asian(title.runs[0]) == "方正小标宋简体"

    with session_scope() as session:
        figures = service.status(wulong, AS_OF, session=session)
    assert f"截至2023年10月31日，{headline(figures)}。" in texts
    assert any(
        t.startswith("截至2023年10月31日，巡察反馈的3个方面31个问题，已完成整改3个，")
        for t in texts
    )
    sections = ["一、组织落实巡察整改情况", "二、整改落实情况", "三、下一步工作打算"]
    assert [texts.index(s) for s in sections] == sorted(texts.index(s) for s in sections)
    assert any(
        t.startswith("2023年7月28日，2023年第14次局党组会议审议通过了整改工作方案") for t in texts
    )

    heading1 = doc.paragraphs[texts.index("一、组织落实巡察整改情况")]
    assert _east_asian(heading1.runs[0]) == "黑体"
    aspects = [a["title"] for a in spec["aspects"]]
    headings = [t for t in texts if re.match(r"^（[一二三四五六七八九十]+）关于", t)]
    assert headings == [
        f"（{cn_number(i)}）关于“{full_width(title)}”问题的整改情况"
        for i, title in enumerate(aspects, start=1)
    ]
    heading2 = doc.paragraphs[texts.index(headings[0])]
    assert _east_asian(heading2.runs[0]) == "楷体_GB2312"
    first_category = spec["aspects"][0]["categories"][0]["title"]
    assert f"1.{full_width(first_category)}" in texts

    refs = [p["ref"] for a in spec["aspects"] for c in a["categories"] for p in c["problems"]]
    problem_lines = [i for i, t in enumerate(texts) if re.match(r"^（\d+）", t)]
    assert [re.match(r"^（(\d+)）", texts[i]).group(1) for i in problem_lines] == refs
    assert len(refs) == 31
    for i in problem_lines:  # each problem is followed by its 整改情况
        assert texts[i + 1].startswith("整改情况：")
    closed_1 = texts[problem_lines[0] + 1]
    assert "2023年8月20日，已开展中心组专题学习" in closed_1
    assert ".pdf" not in closed_1 and closed_1.endswith("该问题已于2023年9月5日整改销号。")
    long_term = texts[problem_lines[1] + 1]
    assert "该问题需长期整改，阶段性目标：建立资金拨付跟踪机制" in long_term
    assert "下一节点：2024年3月31日" in long_term
    assert "整改销号" not in texts[problem_lines[2] + 1]  # problem 3 closes after the date

    assert len(doc.inline_shapes) == 1
    assert abs(doc.inline_shapes[0].width - 15 * 360000) < 1000  # 15 cm in EMU
    headline_at = next(i for i, t in enumerate(texts) if t.startswith("截至"))
    assert doc.paragraphs[headline_at + 1]._p.xpath(".//pic:pic")  # right after the headline

    body = doc.paragraphs[2]
    assert body.text.startswith(
        "按照巡察工作统一部署，2023年3月22日至2023年5月26日，区委第二巡察组"
    )
    run = body.runs[0]
    assert run.font.size == Pt(16)
    assert _east_asian(run) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body.paragraph_format.first_line_indent == Pt(32)
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"

    assert texts[-2:] == ["中共重庆市武隆区生态环境局党组", "2023年10月31日"]
    assert all(doc.paragraphs[i].alignment == 2 for i in (-2, -1))  # right

    props = doc.core_properties
    assert props.created == props.modified == dt.datetime(2023, 10, 31, tzinfo=dt.UTC)


def test_docx_without_chart_and_the_same_text_twice(wulong, tmp_path):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    with session_scope() as session:
        write_docx(build_report(wulong, AS_OF, session=session), first)
        write_docx(build_report(wulong, AS_OF, session=session), second)
    a, b = Document(str(first)), Document(str(second))
    assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
    assert len(a.inline_shapes) == 0
    assert a.core_properties.modified == b.core_properties.modified


def test_ledger_xlsx_has_one_row_per_measure_with_names(wulong, spec, tmp_path):
    path = tmp_path / "ledger.xlsx"
    with session_scope() as session:
        write_ledger_report_xlsx(wulong, AS_OF, path, session=session)
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "序号",
        "方面",
        "问题",
        "整改措施",
        "牵头领导",
        "责任领导",
        "责任科室",
        "责任人",
        "整改时限",
        "进展情况",
        "状态",
        "销号日期",
    ]
    assert LEDGER_COLUMNS == list(rows[0])
    assert all(cell.font.bold for cell in ws[1])
    assert ws.freeze_panes == "A2"
    problems = [p for a in spec["aspects"] for c in a["categories"] for p in c["problems"]]
    measures = [(p, m) for p in problems for m in p["measures"]]
    assert len(measures) == 68
    data = [dict(zip(LEDGER_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert len(data) == 68
    assert [r["整改措施"] for r in data] == [m["text"] for _, m in measures]
    assert [str(r["序号"]) for r in data] == [p["ref"] for p, _ in measures]

    people = {p["id"]: p["name"] for p in spec["people"]}
    departments = {d["id"]: d["name"] for d in spec["departments"]}
    for row, (_, m) in zip(data, measures, strict=True):
        assert row["牵头领导"] == people[m["lead_leader"]]
        assert row["责任领导"] == people[m["responsible_leader"]]
        assert row["责任人"] == people[m["responsible_person"]]
        assert row["责任科室"] == departments[m["department"]]
        if m["due"] == "long_term":
            assert row["整改时限"] == "长期整改"
        else:
            assert row["整改时限"].date() == m["due"]
    keys = set(people) | set(departments)
    assert not keys & {r[c] for r in data for c in ("牵头领导", "责任领导", "责任科室", "责任人")}

    by_ref: dict[str, list[dict]] = {}
    for row in data:
        by_ref.setdefault(str(row["序号"]), []).append(row)
    for ref, day in CLOSED.items():
        for row in by_ref[ref]:
            assert row["状态"] == "已销号"
            assert row["销号日期"] == dt.datetime.fromisoformat(day)
    assert ws.cell(row=2, column=LEDGER_COLUMNS.index("销号日期") + 1).number_format == "yyyy-mm-dd"
    assert by_ref["1"][0]["进展情况"] == "2023-08-20 已开展中心组专题学习"
    assert {r["状态"] for r in by_ref["2"]} == {"需长期整改"}
    assert {(r["状态"], r["销号日期"]) for r in by_ref["3"]} == {("未启动", None)}


def test_chart_png_and_figures(wulong, tmp_path):
    path = tmp_path / "chart.png"
    with session_scope() as session:
        figures = write_chart(wulong, AS_OF, path, session=session)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    import rectify.reports.chart as chart

    # Chinese labels on any machine: the font comes with the package, not the system
    assert figures["font"] == str(chart.packaged_font_path())
    weeks = figures["weeks"]
    assert weeks[0]["date"] == "2023-07-26"  # the feedback date
    assert weeks[-1]["date"] == AS_OF.isoformat()
    assert all(
        (dt.date.fromisoformat(b["date"]) - dt.date.fromisoformat(a["date"])).days == 7
        for a, b in zip(weeks[:-2], weeks[1:-1], strict=True)
    )
    assert weeks[0] == {"date": "2023-07-26", "closed": 0, "long_term": 0, "open": 31}
    with session_scope() as session:
        status = service.status(wulong, AS_OF, session=session)
    assert weeks[-1] == {
        "date": "2023-10-31",
        "closed": status["closed"],
        "long_term": status["long_term"],
        "open": status["in_progress"] + status["not_started"] + status["reopened"],
    }
    assert (status["closed"], status["long_term"]) == (3, 1)
    assert figures["by_aspect"] == [
        {
            "aspect": row["aspect"],
            "closed": row["closed"],
            "long_term": row["long_term"],
            "open": row["in_progress"] + row["not_started"] + row["reopened"],
        }
        for row in status["by_aspect"]
    ]
    assert [a["aspect"] for a in figures["by_aspect"]] == [1, 2, 3]

    again = tmp_path / "again.png"
    with session_scope() as session:
        assert write_chart(wulong, AS_OF, again, session=session) == figures
    assert again.read_bytes() == path.read_bytes()
    assert b"Software" not in path.read_bytes()
    assert b"matplotlib" not in path.read_bytes()


def _garbage_font(tmp_path):
    path = tmp_path / "broken.otf"
    path.write_bytes(b"not a font")
    return path


# (case, the font file the chart finds, a system font named like the packaged one, the
# language of the labels)
CHART_FONT_CASES = [
    ("the packaged font on a machine without CJK fonts", None, False, "zh"),
    ("the packaged font over a system one of the same name", None, True, "zh"),
    ("the packaged file missing", lambda tmp_path: None, False, "en"),
    ("the packaged file unreadable", _garbage_font, False, "en"),
]


@pytest.mark.parametrize(
    ("case", "font_file", "system_namesake", "lang"),
    CHART_FONT_CASES,
    ids=[c[0] for c in CHART_FONT_CASES],
)
def test_chart_labels_follow_the_font_found(
    wulong, tmp_path, monkeypatch, case, font_file, system_namesake, lang
):
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    import rectify.reports.chart as chart

    packaged = chart.packaged_font_path()
    assert packaged is not None and packaged.name == "NotoSansCJKsc-Regular-GB2312.otf"
    # shipped inside rectify itself, not found on the system, with its licence beside it
    assert packaged.parent == Path(chart.__file__).parent / "fonts"
    assert "SIL Open Font License" in (packaged.parent / "OFL.txt").read_text(encoding="utf-8")
    if font_file is not None:
        monkeypatch.setattr(chart, "packaged_font_path", lambda: font_file(tmp_path))
    if system_namesake:  # first in the list, as the system's fonts are
        dejavu = font_manager.findfont("DejaVu Sans")
        namesake = font_manager.FontEntry(fname=dejavu, name="Noto Sans CJK SC", size="scalable")
        ttflist = [namesake, *font_manager.fontManager.ttflist]
        monkeypatch.setattr(font_manager.fontManager, "ttflist", ttflist)
    font_manager.fontManager._findfont_cached.cache_clear()  # look-ups see the list as set
    drawn = []  # (text, the font file it resolves to) for every label on the chart
    savefig = Figure.savefig

    def spy(fig, *args, **kwargs):
        savefig(fig, *args, **kwargs)
        for text in fig.findobj(Text):
            if text.get_text():
                drawn.append((text.get_text(), font_manager.findfont(text.get_fontproperties())))

    monkeypatch.setattr(Figure, "savefig", spy)
    try:
        with session_scope() as session:
            figures = write_chart(wulong, AS_OF, tmp_path / "chart.png", session=session)
    finally:
        font_manager.fontManager._findfont_cached.cache_clear()
    texts = {text for text, _ in drawn}
    fonts = {font for _, font in drawn}
    if lang == "zh":
        assert figures["font"] == str(packaged)
        assert {"整改进展（按周）", "已整改销号", "问题数（个）", "（一）"} <= texts
        assert "中共重庆市武隆区生态环境局党组整改进展" in texts
        assert fonts == {str(packaged)}  # every label, digits too, from the packaged file
    else:
        assert figures["font"] is None
        assert {"Progress by week", "closed", "problems", "Aspect 1"} <= texts
        assert not any("\u4e00" <= ch <= "\u9fff" for text in texts for ch in text)
        assert all(Path(font).name.startswith("DejaVuSans") for font in fonts)
    assert (tmp_path / "chart.png").read_bytes()[:8] == PNG_SIGNATURE


def _gb2312_hanzi() -> str:
    codes = (bytes([0xA0 + row, 0xA0 + cell]) for row in range(16, 88) for cell in range(1, 95))
    return "".join(code.decode("gb2312", errors="ignore") for code in codes)


# (what the chart may have to draw, its characters)
PACKAGED_FONT_COVERS = [
    ("the 6 763 GB 2312 hanzi a unit's name may use", _gb2312_hanzi()),
    ("the chart's labels", "".join(CHART_LABELS["zh"].values())),
    ("the date and numbering", "2023年10月31日（一）（二十三）〇"),
    ("punctuation in a unit's name", "·—、（）《》【】“”‘’…，。：；！？"),
    ("ASCII", "".join(map(chr, range(0x20, 0x7F)))),
]


@pytest.mark.parametrize(
    ("what", "chars"), PACKAGED_FONT_COVERS, ids=[c[0] for c in PACKAGED_FONT_COVERS]
)
def test_packaged_font_has_a_glyph_for(what, chars):
    from matplotlib.ft2font import FT2Font

    import rectify.reports.chart as chart

    charmap = FT2Font(str(chart.packaged_font_path())).get_charmap()
    missing = sorted({ch for ch in chars if ord(ch) not in charmap})
    assert not missing, f"{what}: {''.join(missing[:20])}"


def _east_asian(run) -> str | None:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))
