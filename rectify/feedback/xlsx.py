"""The feedback file as an XLSX workbook.

Sheets: ``inspection`` (key | value rows; policy keys dotted, e.g. ``policy.plan_due.days``),
``people`` (id, name, roles, contacts), ``departments`` (id, name) and ``ledger`` — one row
per measure, the aspect/category/problem columns repeated. Headers may be English or Chinese.
Lists in a cell are separated by commas (roles, day lists) or new lines (contacts).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from rectify.core.inputs import CellBudget, check_archive
from rectify.core.messages import line, located
from rectify.feedback.locate import FileError, Located

LEDGER_COLUMNS = {
    "aspect": ("aspect", "方面"),
    "category": ("category", "类别", "类"),
    "ref": ("problem_ref", "ref", "问题编号"),
    "problem": ("problem", "问题"),
    "text": ("measure", "整改措施"),
    "lead_leader": ("lead_leader", "牵头领导"),
    "responsible_leader": ("responsible_leader", "责任领导"),
    "department": ("department", "责任科室"),
    "responsible_person": ("responsible_person", "责任人"),
    "due": ("due", "整改时限"),
    "checkpoint": ("checkpoint", "检查节点"),
}
PEOPLE_COLUMNS = {
    "id": ("id", "编号"),
    "name": ("name", "姓名", "职务"),
    "roles": ("roles", "角色"),
    "contacts": ("contacts", "联系方式"),
}
DEPARTMENT_COLUMNS = {"id": ("id", "编号"), "name": ("name", "名称")}
LIST_KEYS = {"policy.dispatch_days", "policy.reminders"}


def read_xlsx(path: Path) -> Located:
    """Read the XLSX form of a feedback file, keeping each value's sheet, row and column;
    a package past the input limits (size, unpacked size, rows and cells) is refused with
    ``InputRefused``, streamed, never loaded whole."""
    check_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        why = "不是可读取的 XLSX 工作簿：文件已损坏，或不是 Excel（.xlsx）文件"
        raise FileError(located(str(path), "", "", why)) from None
    try:
        missing = [s for s in ("inspection", "people", "departments", "ledger") if s not in book]
        if missing:
            raise FileError(located(str(path), "", "", f"缺少工作表：{'、'.join(missing)}"))
        return _read_book(book, path)
    finally:
        book.close()


def _read_book(book, path: Path) -> Located:
    out = Located(str(path), None, {(): "工作簿"})
    budget = CellBudget(path)
    data: dict[str, Any] = {}
    _read_header(budget.rows(book["inspection"]), data, out)
    data["people"] = _read_table(budget, book["people"], PEOPLE_COLUMNS, ("people",), out)
    for person in data["people"]:
        person["roles"] = _split(person.get("roles"), ",")
        person["contacts"] = _split(person.get("contacts"), "\n")
    data["departments"] = _read_table(
        budget, book["departments"], DEPARTMENT_COLUMNS, ("departments",), out
    )
    data["aspects"] = _read_ledger(budget, book["ledger"], out)
    out.data = data
    return out


def _row(sheet: str, row: int) -> str:
    return f"工作表 {sheet}，{line(row)}"


def _cell(sheet: str, row: int, col: int, header: str) -> str:
    return f"{_row(sheet, row)}，{get_column_letter(col)} 列（{header}）"


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _split(value: Any, sep: str) -> list[str]:
    if value in (None, ""):
        return []
    return [part.strip() for part in str(value).replace("，", ",").split(sep) if part.strip()]


def _read_header(rows, data: dict[str, Any], out: Located) -> None:
    for row_no, row in enumerate(rows, start=1):
        if not row or row[0] in (None, "", "key", "字段"):
            continue
        key, value = str(row[0]).strip(), _value(row[1] if len(row) > 1 else None)
        if key in LIST_KEYS:
            value = [int(v) if v.isdigit() else v for v in _split(value, ",")]
        parts = key.split(".")
        if parts[0] != "policy":
            parts = ["inspection", *parts]
        if parts[:2] == ["inspection", "onsite_start"]:
            parts = ["inspection", "onsite", "start"]
        elif parts[:2] == ["inspection", "onsite_end"]:
            parts = ["inspection", "onsite", "end"]
        target = data
        for i, part in enumerate(parts[:-1]):
            target = target.setdefault(part, {})
            out.where.setdefault(tuple(parts[: i + 1]), _row("inspection", row_no))
        target[parts[-1]] = value
        out.where[tuple(parts)] = _cell("inspection", row_no, 2, key)


def _header_map(
    budget: CellBudget, ws, columns: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], list[str]]:
    first = next(budget.rows(ws, min_row=1, max_row=1), ())
    names = [str(v).strip() if v is not None else "" for v in first]
    found: dict[str, int] = {}
    for field, aliases in columns.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[field] = i
                break
    return found, names


def _read_table(budget: CellBudget, ws, columns, base: tuple, out: Located) -> list[dict[str, Any]]:
    found, names = _header_map(budget, ws, columns)
    rows: list[dict[str, Any]] = []
    for row_no, row in enumerate(budget.rows(ws, min_row=2), start=2):
        if not any(v not in (None, "") for v in row):
            continue
        item: dict[str, Any] = {}
        path = base + (len(rows),)
        out.where[path] = _row(ws.title, row_no)
        for field, col in found.items():
            value = _value(row[col] if col < len(row) else None)
            if value not in (None, ""):
                item[field] = value
            out.where[path + (field,)] = _cell(ws.title, row_no, col + 1, names[col])
        rows.append(item)
    return rows


def _read_ledger(budget: CellBudget, ws, out: Located) -> list[dict[str, Any]]:
    """The ledger rows as aspects → categories → problems → measures; rows without a
    category put their problem directly under the aspect (Binhai: 方面 → 问题)."""
    rows_base = ("__ledger__",)
    rows = _read_table(budget, ws, LEDGER_COLUMNS, rows_base, out)
    aspects: list[dict[str, Any]] = []
    by_title: dict[Any, tuple] = {}
    for i, row in enumerate(rows):
        src = rows_base + (i,)
        aspect_key = row.get("aspect")
        if aspect_key not in by_title:
            by_title[aspect_key] = (len(aspects), {})
            aspects.append({"title": aspect_key})
            _alias(out, src, ("aspects", len(aspects) - 1), {"title": "aspect"})
        a, groups = by_title[aspect_key]
        new_group = row.get("category") not in groups
        group_path, problem_list, problems = _group(aspects[a], groups, row.get("category"))
        if new_group and group_path:
            _alias(out, src, ("aspects", a, *group_path), {"title": "category"})
        ref = row.get("ref")
        if ref not in problems:
            problems[ref] = len(problem_list)
            problem = {"ref": ref, "title": row.get("problem"), "measures": []}
            problem_list.append(problem)
            _alias(
                out,
                src,
                ("aspects", a, *group_path, "problems", problems[ref]),
                {"ref": "ref", "title": "problem"},
            )
        p = problems[ref]
        problem = problem_list[p]
        if row.get("problem") not in (None, problem["title"]):
            # the same ref written with another title: the validator reports it here
            problem.setdefault("__conflict__", []).append(src)
        measure = {
            key: row[key]
            for key in LEDGER_COLUMNS
            if key not in ("aspect", "category", "ref", "problem") and key in row
        }
        m = len(problem["measures"])
        problem["measures"].append(measure)
        path = ("aspects", a, *group_path, "problems", p, "measures", m)
        _alias(out, src, path, {key: key for key in LEDGER_COLUMNS})
    return aspects


def _group(aspect: dict[str, Any], groups: dict, category: Any) -> tuple[tuple, list, dict]:
    """Where a row's problem goes: (path below the aspect, its problem list, refs → index)."""
    if category not in groups:
        if category is None:
            groups[None] = ((), aspect.setdefault("problems", []), {})
        else:
            categories = aspect.setdefault("categories", [])
            categories.append({"title": category, "problems": []})
            groups[category] = (("categories", len(categories) - 1), categories[-1]["problems"], {})
    path, problem_list, problems = groups[category]
    return path, problem_list, problems


def _alias(out: Located, src: tuple, dst: tuple, fields: dict[str, str]) -> None:
    out.where[dst] = out.where[src]
    for dst_field, src_field in fields.items():
        if src + (src_field,) in out.where:
            out.where[dst + (dst_field,)] = out.where[src + (src_field,)]
