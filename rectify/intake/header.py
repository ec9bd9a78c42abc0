"""Header facts (基本信息) of a document: round, group, unit, kind, on-site dates, feedback
date, whether it is a progress report (整改进展情况) and as of which date — where the text
says them."""

from __future__ import annotations

import datetime as dt

from rectify.intake.dates import ONSITE, bare_date, find_dates
from rectify.intake.state import ParseState
from rectify.intake.vocabulary import (
    AS_OF,
    FEEDBACK,
    GROUP,
    KINDS,
    ON_UNIT,
    PROGRESS_PREFIX,
    PROGRESS_REPORT_WORDS,
    ROUND,
    ROUND_FULL,
    SIGNATURE,
    TITLE_UNIT,
    TO_UNIT,
)


def find_header_facts(state: ParseState) -> None:
    """Round, group, unit, kind, on-site dates and feedback date, where the text says
    them; the signature date; the year of context for dates without a year."""
    found = state.first_match(ROUND_FULL) or state.first_match(ROUND)
    if found:
        state.add_fact("round", *found)
    found = state.first_match(GROUP)
    if found:
        state.add_fact("group", *found)
    _unit(state)
    _onsite(state)
    _feedback_date(state)
    _kind(state)
    state.signature_date = None
    for line in reversed(state.lines[-8:]):
        date = bare_date(line.text)
        if date:
            state.signature_date = (date, line.n)
            state.used.add(line.n)
            break
    onsite = state.facts.get("onsite", (None, None))[0]
    state.feedback_date = state.facts.get("feedback_date", (None, None))[0]
    state.year = (
        (state.feedback_date.year if state.feedback_date else None)
        or (onsite["start"].year if onsite else None)
        or next(
            (
                d.date.year
                for line in state.lines[:10]
                for d in find_dates(line.text, None)
                if d.explicit_year
            ),
            None,
        )
        or (state.publish_date[0].year if state.publish_date else None)
    )


def _unit(state: ParseState) -> None:
    """The unit: its signature at the end, the title "X党组关于…", "向X党组反馈",
    "对X开展了…巡察", in that order."""
    for line in reversed(state.lines[-15:]):
        if SIGNATURE.match(line.text) and not line.head:
            state.add_fact("unit", line.text, line.n)
            return
    if state.lines:
        match = TITLE_UNIT.match(state.lines[0].text)
        if match:
            state.add_fact("unit", match.group(1), state.lines[0].n)
            return
    found = state.first_match(TO_UNIT, 1) or state.first_match(ON_UNIT, 1)
    if found:
        state.add_fact("unit", *found)


def _onsite(state: ParseState) -> None:
    for line in state.lines:
        for match in ONSITE.finditer(line.text):
            if "巡" not in _sentence_at(line.text, match.start()):
                continue
            y = int(match.group("y"))
            try:
                start = dt.date(y, int(match.group("m")), int(match.group("d")))
                end = dt.date(
                    int(match.group("y2") or y), int(match.group("m2")), int(match.group("d2"))
                )
            except ValueError:
                continue
            if start <= end:
                state.add_fact("onsite", {"start": start, "end": end}, line.n)
                return


def _feedback_date(state: ParseState) -> None:
    """The last date before "反馈了巡察意见" in its sentence, not one of the on-site days."""
    onsite = state.facts.get("onsite", (None, None))[0]
    year = onsite["start"].year if onsite else None
    for line in state.lines:
        for match in FEEDBACK.finditer(line.text):
            at = match.start()
            before = line.text[max(line.text.rfind(ch, 0, at) for ch in "。;!?") + 1 : at]
            dates = [
                d
                for d in find_dates(before, year)
                if not (onsite and onsite["start"] <= d.date <= onsite["end"])
            ]
            if dates:
                state.add_fact("feedback_date", dates[-1].date, line.n)
                return


def _kind(state: ParseState) -> None:
    """The first kind named (常规/专项/机动/延伸巡察, 回头看), near the top first."""
    for scope in (state.lines[:8], state.lines):
        for line in scope:
            named = [(line.text.find(word), kind) for word, kind in KINDS if word in line.text]
            if named:
                state.add_fact("kind", min(named)[1], line.n)
                return


def _sentence_at(text: str, at: int) -> str:
    start = max(text.rfind(ch, 0, at) for ch in "。;!?") + 1
    ends = [i for i in (text.find(ch, at) for ch in "。;!?") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def is_progress_report(state: ParseState) -> bool:
    """A progress report (整改进展情况通报) by its title words or its 整改情况: paragraphs."""
    head = " ".join(line.text[:200] for line in state.lines[:6])
    if any(word in head for word in PROGRESS_REPORT_WORDS):
        return True
    return any(PROGRESS_PREFIX.match(line.text) for line in state.lines)


def find_report_date(state: ParseState) -> dt.date | None:
    """The date a progress report speaks as of (截至…), else its signature or publication
    date; None for a feedback document."""
    if not state.is_progress:
        return None
    for line in state.lines:
        match = AS_OF.search(line.text)
        if not match:
            continue
        dates = find_dates(line.text[match.end() : match.end() + 16], state.year)
        if dates and dates[0].start == 0:
            state.add_fact("report_date", dates[0].date, line.n)
            return dates[0].date
    for found in (state.signature_date, state.publish_date):
        if found:
            state.add_fact("report_date", found[0], found[1])
            return found[0]
    return None
