"""Validation of a feedback file: the schema first, then the cross-field rules of
feedback-format.md. Every violation is collected with its file, line or row, and field."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from rectify.core.messages import pydantic_message
from rectify.feedback.locate import FileError, Located, read_file
from rectify.feedback.schema import FeedbackFile, real_date

M = TypeVar("M", bound=BaseModel)
NOT_A_MAPPING = "文件顶层应为“字段: 值”的映射"
KIND_NAMES = {"people": "人员", "departments": "科室"}


class FeedbackErrors(Exception):
    """All the violations found in one file; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"共 {len(errors)} 处错误：\n" + "\n".join(errors))


def load_feedback(path: Path) -> tuple[FeedbackFile, Located]:
    """Read and validate ``path``; raise ``FeedbackErrors`` listing every violation."""
    try:
        located = read_file(path)
    except FileError as exc:
        raise FeedbackErrors([str(exc)]) from None
    errors: list[str] = []

    def report(where: tuple, message: str, location: str | None = None) -> None:
        errors.append(located.error(where, message, location))

    report_duplicate_keys(located, report)
    _pop_conflicts(located, report)
    if not isinstance(located.data, dict):
        raise FeedbackErrors([located.error((), NOT_A_MAPPING)])
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
            report(where[:-1], "同一字段写了两次")


def parse_reporting(model: type[M], located: Located, report) -> M | None:
    """The file's data as ``model``; None when the schema refuses it, every violation reported."""
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors():
            report(tuple(p for p in err["loc"] if not is_union_tag(p)), pydantic_message(err))
        return None


def is_union_tag(part) -> bool:
    """Whether a part of a pydantic error location names a union member, not a field."""
    return isinstance(part, str) and ("function-before" in part or part.startswith("literal["))


def _pop_conflicts(located: Located, report) -> None:
    data = located.data
    if not isinstance(data, dict):
        return
    for at, problem in problem_paths(data):
        for src in problem.pop("__conflict__", []):
            report(
                at + ("title",),
                "同一问题编号写了不同的问题标题",
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
    problems = problem_paths(data)
    # compared as the schema stores them: " 1" and 1 are the ref "1"
    refs = Counter(str(problem.get("ref")).strip() for _, problem in problems)
    for at, problem in problems:
        ref = str(problem.get("ref")).strip()
        if problem.get("ref") is not None and refs[ref] > 1:
            report(at + ("ref",), f"问题编号 {ref} 重复")
        for m, measure in enumerate(list_or_empty(problem.get("measures"))):
            _check_measure(at + ("measures", m), dict_or_empty(measure), ids, feedback_date, report)


def problem_paths(data: dict) -> list[tuple[tuple, dict]]:
    """Every problem of the raw file with its path: under a category
    (``aspects.0.categories.1.problems.2``) or held directly (``aspects.0.problems.2``)."""
    out = []
    for a, aspect in enumerate(list_or_empty(dict_or_empty(data).get("aspects"))):
        aspect = dict_or_empty(aspect)
        for p, problem in enumerate(list_or_empty(aspect.get("problems"))):
            out.append((("aspects", a, "problems", p), dict_or_empty(problem)))
        for c, category in enumerate(list_or_empty(aspect.get("categories"))):
            for p, problem in enumerate(list_or_empty(dict_or_empty(category).get("problems"))):
                out.append((("aspects", a, "categories", c, "problems", p), dict_or_empty(problem)))
    return out


def _check_dates(header: dict, feedback_date: dt.date | None, report) -> None:
    onsite = dict_or_empty(header.get("onsite"))
    start, end = date_or_none(onsite.get("start")), date_or_none(onsite.get("end"))
    if start and end and start > end:
        report(("inspection", "onsite", "end"), "进驻结束日期早于开始日期")
    if end and feedback_date and end > feedback_date:
        report(("inspection", "feedback_date"), "反馈日期早于进驻结束日期")


def _unique_ids(data: dict, report) -> dict[str, set]:
    ids: dict[str, set] = {}
    for kind in ("people", "departments"):
        items = [dict_or_empty(item) for item in list_or_empty(data.get(kind))]
        keys = [item.get("id") if isinstance(item.get("id"), str) else None for item in items]
        counts = Counter(keys)  # an id of another type is a schema error already
        for i, key in enumerate(keys):
            if key is not None and counts[key] > 1:
                report((kind, i, "id"), f"编号 {key} 重复")
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
            report(("office", "staff", i, "id"), f"编号 {key} 重复")
        if key in ids["people"]:
            report(
                ("office", "staff", i, "id"),
                f"编号 {key} 也是被巡察单位的人员（people）：同一人不能既属巡察办又属被巡察单位",
            )
    return set(counts)


def _check_heads(data: dict, ids: dict[str, set], report) -> None:
    for i, department in enumerate(list_or_empty(data.get("departments"))):
        head = dict_or_empty(department).get("head")
        if isinstance(head, str) and head not in ids["people"]:
            report(("departments", i, "head"), f"people 中没有编号为 {head} 的人员")


def _check_aspects(data: dict, report) -> None:
    for a, aspect in enumerate(list_or_empty(data.get("aspects"))):
        categories = list_or_empty(dict_or_empty(aspect).get("categories"))
        if categories and not any(
            list_or_empty(dict_or_empty(c).get("problems")) for c in categories
        ):
            report(("aspects", a, "categories"), "这一方面没有任何问题")


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
                f"{key} 是巡察办人员（office.staff）：整改措施只能由被巡察单位的人员负责",
            )
        elif isinstance(key, str) and key not in ids[kind]:
            report(at + (field,), f"{kind} 中没有编号为 {key} 的{KIND_NAMES[kind]}")
    if feedback_date is None:
        return
    if measure.get("due") == "long_term":
        checkpoint = date_or_none(measure.get("checkpoint"))
        if measure.get("checkpoint") is None:
            report(at + ("checkpoint",), "长期整改（long_term）的措施须给出检查节点日期")
        elif checkpoint and checkpoint <= feedback_date:
            report(at + ("checkpoint",), f"检查节点不晚于反馈日期 {feedback_date}")
        return
    due = date_or_none(measure.get("due"))
    if due and due <= feedback_date:
        report(at + ("due",), f"整改时限 {due} 不晚于反馈日期 {feedback_date}")
