"""Composing the draft (起草): the feedback-format structure from the outline tree — the
inspection header, problems with their refs, and each problem's measures with the due date
or long-term checkpoint its wording gives."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rectify.intake.dates import find_dates
from rectify.intake.draft import PLACEHOLDER, RESPONSIBILITY_FIELDS, OutlineResult
from rectify.intake.numerals import chinese_number, label, to_chinese
from rectify.intake.state import OutlineNode, ParseState
from rectify.intake.vocabulary import (
    LONG_TERM_WORDS,
    MEASURE_MARK,
    ONGOING_WORDS,
    PROGRESS_PREFIX,
    ROUND,
)


def compose_draft(state: ParseState, aspects: list[OutlineNode], result: OutlineResult) -> dict:
    """The feedback-format structure of the outline; refs, progress and notes go to ``result``."""
    problems = [(a, c, p) for a in aspects for c in a.children for p in c.children]
    numbers = Counter(p.number for _, _, p in problems)
    running = any(count > 1 for count in numbers.values())
    result.renumbered = running
    draft_aspects = []
    index = 0
    for aspect in aspects:
        draft_categories = []
        for category in aspect.children:
            draft_problems = []
            for problem in category.children:
                index += 1
                ref = str(index if running else problem.number)
                path = "".join(
                    label(node.rank, node.number)
                    for node in (aspect, category, problem)
                    if node.rank is not None and node.number is not None
                )
                result.published[ref] = path
                measures = _measures(state, problem, ref, result)
                draft_problems.append(
                    {"ref": ref, "title": problem.title or PLACEHOLDER, "measures": measures}
                )
            if not category.children:
                state.notes.append(f"第 {category.n} 行：类别“{category.title}”下没有问题")
            draft_categories.append({"title": category.title, "problems": draft_problems})
        if not aspect.children:
            state.notes.append(f"第 {aspect.n} 行：方面“{aspect.title}”下没有问题")
            draft_categories.append({"title": aspect.title, "problems": []})
        draft_aspects.append({"title": aspect.title, "categories": draft_categories})
    if not problems:
        state.notes.append(
            "没有找到编号的问题：文稿不是提纲格式（一、/(一)/1./(1)），或没有认出问题所在的章节"
        )
    return {
        "inspection": inspection_header(state, result),
        "people": [{"id": PLACEHOLDER, "name": PLACEHOLDER, "roles": ["leader"], "contacts": []}],
        "departments": [{"id": PLACEHOLDER, "name": PLACEHOLDER}],
        "aspects": draft_aspects,
    }


def inspection_header(state: ParseState, result: OutlineResult) -> dict:
    """The draft's inspection header: the facts the text gives, the rest left to fill in."""
    facts = state.facts
    missing = result.missing

    def fact(name: str) -> Any:
        if name in facts:
            return facts[name][0]
        missing.append(name)
        return PLACEHOLDER

    round_ = fact("round")
    onsite = facts.get("onsite", (None, None))[0]
    if onsite is None:
        missing.append("onsite")
    feedback = facts.get("feedback_date", (None, None))[0]
    if feedback is None:
        missing.append("feedback_date")
    year = (feedback.year if feedback else None) or (onsite["start"].year if onsite else None)
    slug = "inspection" + (f"-{year}" if year else "")
    match = ROUND.search(round_) if round_ != PLACEHOLDER else None
    if match and chinese_number(match.group(1)):
        slug += f"-r{chinese_number(match.group(1))}"
    if slug == "inspection":
        slug = "inspection-draft"
    header = {
        "id": slug,
        "round": round_,
        "group": fact("group"),
        "unit": fact("unit"),
        "kind": fact("kind"),
        "onsite": {
            "start": onsite["start"].isoformat() if onsite else PLACEHOLDER,
            "end": onsite["end"].isoformat() if onsite else PLACEHOLDER,
        },
        "feedback_date": feedback.isoformat() if feedback else PLACEHOLDER,
        "timezone": "Asia/Shanghai",
    }
    return header


def _measures(
    state: ParseState, problem: OutlineNode, ref: str, result: OutlineResult
) -> list[dict]:
    body = [(n, PROGRESS_PREFIX.sub("", text)) for n, text in problem.text]
    has_prefix = any(PROGRESS_PREFIX.match(text) for _, text in problem.text)
    full = "\n".join(text for _, text in body).strip()
    as_progress = state.is_progress or has_prefix
    segments: list[str] = []
    if full and as_progress:
        result.progress[ref] = full
        segments = _split(state, body, ref)
    elif full:
        result.details[ref] = full
    segments += [text for _, text in problem.items]
    segments = [s for s in (_clean_measure(s) for s in segments) if s]
    if not segments:
        segments = [PLACEHOLDER]
    measures = []
    flagged = False
    for text in segments:
        measure: dict[str, Any] = {"text": text}
        measure |= {name: PLACEHOLDER for name in RESPONSIBILITY_FIELDS}
        due, checkpoint = _due(state, text)
        measure["due"] = due
        if due == "long_term":
            measure["checkpoint"] = checkpoint
            flagged = True
        measures.append(measure)
    if flagged:
        result.long_term.append(ref)
    return measures


def _split(state: ParseState, body: list[tuple[int, str]], ref: str) -> list[str]:
    """The "一是…二是…" measures of a progress text; the whole text when it has none."""
    segments: list[str] = []
    ordinals: list[int] = []
    for n, text in body:
        if segments and text.startswith("是") and not text.startswith("是否"):
            # "二是…" whose ordinal was lost in the published page
            state.notes.append(f"第 {n} 行：问题 {ref} 的一条措施丢了序号（“是…”前没有一二三）")
            segments.append(text[1:])
            ordinals.append(0)
            continue
        position = 0
        for mark in MEASURE_MARK.finditer(text):
            if segments:  # text before the first marker is an introduction
                segments[-1] += text[position : mark.start()]
            segments.append("")
            ordinals.append(chinese_number(mark.group(1)) or 0)
            position = mark.end()
        if segments:
            segments[-1] += text[position:]
    if not segments:
        return ["".join(text for _, text in body)]
    known = [o for o in ordinals if o]
    if known != list(range(1, len(known) + 1)):
        shown = "".join(to_chinese(o) if o else "?" for o in ordinals)
        state.notes.append(f"问题 {ref}：措施序号 {shown} 不是按一二三…的顺序")
    return segments


def _due(state: ParseState, text: str) -> tuple[Any, Any]:
    """(due, checkpoint) of a measure from its wording and the dates it names."""
    dates = find_dates(text, state.year, state.feedback_date)
    words = LONG_TERM_WORDS + (ONGOING_WORDS if state.is_progress else ())
    future = (
        sorted(d.date for d in dates if d.date > state.report_date) if state.report_date else []
    )
    deadlines = sorted(
        d.date
        for d in dates
        if d.deadline and (state.feedback_date is None or d.date > state.feedback_date)
    )
    if future or any(word in text for word in words):
        checkpoint = (future or deadlines or [None])[0]
        return "long_term", checkpoint.isoformat() if checkpoint else PLACEHOLDER
    if deadlines:
        return deadlines[-1].isoformat(), None
    if not state.is_progress and state.feedback_date:
        later = sorted(d.date for d in dates if d.date > state.feedback_date)
        if later:
            return later[-1].isoformat(), None
    return PLACEHOLDER, None


def _clean_measure(text: str) -> str:
    """A measure's text on one line, without its closing punctuation."""
    text = "".join(part.strip() for part in text.split("\n"))
    return text.strip().strip("。;,、").strip()
