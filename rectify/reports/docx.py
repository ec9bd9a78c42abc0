"""The 通报 as a Word document in the style of GB/T 9704 (党政机关公文格式): A4 with its
margins, 仿宋 body on a 28 pt line grid, 黑体/楷体 headings, "— 1 —" page numbers, and the
signature over the date. The same report gives the same document.

python-docx is imported inside the functions that use it, to keep the command line fast."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rectify.reports.progress import ProgressReport
from rectify.reports.wording import Block, report_blocks

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
DATE_RIGHT_CHARS = 4.0  # the 成文日期 stands four characters from the right

# How each kind of paragraph (see ``Block``) is set; ``outline`` shows it in the navigation pane.
STYLES: dict[str, dict] = {
    "title": {"font": TITLE_FONT, "size": TITLE_SIZE_PT, "indent": False},
    "body": {},
    "headline": {},
    "section": {"font": HEADING1_FONT, "outline": 0},
    "aspect": {"font": HEADING2_FONT, "outline": 1},
    "category": {"bold": True, "outline": 2},
    "problem": {"outline": 3},
}


def write_docx(
    report: ProgressReport,
    path: Path,
    chart_png: Path | None = None,
    *,
    internal: bool = False,
) -> None:
    """Write the 通报 ``report`` as a .docx at ``path``, with ``chart_png`` (15 cm wide)
    after the headline if given; ``internal``: the office's version. The paragraphs are the
    Markdown's, one for one. The same report gives the same document text and the same
    core properties (created/modified are the report date, not the time of writing)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    _page_setup(doc)
    _normal_style(doc)
    _page_numbers(doc)

    *paragraphs, unit, day = report_blocks(report, internal=internal)
    for block in paragraphs:
        p = _add(doc, block.text, **STYLES[block.kind])
        if block.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing = Pt(TITLE_LINE_PT)
            _add(doc, "", indent=False)  # 空一行
        elif block.kind == "headline" and chart_png is not None:
            _add_picture(doc, chart_png)
    _signature(doc, unit, day)

    _core_properties(doc, report)
    _drop_thumbnail(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def _add_picture(doc, png: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Cm, Pt

    picture = doc.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = picture.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would clip it
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(6)
    picture.add_run().add_picture(str(png), width=Cm(CHART_WIDTH_CM))


def _signature(doc, unit: Block, day: Block) -> None:
    """发文机关署名 centred over the 成文日期, after two empty lines."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    unit_indent = max(0.0, DATE_RIGHT_CHARS + (_width(day.text) - _width(unit.text)) / 2)
    _add(doc, "", indent=False)
    _add(doc, "", indent=False)
    for text, right in ((unit.text, unit_indent), (day.text, DATE_RIGHT_CHARS)):
        p = _add(doc, text, indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_chars(p, right=right)


def _page_setup(doc) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

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


def _normal_style(doc) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

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


def _page_numbers(doc) -> None:
    """ "— 1 —" in 四号 宋体: odd pages right, even pages left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

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
