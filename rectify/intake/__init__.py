"""Intake (文稿导入): read a published feedback or progress report (反馈意见 /
整改进展情况通报) numbered in the official outline style — "一、" / "(一)" / "1." / "(1)" /
"1)" / "①", typed or drawn by Word's automatic list numbering — or the office's ledger table
(整改台账) in a Word or Excel file, and draft a feedback file (feedback-format.md) from it.

What the document says is kept (header facts, aspects → categories → problems with their
published numbering, the "一是…二是…" measures of a progress report, dates it names); what it
does not say is left as the placeholder ``TODO_FILL_IN``. The importer refuses that value
(ids are ``[a-z0-9_]+``, dates are dates), so an unfilled draft cannot be imported and
nothing is silently invented. The understanding report (counts found in the text checked
against the counts parsed, lines that could not be placed) is written at the top of the
draft.

Pure text processing: no database, no Prefect.

Modules, one topic each: ``reading`` (documents → normalised lines, page furniture),
``numerals`` (Chinese numerals, outline headings), ``dates`` (dates named in words),
``vocabulary`` (the words and patterns matched), ``state`` (one document's parse state),
``header`` (header facts), ``tree`` (the problem section and its outline), ``counts``
(counts stated and parsed), ``compose`` (the draft structure, measures, due dates),
``parser`` (the steps in order), ``draft`` (the result, its report, the YAML written).
Ledger tables (docs/intake.md): ``tables`` (.docx tables and .xlsx sheets as grids, merged
cells followed), ``wordnum`` (Word's list numbering), ``columns`` (the header row and the
columns' roles), ``cells`` (numbered measures and names in a cell), ``dues`` (dues in words),
``ledger`` (rows → problems, cells not placed), ``ledger_draft`` (the draft and its report).
"""

from rectify.intake.dates import FoundDate, find_dates
from rectify.intake.draft import PLACEHOLDER, RESPONSIBILITY_FIELDS, OutlineResult, write_draft
from rectify.intake.numerals import STYLES, chinese_number, heading, label
from rectify.intake.parser import parse_document, parse_ledger, parse_outline
from rectify.intake.reading import (
    UnsupportedDocument,
    is_furniture,
    normalise,
    read_document,
    read_source,
)

__all__ = [
    "PLACEHOLDER",
    "RESPONSIBILITY_FIELDS",
    "STYLES",
    "FoundDate",
    "OutlineResult",
    "UnsupportedDocument",
    "chinese_number",
    "find_dates",
    "heading",
    "is_furniture",
    "label",
    "normalise",
    "parse_document",
    "parse_ledger",
    "parse_outline",
    "read_document",
    "read_source",
    "write_draft",
]
