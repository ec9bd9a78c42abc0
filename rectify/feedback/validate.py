"""Validation of a feedback file: the schema first, then the cross-field rules of
feedback-format.md. Every violation is collected with its file, line or row, and field."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from rectify.feedback.locate import FileError, Located, dotted, read_file
from rectify.feedback.schema import FeedbackFile, real_date

M = TypeVar("M", bound=BaseModel)


class FeedbackErrors(Exception):
    """All the violations found in one file; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s):\n" + "\n".join(errors))


def load_feedback(path: Path) -> tuple[FeedbackFile, Located]:
    """Read and validate ``path``; raise ``FeedbackErrors`` listing every violation."""
    try:
        located = read_file(path)
    except FileError as exc:
        raise FeedbackErrors([str(exc)]) from None
    errors: list[str] = []

    def report(where: tuple, message: str, location: str | None = None) -> None:
        location = location or located.locate(where)
        errors.append(f"{located.file}:{location}: {dotted(where)}: {message}")

    report_duplicate_keys(located, report)
    _pop_conflicts(located, report)
    if not isinstance(located.data, dict):
        raise FeedbackErrors(
            [f"{located.file}:{located.locate(())}: the file must hold a mapping at the top"]
        )
    feedback = parse_reporting(FeedbackFile, located, report)
    # The cross-field rules run on the raw data too, so one pass reports every violation.
    _cross_checks(located.data, report)
    if errors or feedback is None:
        raise FeedbackErrors(errors)
    return feedback, located


def report_duplicate_keys(located: Located, report) -> None:
    """Report every key the file gives twice."""
    for where in located.where:
        if where and where[-1] == "__duplicate__":
            report(where[:-1], "key given twice")


def parse_reporting(model: type[M], located: Located, report) -> M | None:
    """The file's data as ``model``; None when the schema refuses it, every violation reported."""
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors():
            report(tuple(p for p in err["loc"] if not is_union_tag(p)), error_message(err))
        return None


def is_union_tag(part) -> bool:
    """Whether a part of a pydantic error location names a union member, not a field."""
    return isinstance(part, str) and ("function-before" in part or part.startswith("literal["))


def error_message(err: dict) -> str:
    """A pydantic error as a file's error line words it."""
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "string_pattern_mismatch":
        return f"{msg} (got {err.get('input')!r})"
    if err["type"] == "literal_error":
        return f"{msg} (got {err.get('input')!r})"
    return msg


def _pop_conflicts(located: Located, report) -> None:
    data = located.data
    if not isinstance(data, dict):
        return
    for a, aspect in enumerate(list_or_empty(data.get("aspects"))):
        for c, category in enumerate(list_or_empty(dict_or_empty(aspect).get("categories"))):
            for p, problem in enumerate(list_or_empty(dict_or_empty(category).get("problems"))):
                for src in dict_or_empty(problem).pop("__conflict__", []):
                    report(
                        ("aspects", a, "categories", c, "problems", p, "title"),
                        "the same problem ref is written with another title",
                        located.locate(src + ("problem",)),
                    )


def date_or_none(value) -> dt.date | None:
    """The date, or None when the value is no real date (the schema reports that)."""
    try:
        return real_date(value)
    except ValueError:
        return None


def list_or_empty(value) -> list:
    """The list, or an empty one when the value is something else (a schema error)."""
    return value if isinstance(value, list) else []


def dict_or_empty(value) -> dict:
    """The mapping, or an empty one when the value is something else (a schema error)."""
    return value if isinstance(value, dict) else {}


def _cross_checks(data: dict, report) -> None:
    header = dict_or_empty(data.get("inspection"))
    feedback_date = date_or_none(header.get("feedback_date"))
    _check_dates(header, feedback_date, report)
    ids = _unique_ids(data, report)
    ids["staff"] = _check_sides(data, ids, report)
    _check_heads(data, ids, report)
    _check_aspects(data, report)
    problems = [
        (("aspects", a, "categories", c, "problems", p), dict_or_empty(problem))
        for a, aspect in enumerate(list_or_empty(dict_or_empty(data).get("aspects")))
        for c, category in enumerate(list_or_empty(dict_or_empty(aspect).get("categories")))
        for p, problem in enumerate(list_or_empty(dict_or_empty(category).get("problems")))
    ]
    # compared as the schema stores them: " 1" and 1 are the ref "1"
    refs = Counter(str(problem.get("ref")).strip() for _, problem in problems)
    for at, problem in problems:
        ref = str(problem.get("ref")).strip()
        if problem.get("ref") is not None and refs[ref] > 1:
            report(at + ("ref",), f"problem ref {ref!r} is not unique")
        for m, measure in enumerate(list_or_empty(problem.get("measures"))):
            _check_measure(at + ("measures", m), dict_or_empty(measure), ids, feedback_date, report)


