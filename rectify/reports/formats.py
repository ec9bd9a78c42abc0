"""The 通报 as a Word document in the style of GB/T 9704 (党政机关公文格式), and the
整改台账 as an Excel workbook. Both are rebuilt from the recorded history as of a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rectify.reports.progress import (
    ProgressReport,
    _paragraph,
    closing_dates,
    cn_date,
    cn_number,
    headline,
    progress_entries,
)

# GB/T 9704: A4, 版心 156 mm × 225 mm, 22 lines of 28 characters of 三号 (16 pt).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE_PT = 22  # 二号
BODY_SIZE_PT = 16  # 三号
PAGE_NUMBER_SIZE_PT = 14  # 四号
LINE_PT = 28
TITLE_LINE_PT = 36
CHART_WIDTH_CM = 15


# --------------------------------------------------------------------------- DOCX


def write_docx(report: ProgressReport, path: Path, chart_png: Path | None = None) -> None:
    """Write the 通报 ``report`` as a .docx at ``path``, with ``chart_png`` (15 cm wide)
    after the headline if given. The same report gives the same document text and the same
    core properties (created/modified are the report date, not the time of writing)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Cm, Mm, Pt

    doc = Document()
    _page_setup(doc, Mm)
    _normal_style(doc, Pt, WD_LINE_SPACING)
    _page_numbers(doc, Pt, WD_ALIGN_PARAGRAPH)

    title = _add(doc, report.title, font=TITLE_FONT, size=TITLE_SIZE_PT, indent=False)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(TITLE_LINE_PT)
    _add(doc, "", indent=False)  # 空一行

    _add(
        doc,
        f"根据巡察工作统一部署,{cn_date(report.onsite_start)}至{cn_date(report.onsite_end)},"
        f"{report.group}对{report.unit}开展了{report.kind},并于{cn_date(report.feedback_date)}"
        "反馈了巡察意见。按照巡察工作有关要求,现将巡察整改进展情况予以公布。",
    )

    _add(doc, "一、整改工作组织情况", font=HEADING1_FONT, outline=0)
    if report.plan_approved_on:
        _add(
            doc,
            f"{cn_date(report.plan_approved_on)},{report.meeting or '党组会议'}审议通过了整改工作方案,"
            "逐一明确了牵头领导、责任领导、责任科室、责任人和整改时限,实行整改销号制度,"
            "做到整改一个销号一个。整改工作领导小组副组长每半月调度整改工作进展,组长每月亲自督办。",
        )
    else:
        _add(doc, "整改工作方案尚未经党组会议审议通过。")

    _add(doc, "二、整改工作落实情况", font=HEADING1_FONT, outline=0)
    _add(doc, f"截至{cn_date(report.as_of)},{headline(report.figures)}。")
    if chart_png is not None:
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = picture.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would clip it
        fmt.first_line_indent = Pt(0)
        fmt.space_before = fmt.space_after = Pt(6)
        picture.add_run().add_picture(str(chart_png), width=Cm(CHART_WIDTH_CM))

    for a, aspect in enumerate(report.aspects, start=1):
        _add(doc, f"({cn_number(a)}){aspect.title}", font=HEADING2_FONT, outline=1)
        for c, category in enumerate(aspect.categories, start=1):
            _add(doc, f"{c}.{category.title}", bold=True, outline=2)
            for p in category.problems:
                _add(doc, f"({p.ref}){p.title}", outline=3)
                _add(doc, _paragraph(p))

    # 发文机关署名 centred over the 成文日期, which stands four characters from the right.
    day = cn_date(report.as_of)
    date_indent = 4.0
    unit_indent = max(0.0, date_indent + (_width(day) - _width(report.unit)) / 2)
    _add(doc, "", indent=False)
    _add(doc, "", indent=False)
    for text, right in ((report.unit, unit_indent), (day, date_indent)):
        p = _add(doc, text, indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_chars(p, right=right)

    _core_properties(doc, report)
    _drop_thumbnail(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def _page_setup(doc, Mm) -> None:
    from docx.enum.section import WD_ORIENT

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(28)  # 页码 7 mm below the 版心 (GB/T 9704 §7.5)


def _normal_style(doc, Pt, WD_LINE_SPACING) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE_PT)
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = True


def _set_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold or None
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)


def _add(
    doc,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = BODY_SIZE_PT,
    indent: bool = True,
    bold: bool = False,
    outline: int | None = None,
):
    """A paragraph in the body's line grid: exactly 28 pt, first line indented two
    characters unless ``indent`` is false; ``outline`` shows it in the navigation pane."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        _indent_chars(p, first_line=2)
    if outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        p._p.get_or_add_pPr().append(level)
    if text:
        _set_font(p.add_run(text), font, size, bold)
    return p


def _indent_chars(p, *, first_line: float | None = None, right: float | None = None) -> None:
    """Indents in characters (w:firstLineChars / w:rightChars, hundredths of a character),
    with the length of that many 三号 characters for readers that ignore the former."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    fmt = p.paragraph_format
    if first_line is not None:
        fmt.first_line_indent = Pt(BODY_SIZE_PT * first_line)
    if right is not None:
        fmt.right_indent = Pt(BODY_SIZE_PT * right)
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    if first_line is not None:
        ind.set(qn("w:firstLineChars"), str(round(first_line * 100)))
    if right is not None:
        ind.set(qn("w:rightChars"), str(round(right * 100)))


