"""Parsing (解析) a published document into a draft feedback file and its understanding
report: the steps in order, each in its own module — an outline (提纲) of numbered
paragraphs, or a ledger table (整改台账) in a .docx or .xlsx."""

from __future__ import annotations

from pathlib import Path

from rectify.intake.columns import Ledger, find_ledger
from rectify.intake.compose import compose_draft, inspection_header
from rectify.intake.counts import counts_found, counts_in, counts_parsed, mismatches
from rectify.intake.draft import OutlineResult
from rectify.intake.dues import context_year
from rectify.intake.header import find_header_facts, find_report_date, is_progress_report
from rectify.intake.ledger import read_rows
from rectify.intake.ledger_draft import LedgerDraft, ledger_report
from rectify.intake.reading import UnsupportedDocument, read_document, read_source
from rectify.intake.state import ParseState, read_lines
from rectify.intake.tree import build_outline, problem_region


def parse_outline(lines: list[str], source: str = "document") -> OutlineResult:
    """Parse the lines of a published document into a draft feedback file and a report."""
    state = read_lines(lines, source)
    find_header_facts(state)
    state.is_progress = is_progress_report(state)
    state.report_date = find_report_date(state)
    region, section_title = problem_region(state)
    aspects = build_outline(state, region, section_title)
    result = _result(state)
    result.draft = compose_draft(state, aspects, result)
    _finish(state, result)
    result.unplaced = sorted(state.unplaced)
    return result


def _result(state: ParseState) -> OutlineResult:
    return OutlineResult(
        source=state.source,
        draft={},
        counts_found=counts_found(state),
        counts_parsed={},
        mismatches=[],
        unplaced=[],
        facts=state.facts,
        skipped_sections=state.skipped,
        furniture=state.furniture,
        report_date=state.report_date,
        is_progress_report=state.is_progress,
    )


def _finish(state: ParseState, result: OutlineResult) -> None:
    result.counts_parsed = counts_parsed(state, result)
    result.mismatches = mismatches(state, result)
    result.notes = state.notes
    if result.counts_found and not result.counts_parsed.get("problems"):
        stated = ", ".join(f"{key} {value}" for key, value in result.counts_found.items())
        state.notes.append(f"正文写明了数量（{stated}），但没有读出任何问题：草稿中一个问题也没有")


def parse_ledger(lines: list[str], ledgers: list[Ledger], source: str) -> OutlineResult:
    """Parse a ledger (整改台账: one table, or several of the same columns) and the
    document's paragraphs around it."""
    first = ledgers[0]
    caption = [
        " ".join(dict.fromkeys(cell.text for cell in row if cell.text))
        for row in first.grid.rows[: first.header_rows[0]]
    ]
    state = read_lines(lines + caption, source)
    find_header_facts(state)
    dues = [
        row[ledger.columns["due"]].text
        for ledger in ledgers
        if "due" in ledger.columns
        for row in ledger.grid.rows[ledger.first_row :]
    ]
    state.year = state.year or context_year(dues)
    rows = read_rows(ledgers)
    state.used.update(rows.heading_lines)
    result = _result(state)
    composer = LedgerDraft(rows, state.year, state.feedback_date, result)
    aspects = composer.aspects()
    people, departments = composer.people_and_departments()
    result.draft = {
        "inspection": inspection_header(state, result),
        "people": people,
        "departments": departments,
        "aspects": aspects,
    }
    ledger_report(ledgers, rows, result)
    _finish(state, result)
    result.unplaced = [
        (line.n, line.raw)
        for line in state.lines
        if line.n not in state.used and not counts_in(line.text) and not state.is_signature(line)
    ]
    if not rows.problems:
        state.notes.append(f"{first.grid.name}的表头像整改台账，但表头下没有读出问题")
    return result


def _ledger_or_outline(ledger: OutlineResult, lines: list[str], source: str) -> OutlineResult:
    """The ledger, unless the paragraphs around it number more problems (a report with a
    summary table): an ambiguous document says which reading it took and why."""
    if not lines:
        return ledger
    outline = parse_outline(lines, source=source)
    in_table = ledger.counts_parsed.get("problems", 0)
    in_text = outline.counts_parsed.get("problems", 0)
    if in_text > in_table:
        outline.notes.append(
            f"{ledger.ledger_table}的表头像整改台账，但正文按提纲编号读出的问题更多"
            f"（正文 {in_text} 个，表格 {in_table} 个）：采用正文，未读取表格"
        )
        return outline
    if in_text:
        ledger.ledger_notes.append(
            f"正文按提纲编号也读出 {in_text} 个问题，未采用（表格读出 {in_table} 个）"
        )
    return ledger


def parse_document(path: Path | str) -> OutlineResult:
    """The draft of a document: its ledger table when a .docx or .xlsx holds one, else its
    numbered outline (``parse_outline``)."""
    path = Path(path)
    if path.suffix.lower() not in (".docx", ".xlsx"):
        return parse_outline(read_document(path), source=str(path))
    source = read_source(path)
    ledgers, notes = find_ledger(source.tables)
    if ledgers:
        result = parse_ledger(source.lines, ledgers, str(path))
        result.ledger_notes += notes
        return _ledger_or_outline(result, source.lines, str(path))
    if path.suffix.lower() == ".xlsx":
        raise UnsupportedDocument(
            "工作簿中没有找到整改台账：没有哪张工作表的表头含“存在问题”及整改措施、"
            "责任领导、责任人、整改时限等列中的至少两列"
        )
    result = parse_outline(source.lines, source=str(path))
    if source.tables:
        result.notes.append(
            f"文档中有 {len(source.tables)} 个表格，但没有一个的表头像整改台账"
            "（需含“存在问题”及整改措施、责任人、整改时限等列中的至少两列），按提纲读取正文"
        )
    return result