def _check_dates(header: dict, feedback_date: dt.date | None, report) -> None:
    onsite = dict_or_empty(header.get("onsite"))
    start, end = date_or_none(onsite.get("start")), date_or_none(onsite.get("end"))
    if start and end and start > end:
        report(("inspection", "onsite", "end"), "on-site end is before its start")
    if end and feedback_date and end > feedback_date:
        report(("inspection", "feedback_date"), "feedback date is before the on-site end")


def _unique_ids(data: dict, report) -> dict[str, set]:
    ids: dict[str, set] = {}
    for kind in ("people", "departments"):
        items = [dict_or_empty(item) for item in list_or_empty(data.get(kind))]
        keys = [item.get("id") if isinstance(item.get("id"), str) else None for item in items]
        counts = Counter(keys)  # an id of another type is a schema error already
        for i, key in enumerate(keys):
            if key is not None and counts[key] > 1:
                report((kind, i, "id"), f"id {key!r} is not unique")
        ids[kind] = set(counts)
    return ids


def _check_sides(data: dict, ids: dict[str, set], report) -> set:
    """The office's staff ids: unique, and never also a person of the unit (两方不混同)."""
    staff = list_or_empty(dict_or_empty(data.get("office")).get("staff"))
    keys = [dict_or_empty(s).get("id") for s in staff]
    counts = Counter(k for k in keys if isinstance(k, str))
    for i, key in enumerate(keys):
        if not isinstance(key, str):
            continue
        if counts[key] > 1:
            report(("office", "staff", i, "id"), f"id {key!r} is not unique")
        if key in ids["people"]:
            report(
                ("office", "staff", i, "id"),
                f"id {key!r} is also a person of the unit (people): no person is on both sides",
            )
    return set(counts)


def _check_heads(data: dict, ids: dict[str, set], report) -> None:
    for i, department in enumerate(list_or_empty(data.get("departments"))):
        head = dict_or_empty(department).get("head")
        if isinstance(head, str) and head not in ids["people"]:
            report(("departments", i, "head"), f"no entry with id {head!r} in people")


def _check_aspects(data: dict, report) -> None:
    for a, aspect in enumerate(list_or_empty(data.get("aspects"))):
        categories = list_or_empty(dict_or_empty(aspect).get("categories"))
        if categories and not any(
            list_or_empty(dict_or_empty(c).get("problems")) for c in categories
        ):
            report(("aspects", a, "categories"), "the aspect has no problem")


def _check_measure(at, measure: dict, ids: dict[str, set], feedback_date, report) -> None:
    for field, kind in (
        ("lead_leader", "people"),
        ("responsible_leader", "people"),
        ("responsible_person", "people"),
        ("department", "departments"),
    ):
        key = measure.get(field)
        if isinstance(key, str) and key in ids.get("staff", ()) and kind == "people":
            report(
                at + (field,),
                f"{key!r} is of the inspection office (office.staff); a measure names only the unit's people",
            )
        elif isinstance(key, str) and key not in ids[kind]:
            report(at + (field,), f"no entry with id {key!r} in {kind}")
    if feedback_date is None:
        return
    if measure.get("due") == "long_term":
        checkpoint = date_or_none(measure.get("checkpoint"))
        if measure.get("checkpoint") is None:
            report(at + ("checkpoint",), "a long_term measure needs a checkpoint date")
        elif checkpoint and checkpoint <= feedback_date:
            report(
                at + ("checkpoint",), f"checkpoint is not after the feedback date {feedback_date}"
            )
        return
    due = date_or_none(measure.get("due"))
    if due and due <= feedback_date:
        report(at + ("due",), f"due {due} is not after the feedback date {feedback_date}")