def _width(text: str) -> float:
    """Width in full-width characters: ASCII (digits) counts half."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def _page_numbers(doc, Pt, WD_ALIGN_PARAGRAPH) -> None:
    """ "— 1 —" in 四号 宋体: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.alignment = align
        fmt = p.paragraph_format
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(PAGE_NUMBER_SIZE_PT)
        else:
            fmt.left_indent = Pt(PAGE_NUMBER_SIZE_PT)
        _set_font(p.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE_PT)
        _page_field(p)
        _set_font(p.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE_PT)


def _page_field(p) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), PAGE_NUMBER_FONT)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(PAGE_NUMBER_SIZE_PT * 2))
    rpr.append(fonts)
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


def _drop_thumbnail(doc) -> None:
    """python-docx's template carries a thumbnail of an unrelated page; leave it out."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def _core_properties(doc, report: ProgressReport) -> None:
    stamp = dt.datetime(report.as_of.year, report.as_of.month, report.as_of.day)
    props = doc.core_properties
    props.title = report.title
    props.subject = f"{report.round}整改进展情况"
    props.author = report.unit
    props.last_modified_by = report.unit
    props.keywords = "巡察整改"
    props.comments = ""
    props.category = "通报"
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp


# --------------------------------------------------------------------------- XLSX

LEDGER_COLUMNS = [
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
LEDGER_WIDTHS = {
    "序号": 7,
    "方面": 26,
    "问题": 30,
    "整改措施": 50,
    "牵头领导": 12,
    "责任领导": 12,
    "责任科室": 14,
    "责任人": 12,
    "整改时限": 13,
    "进展情况": 50,
    "状态": 14,
    "销号日期": 13,
}
LONG_TERM_DUE = "长期整改"


def ledger_rows(inspection_id: str | None, as_of: dt.date) -> list[dict]:
    """The 台账 as of ``as_of``: one dict per measure, keyed by ``LEDGER_COLUMNS``, the
    problem's columns repeated on each of its measures. 序号 is the problem's ref; 整改时限
    is the due date in force that day (a date) or "长期整改"; 销号日期 is the date of the
    sign-off that closed it (a date) while it stands closed."""

    from models import session_scope
    from rectify.core.clock import end_of_local_day_utc
    from rectify.core.states import STATE_LABELS, ProblemState
    from rectify.problems.snapshots import snapshot
    from rectify.problems.tree import get_inspection

    with session_scope() as session:
        inspection = get_inspection(session, inspection_id)
        tz = inspection.timezone
        snap = snapshot(session, inspection, as_of)
        cutoff = end_of_local_day_utc(as_of, tz)
        tree = snap.tree
        ids = [p.id for p in tree.problems]
        progress = {
            pid: [f"{day:%Y-%m-%d} {text}" for day, text in entries]
            for pid, entries in progress_entries(session, ids, cutoff, tz).items()
        }
        signed = closing_dates(session, ids, cutoff, tz)

        def person(person_id: int) -> str:
            found = tree.people.get(person_id)
            return found.name if found else ""

        def department(department_id: int) -> str:
            found = tree.departments.get(department_id)
            return found.name if found else ""

        rows: list[dict] = []
        for problem, view in zip(tree.problems, snap.problems, strict=True):
            closed = view.state == ProblemState.CLOSED
            shared = {
                "序号": int(problem.ref) if problem.ref.isdigit() else problem.ref,
                "方面": tree.aspect_of(problem).title,
                "问题": problem.title,
                "进展情况": "\n".join(progress.get(problem.id, [])),
                "状态": STATE_LABELS[view.state],
                "销号日期": signed.get(problem.id) if closed else None,
            }
            measures = tree.measures.get(problem.id, [])
            if not measures:
                rows.append({c: shared.get(c) for c in LEDGER_COLUMNS})
            for measure, mv in zip(measures, view.measures, strict=True):
                rows.append(
                    {
                        **shared,
                        "整改措施": measure.text,
                        "牵头领导": person(measure.lead_leader_id),
                        "责任领导": person(measure.responsible_leader_id),
                        "责任科室": department(measure.department_id),
                        "责任人": person(measure.responsible_person_id),
                        "整改时限": mv.due if mv.due is not None else LONG_TERM_DUE,
                    }
                )
        return [{c: row.get(c) for c in LEDGER_COLUMNS} for row in rows]


def write_ledger_report_xlsx(inspection_id: str | None, as_of: dt.date, path: Path) -> None:
    """Write the 整改台账 as of ``as_of`` to ``path`` (.xlsx): a bold, frozen, filterable
    header row with ``LEDGER_COLUMNS`` and one wrapped row per measure."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    rows = ledger_rows(inspection_id, as_of)
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append(LEDGER_COLUMNS)
    for row in rows:
        ws.append([row[c] for c in LEDGER_COLUMNS])

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    centred = {"序号", "牵头领导", "责任领导", "责任科室", "责任人", "整改时限", "状态", "销号日期"}
    for column, name in enumerate(LEDGER_COLUMNS, start=1):
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = LEDGER_WIDTHS[name]
        for cell in ws[letter][1:]:
            cell.alignment = Alignment(
                horizontal="center" if name in centred else "left",
                vertical="top",
                wrap_text=True,
            )
            cell.border = border
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(LEDGER_COLUMNS))}{max(1, len(rows) + 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    stamp = dt.datetime(as_of.year, as_of.month, as_of.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "rectify"
    wb.properties.title = f"整改台账(截至{cn_date(as_of)})"
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_workbook(wb, path)


def _save_workbook(wb, path: Path) -> None:
    """``Workbook.save`` without its stamping ``modified`` with the time of writing."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(wb, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)).save()
