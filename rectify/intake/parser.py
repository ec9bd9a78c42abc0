"""Parsing (解析) a published document into a draft feedback file and its understanding
report: the steps in order, each in its own module."""

from __future__ import annotations

from pathlib import Path

from rectify.intake.compose import compose_draft
from rectify.intake.counts import counts_found, counts_parsed, mismatches
from rectify.intake.draft import OutlineResult
from rectify.intake.header import find_header_facts, find_report_date, is_progress_report
from rectify.intake.reading import read_document
from rectify.intake.state import read_lines
from rectify.intake.tree import build_outline, problem_region


def parse_outline(lines: list[str], source: str = "document") -> OutlineResult:
    """Parse the lines of a published document into a draft feedback file and a report."""
    state = read_lines(lines, source)
    find_header_facts(state)
    state.is_progress = is_progress_report(state)
    state.report_date = find_report_date(state)
    region, section_title = problem_region(state)
    aspects = build_outline(state, region, section_title)
    result = OutlineResult(
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
    result.draft = compose_draft(state, aspects, result)
    result.counts_parsed = counts_parsed(state, result)
    result.mismatches = mismatches(state, result)
    result.unplaced = sorted(state.unplaced)
    result.notes = state.notes
    return result


def parse_document(path: Path | str) -> OutlineResult:
    """``parse_outline(read_document(path), source=path)``."""
    return parse_outline(read_document(path), source=str(path))
