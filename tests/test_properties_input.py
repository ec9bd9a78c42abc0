"""Malformed inputs, generated: feedback files, filled-in ledgers (台账) and scenarios broken
in every way a person or a spreadsheet can break them. Each is refused with a message that
names the file and the line, row or field, and the database is as it was before — apart from
the audit event that records the refusal.

Examples per test (SQLite): 320 + 120 feedback files, 300 ledgers, 300 scenarios = 1 040.
On PostgreSQL (RECTIFY_TEST_DATABASE_URL) the tests that write to the database run a quarter
as many, to keep that run fast; the SQLite run keeps the full count."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pydantic import TypeAdapter
from typer.testing import CliRunner

from models import session_scope
from rectify.cli import app
from rectify.core.policy import Policy
from rectify.core.punctuation import full_width
from rectify.feedback.locate import dotted
from rectify.feedback.schema import (
    KINDS,
    AspectIn,
    CategoryIn,
    DepartmentIn,
    FeedbackFile,
    InspectionHeader,
    MeasureIn,
    Onsite,
    PersonIn,
    ProblemIn,
)
from rectify.feedback.service import import_file
from rectify.feedback.validate import FeedbackErrors
from rectify.problems.actions import ACTIONS
from rectify.reports.ledger_workbook import EDITABLE, LOCKED, SHEET, apply_ledger, read_ledger
from rectify.runtime.simulation import load_scenario
from tests.conftest import POSTGRES_URL, SPEC_EXAMPLE, dump_database

runner = CliRunner()
pytestmark = pytest.mark.slow

SCALE = 4 if POSTGRES_URL else 1  # see the module docstring


def examples(n: int, *, writes_db: bool = True):
    return settings(
        max_examples=n // SCALE if writes_db else n,
        deadline=None,
        database=None,  # a failure prints how to reproduce it; nothing is stored
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# ---------------------------------------------------------------- shared checks


def located(errors: list[str], files: list[Path], pattern: str) -> list[str]:
    """Every error starts with one of ``files`` and a location matching ``pattern``."""
    assert errors, "refused without a reason"
    names = "|".join(re.escape(str(f)) for f in files)
    for error in errors:
        assert re.match(rf"(?:{names}):{pattern}", error), f"not located: {error!r}"
    return errors


def names_field(errors: list[str], where: tuple | None) -> None:
    if where is not None:
        field = f"，字段 {dotted(where)}" if dotted(where) else "："
        assert any(field in e for e in errors), (dotted(where), errors)


def lines_within(errors: list[str], text: str) -> None:
    last = len(text.splitlines()) + 1
    for error in errors:
        for n in re.findall(r":(?:工作表 \S+，)?第 (\d+) 行", error):
            assert 1 <= int(n) <= last, error


def unchanged_but_audited(before: dict, after: dict, *, audited: int, code: str) -> None:
    """Nothing but ``audited`` refusal events (with ``code``) was added."""
    assert {k: v for k, v in after.items() if k != "auditevent"} == {
        k: v for k, v in before.items() if k != "auditevent"
    }
    new = set(after["auditevent"]) - set(before["auditevent"])
    assert len(after["auditevent"]) == len(before["auditevent"]) + audited
    assert all("refused" in row and code in row for row in new), new


# ---------------------------------------------------------------- feedback files

BASE_TEXT = SPEC_EXAMPLE.read_text(encoding="utf-8").replace(
    "id: binhai-2024-r8", "id: binhai-2024-r9"
)  # another inspection: a file that slipped through validation would be imported
BASE = yaml.safe_load(BASE_TEXT)
PEOPLE = [p["id"] for p in BASE["people"]]
DEPARTMENTS = [d["id"] for d in BASE["departments"]]
A = ("aspects", 0)
C = A + ("categories", 0)
P = C + ("problems", 0)
M0, M1 = P + ("measures", 0), P + ("measures", 1)  # M1 is the long-term measure
FEEDBACK_DATE = BASE["inspection"]["feedback_date"]

TEXT_FIELDS = [
    ("inspection", "round"),
    ("inspection", "group"),
    ("inspection", "unit"),
    *[("people", i, "name") for i in range(len(PEOPLE))],
    *[("departments", i, "name") for i in range(len(DEPARTMENTS))],
    A + ("title",),
    C + ("title",),
    P + ("ref",),
    P + ("title",),
    M0 + ("text",),
    M1 + ("text",),
]
KEY_FIELDS = [
    *[("people", i, "id") for i in range(len(PEOPLE))],
    *[("departments", i, "id") for i in range(len(DEPARTMENTS))],
]
REFERENCES = [
    m + (f,)
    for m in (M0, M1)
    for f in ("lead_leader", "responsible_leader", "department", "responsible_person")
]
STRING_FIELDS = [
    ("inspection", "id"),
    ("inspection", "kind"),
    ("inspection", "timezone"),
    *TEXT_FIELDS,
    *KEY_FIELDS,
    *REFERENCES,
]
DATE_FIELDS = [
    ("inspection", "onsite", "start"),
    ("inspection", "onsite", "end"),
    ("inspection", "feedback_date"),
    M0 + ("due",),
    M1 + ("checkpoint",),
]
LIST_FIELDS = [
    ("people",),
    ("departments",),
    ("aspects",),
    A + ("categories",),
    C + ("problems",),
    P + ("measures",),
    *[("people", i, f) for i in range(len(PEOPLE)) for f in ("roles", "contacts")],
]
MAPPINGS = {
    (): FeedbackFile,
    ("inspection",): InspectionHeader,
    ("inspection", "onsite"): Onsite,
    ("policy",): Policy,
    **{("people", i): PersonIn for i in range(len(PEOPLE))},
    **{("departments", i): DepartmentIn for i in range(len(DEPARTMENTS))},
    A: AspectIn,
    C: CategoryIn,
    P: ProblemIn,
    M0: MeasureIn,
    M1: MeasureIn,
}
REQUIRED = [
    path + (name,)
    for path, model in MAPPINGS.items()
    for name, info in model.model_fields.items()
    if info.is_required()
] + [
    M1 + ("checkpoint",),  # required by the rules for a long-term measure
    C + ("problems",),  # "the aspect has no problem"
]
INVALID_POLICIES = {
    "plan_due": [{}, {"days": -1}, {"days": 1, "working_days": 2}, {"weeks": 2}, "60"],
    "centralised_period": [{}, {"working_days": -5}, {"days": "sixty"}, [60]],
    "review_after": [{}, {"days": 90, "working_days": 60}, 90],
    "dispatch_days": [[0], [29], [1, 1], [], "1,16", [1, 31], [-1]],
    "supervision_day": [0, 29, 31, -1, "月底"],
    "reminders": [[10, 20], [20], [20, 10, 5], [5, -1], [10, 10], "20,10"],
}

scalars = st.one_of(
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from("abc"), st.integers(), max_size=2),
)
words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)


def _not_a_date(value: str) -> bool:
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            parse(value.strip())
            return False
        except ValueError:
            pass
    return True


bad_dates = st.one_of(
    st.sampled_from(
        [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-06-31",
            "2024-06-00",
            "24-06-27",
            "2024/06/27",
            "27.06.2024",
            "2024年6月27日",
            "yesterday",
            "",
            " ",
        ]
    ),
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.integers(1900, 2100),
        st.integers(13, 99),
        st.integers(1, 28),
    ),
    words.filter(_not_a_date),
)
blank = st.sampled_from(["", " ", "   ", "\t", "\n", " \n\t "])
new_keys = st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True).filter(
    lambda k: k not in PEOPLE and k not in DEPARTMENTS
)
bad_keys = st.text("abcXYZ019 _-.:中文", max_size=10).filter(
    lambda k: not re.fullmatch(r"[a-z0-9_]+", k)
)


def _bad_zone(value: str) -> bool:
    try:
        ZoneInfo(value)
        return False
    except Exception:
        return True


bad_zones = st.one_of(
    st.sampled_from(["Asia", "Mars/Olympus", "", "Asia/", "UTC+8", "Asia/Beijing", "a" * 300]),
    words.filter(_bad_zone),
)


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def malformed_feedback(draw) -> tuple[dict | list | str | int, tuple | None]:
    """The spec's example with one defect, and the field the refusal must name."""
    data = copy.deepcopy(BASE)
    kind = draw(
        st.sampled_from(
            [
                "missing",
                "wrong_type",
                "bad_date",
                "date_order",
                "unknown_reference",
                "duplicate",
                "empty_text",
                "bad_key",
                "unknown_field",
                "bad_choice",
                "empty_list",
                "bad_contact",
                "bad_zone",
                "bad_policy",
                "not_a_mapping",
            ]
        )
    )
    if kind == "missing":
        where = draw(st.sampled_from(REQUIRED))
        del _parent(data, where)[where[-1]]
        if where == C + ("problems",):
            where = A + ("categories",)  # "the aspect has no problem"
        elif where == A + ("categories",):
            where = A  # neither categories nor problems: said of the aspect
        return data, where
    if kind == "wrong_type":
        where = draw(st.sampled_from(STRING_FIELDS + DATE_FIELDS + LIST_FIELDS + list(MAPPINGS)))
        if where in LIST_FIELDS:
            value = draw(st.one_of(words, st.integers(), st.just({"a": 1})))
        elif where in MAPPINGS:
            value = draw(st.one_of(words, st.integers(), st.lists(st.integers(), max_size=2)))
        else:
            value = draw(st.one_of(scalars, st.none()))
            if where == P + ("ref",) and type(value) is int:
                value = [value]  # an integer ref is a valid ref ("1" or 1)
        if where == ():
            return value, None
        _parent(data, where)[where[-1]] = value
        return data, where
    if kind == "bad_date":
        where = draw(st.sampled_from(DATE_FIELDS + [M1 + ("due",)]))
        value = draw(bad_dates.filter(lambda v: v != "long_term"))
        _parent(data, where)[where[-1]] = value
        return data, where
    if kind == "date_order":
        onsite = data["inspection"]["onsite"]
        days = st.integers(1, 3000).map(lambda n: dt.timedelta(days=n))
        case = draw(st.sampled_from(["end_after_feedback", "start_after_end", "due", "cp"]))
        if case == "end_after_feedback":
            onsite["end"] = FEEDBACK_DATE + draw(days)
            return data, ("inspection", "feedback_date")
        if case == "start_after_end":
            onsite["start"] = onsite["end"] + draw(days)
            return data, ("inspection", "onsite", "end")
        where = M0 + ("due",) if case == "due" else M1 + ("checkpoint",)
        _parent(data, where)[where[-1]] = FEEDBACK_DATE - draw(days) + dt.timedelta(days=1)
        return data, where
    if kind == "unknown_reference":
        where = draw(st.sampled_from(REFERENCES + [("departments", 0, "head")]))
        _parent(data, where)[where[-1]] = draw(new_keys)
        return data, where
    if kind == "duplicate":
        case = draw(st.sampled_from(["person", "department", "ref", "ref_elsewhere"]))
        if case == "person":
            i, j = draw(st.permutations(range(len(PEOPLE))))[:2]
            data["people"][i]["id"] = data["people"][j]["id"]
            return data, ("people", i, "id")
        if case == "department":
            data["departments"][1]["id"] = data["departments"][0]["id"]
            return data, ("departments", 1, "id")
        twin = copy.deepcopy(_parent(data, P + ("x",)))
        twin["ref"] = draw(st.sampled_from(["1", 1, " 1"]))
        twin["title"] = draw(st.sampled_from([twin["title"], "另一个问题"]))
        if case == "ref":
            data["aspects"][0]["categories"][0]["problems"].append(twin)
            return data, C + ("problems", 1, "ref")
        data["aspects"].append(
            {"title": "另一方面", "categories": [{"title": "另一类", "problems": [twin]}]}
        )
        return data, ("aspects", 1, "categories", 0, "problems", 0, "ref")
    if kind == "empty_text":
        where = draw(st.sampled_from(TEXT_FIELDS + KEY_FIELDS + [("inspection", "id")]))
        _parent(data, where)[where[-1]] = draw(blank)
        return data, where
    if kind == "bad_key":
        where = draw(st.sampled_from(KEY_FIELDS + REFERENCES + [("inspection", "id")]))
        value = draw(bad_keys)
        if where == ("inspection", "id"):
            value = draw(bad_keys.filter(lambda k: not re.fullmatch(r"[a-z0-9-]+", k)))
        _parent(data, where)[where[-1]] = value
        return data, where
    if kind == "unknown_field":
        at = draw(st.sampled_from(list(MAPPINGS)))
        key = draw(
            st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True).filter(
                lambda k: k not in MAPPINGS[at].model_fields
            )
        )
        _parent(data, at + (key,))[key] = draw(st.one_of(st.integers(), words))
        return data, at + (key,)
    if kind == "bad_choice":
        if draw(st.booleans()):
            data["inspection"]["kind"] = draw(words.filter(lambda k: k not in KINDS))
            return data, ("inspection", "kind")
        i = draw(st.integers(0, len(PEOPLE) - 1))
        role = draw(words.filter(lambda r: r not in ("leader", "deputy", "office", "reviewer")))
        data["people"][i]["roles"] = [*data["people"][i]["roles"], role]
        return data, ("people", i, "roles")
    if kind == "empty_list":
        where = draw(st.sampled_from(LIST_FIELDS[:6]))
        _parent(data, where)[where[-1]] = []
        said = {C + ("problems",): A + ("categories",), A + ("categories",): A}
        return data, said.get(where, where)
    if kind == "bad_contact":
        i = draw(st.integers(0, len(PEOPLE) - 1))
        contact = draw(st.one_of(words.filter(lambda u: "://" not in u), st.integers()))
        data["people"][i]["contacts"] = [*data["people"][i]["contacts"], contact]
        return data, ("people", i, "contacts")
    if kind == "bad_zone":
        data["inspection"]["timezone"] = draw(bad_zones)
        return data, ("inspection", "timezone")
    if kind == "bad_policy":
        name = draw(st.sampled_from(sorted(INVALID_POLICIES)))
        data["policy"][name] = draw(st.sampled_from(INVALID_POLICIES[name]))
        return data, ("policy", name)
    assert kind == "not_a_mapping"
    return draw(st.one_of(st.lists(st.integers(), max_size=3), words, st.integers())), None


def dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def imported(db):
    """A valid inspection already in the database, so that "unchanged" means something."""
    assert import_file(SPEC_EXAMPLE).done


def refuse_feedback(path: Path, text: str) -> list[str]:
    """Import ``text`` from ``path``: refused, located, and nothing but the refusal audited."""
    path.write_text(text, encoding="utf-8")
    before = dump_database()
    outcome = import_file(path)
    assert not outcome.done
    unchanged_but_audited(before, dump_database(), audited=1, code="invalid_file")
    errors = located(outcome.errors, [path], r"第 \d+ 行[，：]")
    lines_within(errors, text)
    return errors


@examples(320)
@given(case=malformed_feedback(), fmt=st.sampled_from(["yaml", "json"]))
def test_malformed_feedback_is_refused_at_its_field_and_writes_nothing(
    imported, tmp_path, case, fmt
):
    data, where = case
    path = tmp_path / f"feedback.{fmt}"
    errors = refuse_feedback(path, dump(data, fmt))
    names_field(errors, where)


# Lines of the example file and the field each holds, for edits of the text itself.
LINES = BASE_TEXT.splitlines()


def line_of(prefix: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(LINES, start=1) if line.startswith(prefix)][nth]


DATE_LINES = {
    line_of("  feedback_date:"): ("inspection", "feedback_date"),
    line_of("                due: 2024-10-31"): M0 + ("due",),
    line_of("                checkpoint:"): M1 + ("checkpoint",),
}
REFERENCE_LINES = {
    line_of(f"                {f}:", nth): m + (f,)
    for nth, m in enumerate((M0, M1))
    for f in ("lead_leader", "responsible_leader", "department", "responsible_person")
}
KEY_LINES = [
    line_of(prefix)
    for prefix in ("  round:", "  group:", "  unit:", "  kind:", "  feedback_date:", "  timezone:")
] + [line_of("    name:", i) for i in range(len(PEOPLE))]
UNACCEPTABLE = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x9f\ufffe\uffff"
BREAKERS = ["zz: [1, 2", 'zz: "unterminated', "\tzz: tab", "zz: {a: 1", "- : : ["]


@st.composite
def broken_text(draw) -> tuple[str, str]:
    """The example's text edited: the expected ``第 N 行，字段 …：`` or ``第 N 行：`` in the error."""
    lines = list(LINES)
    kind = draw(st.sampled_from(["date", "reference", "duplicate_key", "character", "syntax"]))
    if kind == "date":
        n = draw(st.sampled_from(sorted(DATE_LINES)))
        value = draw(
            st.sampled_from(["2024-02-30", "2024-13-01", "2024-06-31", "2025-02-29", "soon"])
        )
        key = lines[n - 1].split(":")[0]
        lines[n - 1] = f"{key}: {value}"
        return "\n".join(lines), f"第 {n} 行，字段 {re.escape(dotted(DATE_LINES[n]))}："
    if kind == "reference":
        n = draw(st.sampled_from(sorted(REFERENCE_LINES)))
        key = lines[n - 1].split(":")[0]
        lines[n - 1] = f"{key}: {draw(new_keys.filter(lambda k: yaml.safe_load(k) == k))}"
        field = re.escape(dotted(REFERENCE_LINES[n]))
        return "\n".join(lines), f"第 {n} 行，字段 {field}：\\S+ 中没有编号为"
    if kind == "duplicate_key":
        n = draw(st.sampled_from(KEY_LINES))
        lines.insert(n, lines[n - 1].split("#")[0].rstrip())
        return "\n".join(lines), f"第 {n + 1} 行，字段 .*：同一字段写了两次"
    if kind == "character":
        n = draw(st.integers(1, len(lines)))
        col = draw(st.integers(0, len(lines[n - 1])))
        lines[n - 1] = lines[n - 1][:col] + draw(st.sampled_from(UNACCEPTABLE)) + lines[n - 1][col:]
        return "\n".join(lines), f"第 {n} 行：不是有效的 YAML"
    n = draw(st.integers(0, len(lines)))
    lines.insert(n, draw(st.sampled_from(BREAKERS)))
    return "\n".join(lines), r"第 \d+ 行：不是有效的 YAML"


@examples(120)
@given(case=broken_text())
def test_edited_feedback_text_is_refused_at_its_line(imported, tmp_path, case):
    text, expected = case
    path = tmp_path / "feedback.yaml"
    errors = refuse_feedback(path, text)
    assert any(re.match(re.escape(str(path)) + ":" + expected, e) for e in errors), (
        expected,
        errors,
    )


# ---------------------------------------------------------------- the Excel ledger (台账)

COLUMN = {name: i for i, name in enumerate(LOCKED + EDITABLE, start=1)}
PROGRESS, EVIDENCE, BY, DATE = (COLUMN[name] for name in EDITABLE)


@pytest.fixture
def exported(db, tmp_path) -> tuple[Path, list[list]]:
    """The example with two more problems, imported and exported as a ledger of 4 rows."""
    data = copy.deepcopy(yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8")))
    problems = data["aspects"][0]["categories"][0]["problems"]
    for ref in ("2", "3"):
        problems.append({**copy.deepcopy(problems[0]), "ref": ref, "title": f"问题{ref}"})
        problems[-1]["measures"] = problems[-1]["measures"][:1]
    source = tmp_path / "binhai.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert import_file(source).done
    path = tmp_path / "exported.xlsx"
    out = runner.invoke(app, ["ledger", "export", "--out", str(path), "--as-of", "2024-07-15"])
    assert out.exit_code == 0 and "4 项整改措施" in out.output, out.output
    rows = [list(r) for r in load_workbook(path)[SHEET].iter_rows(min_row=2, values_only=True)]
    return path, rows


def _norm(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return "" if value is None else str(value).strip()


printable = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cn", "Co", "Zl", "Zp"]),
    min_size=1,
).filter(lambda s: not s.startswith("=") and s.strip())  # "=…" would be a formula
cell_values = st.one_of(printable, st.integers(), st.dates(min_value=dt.date(1901, 1, 1)))
bad_instants = st.one_of(
    st.sampled_from(["2024-02-30", "2024-07-10T25:00", "2024/07/10", "七月十日", "soon", "1.5"]),
    st.booleans(),
    st.integers(),
    printable,
).filter(lambda v: _not_a_date(str(v)))


LEDGER_CASES = ["locked", "unknown_key", "repeated_row", "bad_date", "no_text", "no_reporter"]


@st.composite
def malformed_ledger(draw, rows: list[list]) -> tuple[dict, list[str], int]:
    """Cell edits of the exported ledger — (row, column) → value —, the locations the
    refusal must name, and the refusal events expected in the audit log. Rows left alone
    may get valid progress: an import that is not all or nothing would record it."""
    n = len(rows)
    targets = draw(st.permutations(range(2, n + 2)))
    edits: dict[tuple[int, int], Any] = {}
    expected: list[str] = []

    def cell(col: int, row: int) -> str:
        name = (LOCKED + EDITABLE)[col - 1]
        return f"工作表 {SHEET}，第 {row} 行，{get_column_letter(col)} 列（{name}）"

    kind = draw(st.sampled_from(["cells"] * 8 + ["header", "unknown_reporter"]))
    if kind == "unknown_reporter":  # refused by the rules when applied, not when read
        row, used = targets[0], 1
        edits[row, PROGRESS], edits[row, DATE] = "已学习", "2024-07-10"
        edits[row, BY] = draw(new_keys)
        expected.append(f"工作表 {SHEET}，第 {row} 行：拒绝（unknown_person）")
    elif kind == "header":  # nothing else is read
        used = 0
        cols = draw(st.sets(st.integers(1, len(LOCKED) + len(EDITABLE)), min_size=1, max_size=3))
        for col in cols:
            name = (LOCKED + EDITABLE)[col - 1]
            edits[1, col] = draw(
                cell_values.filter(lambda v, name=name: full_width(_norm(v)) != name)
            )
        expected.append(cell(min(cols), 1) + "：表头被改动")
    else:
        cases = draw(st.lists(st.sampled_from(LEDGER_CASES), min_size=1, max_size=3))
        used, added = len(cases), 0
        for case, row in zip(cases, targets, strict=False):
            old = rows[row - 2]
            if case == "locked":
                col = draw(st.integers(2, len(LOCKED)))
                edits[row, col] = draw(
                    cell_values.filter(lambda v, o=old[col - 1]: _norm(v) != _norm(o))
                )
                expected.append(cell(col, row) + f"：锁定列 {LOCKED[col - 1]} 被改动")
            elif case == "unknown_key":
                keys = {r[0] for r in rows}
                edits[row, 1] = draw(cell_values.filter(lambda v, keys=keys: _norm(v) not in keys))
                expected.append(cell(1, row) + "：未知或重复的行")
            elif case == "repeated_row":
                added += 1
                for col, value in enumerate(old, start=1):
                    edits[n + 1 + added, col] = value
                expected.append(cell(1, n + 1 + added) + "：未知或重复的行")
            elif case == "bad_date":
                edits[row, PROGRESS], edits[row, BY] = "已落实", "office_head"
                edits[row, DATE] = draw(bad_instants)
                expected.append(cell(DATE, row) + "：不是有效的日期")
            elif case == "no_text":
                filled = {EVIDENCE: "纪要.pdf", BY: "office_head", DATE: "2024-07-10"}
                for col in draw(st.sets(st.sampled_from(sorted(filled)), min_size=1)):
                    edits[row, col] = filled[col]
                expected.append(cell(PROGRESS, row) + "：支撑材料、报送人或日期已填")
            else:
                edits[row, PROGRESS] = draw(printable)
                expected.append(cell(BY, row) + "：未填报送人")
    for row in targets[used:]:
        if draw(st.booleans()):
            edits[row, PROGRESS] = "已完成学习"
            edits[row, BY] = draw(st.sampled_from(["office_head", "secretary"]))
            edits[row, DATE] = draw(st.sampled_from(["2024-07-10", dt.date(2024, 7, 11)]))
    return edits, expected, int(kind == "unknown_reporter")


@examples(300)
@given(data=st.data())
def test_malformed_ledger_is_refused_at_its_cell_and_writes_nothing(exported, tmp_path, data):
    original, rows = exported
    edits, expected, audited = data.draw(malformed_ledger(rows))
    book = load_workbook(io.BytesIO(original.read_bytes()))
    for (row, col), value in edits.items():
        book[SHEET].cell(row=row, column=col, value=value)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    before = dump_database()
    with session_scope() as session:  # what `rectify ledger import --apply` does, without the CLI
        plan = read_ledger(path, session=session)
    errors = plan.errors or apply_ledger(plan)
    unchanged_but_audited(before, dump_database(), audited=audited, code="refused_rows")
    located(errors, [path], rf"工作表 {SHEET}，第 \d+ 行(，[A-Z]+ 列（.+?）)?：")
    for where in expected:
        assert any(e.startswith(f"{path}:{where}") for e in errors), (where, errors)


# ---------------------------------------------------------------- scenarios

SCENARIO = {
    "feedback": "binhai.yaml",
    "clock": {"start": "2024-10-09T09:00", "until": "2024-11-02T18:00"},
    "events": [
        {"at": "2024-10-09T08:30", "approve_plan": {"meeting": "第N次党组会议", "by": "secretary"}},
        {"at": "2024-10-20", "progress": {"problem": "1", "text": "已纳入", "by": "office_head"}},
        {"at": "2024-11-01T10:00", "sign_off": {"problem": "1", "by": "discipline"}},
    ],
}
PAYLOADS = {
    "approve_plan": {"meeting": "第N次党组会议", "by": "secretary"},
    "progress": {"problem": "1", "text": "已纳入", "by": "office_head", "evidence": ["a.pdf"]},
    "sign_off": {"problem": "1", "by": "discipline", "evidence": ["a.pdf"], "note": "已完成"},
    "long_term": {
        "problem": "1",
        "by": "secretary",
        "stage_goal": "建立长效机制",
        "checkpoint": "2025-03-31",
    },
    "extend": {"problem": "1", "by": "secretary", "new_due": "2024-12-15", "reason": "待拨付"},
    "review": {"problem": "1", "by": "discipline", "outcome": "sustained"},
}
DATE_FIELDS_OF = {"long_term": "checkpoint", "extend": "new_due"}
_date = TypeAdapter(dt.date)


def _invalid_for(kind: str, name: str):
    """Values pydantic will not take for field ``name`` of action ``kind``."""
    adapter = TypeAdapter(ACTIONS[kind].model_fields[name].annotation)

    def invalid(value: Any) -> bool:
        try:
            adapter.validate_python(value)
            return False
        except ValueError:
            return True

    return st.one_of(scalars, st.none(), words, bad_dates).filter(invalid)


out_of_range = st.sampled_from(["0001-01-01T05:00", "0001-01-01T00:00"])  # before year 1 in UTC
bad_at = st.one_of(
    bad_dates.filter(lambda v: v.strip() != ""),
    st.integers(),
    st.lists(st.integers()),
    out_of_range,
)


@st.composite
def malformed_scenario(draw) -> tuple[Any, tuple | None, str | None]:
    """A scenario with one defect; the field the refusal must name; the text of a broken
    feedback file it refers to, if that is the defect."""
    data = copy.deepcopy(SCENARIO)
    kind = draw(
        st.sampled_from(
            [
                "unknown_top",
                "feedback",
                "bad_feedback",
                "clock",
                "events_type",
                "event_type",
                "actions",
                "at",
                "payload_missing",
                "payload_type",
                "payload_extra",
                "not_a_mapping",
            ]
        )
    )
    i = draw(st.integers(0, len(data["events"])))
    if kind in ("payload_missing", "payload_type", "payload_extra", "actions", "at", "event_type"):
        action = draw(st.sampled_from(sorted(PAYLOADS)))
        event = {"at": "2024-10-21T10:00", action: copy.deepcopy(PAYLOADS[action])}
        data["events"].insert(i, event)
    if kind == "unknown_top":
        key = draw(words.filter(lambda k: k not in SCENARIO))
        data[key] = draw(st.one_of(st.integers(), words))
        return data, (key,), None
    if kind == "feedback":
        case = draw(st.sampled_from(["missing", "type", "no_file"]))
        if case == "missing":
            del data["feedback"]
        elif case == "type":
            data["feedback"] = draw(st.one_of(scalars, st.none()))
        else:
            data["feedback"] = draw(
                st.sampled_from(["nowhere.yaml", "../nowhere.json", "missing/binhai.yaml", "."])
            )
        return data, ("feedback",), None
    if kind == "bad_feedback":
        data["feedback"] = "bad.yaml"
        broken = copy.deepcopy(yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8")))
        del broken["inspection"]["round"]
        return data, ("inspection", "round"), yaml.safe_dump(broken, allow_unicode=True)
    if kind == "clock":
        case = draw(st.sampled_from(["missing", "type", "no_start", "no_until", "bad", "order"]))
        if case == "missing":
            del data["clock"]
            return data, ("clock",), None
        if case == "type":
            data["clock"] = draw(st.one_of(scalars, words, st.none()))
            return data, ("clock",), None
        if case in ("no_start", "no_until"):
            key = case.removeprefix("no_")
            del data["clock"][key]
            return data, ("clock", key), None
        if case == "bad":
            key = draw(st.sampled_from(["start", "until"]))
            data["clock"][key] = draw(bad_at)
            return data, ("clock", key), None
        data["clock"]["until"] = draw(
            st.sampled_from(["2024-10-09T09:00", "2024-10-08", "2023-12-31T23:59"])
        )
        return data, ("clock", "until"), None
    if kind == "events_type":
        data["events"] = draw(st.one_of(words, st.integers(), st.just({"at": "2024-10-21"})))
        return data, ("events",), None
    if kind == "event_type":
        data["events"][i] = draw(st.one_of(words, st.integers(), st.lists(st.integers())))
        return data, ("events", i), None
    if kind == "not_a_mapping":  # read as an empty scenario: no feedback named
        return (
            draw(st.one_of(st.lists(st.integers(), max_size=3), words, st.integers())),
            None,
            None,
        )
    event = data["events"][i]
    action = next(k for k in event if k != "at")
    if kind == "actions":
        case = draw(st.sampled_from(["none", "two", "unknown"]))
        if case == "none":
            del event[action]
        elif case == "two":
            other = draw(st.sampled_from(sorted(PAYLOADS)).filter(lambda k: k != action))
            event[other] = copy.deepcopy(PAYLOADS[other])
        else:
            name = draw(words.filter(lambda k: k not in ACTIONS and k != "at"))
            event[name] = event.pop(action)
        return data, ("events", i), None
    if kind == "at":
        if draw(st.booleans()):
            del event["at"]
        else:
            event["at"] = draw(bad_at)
        return data, ("events", i, "at"), None
    payload = event[action]
    if kind == "payload_missing":
        required = [n for n, f in ACTIONS[action].model_fields.items() if f.is_required()]
        name = draw(st.sampled_from(required))
        del payload[name]
    elif kind == "payload_type":
        name = draw(st.sampled_from(sorted(n for n in ACTIONS[action].model_fields if n != "kind")))
        payload[name] = draw(_invalid_for(action, name))
    else:
        name = draw(words.filter(lambda k: k not in ACTIONS[action].model_fields))
        payload[name] = draw(st.one_of(st.integers(), words))
    return data, ("events", i, action, name), None


@pytest.fixture
def scenario_dir(tmp_path) -> Path:
    feedback = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    feedback["people"].append({"id": "discipline", "name": "纪检组长", "roles": ["reviewer"]})
    (tmp_path / "binhai.yaml").write_text(
        yaml.safe_dump(feedback, allow_unicode=True), encoding="utf-8"
    )
    good = tmp_path / "good.yaml"
    good.write_text(dump(SCENARIO, "yaml"), encoding="utf-8")
    assert load_scenario(good).inspection_id == "binhai-2024-r8"
    return tmp_path


@examples(300, writes_db=False)
@given(case=malformed_scenario(), fmt=st.sampled_from(["yaml", "json", "broken"]))
def test_malformed_scenario_is_refused_at_its_field(scenario_dir, case, fmt):
    data, where, feedback_text = case
    path = scenario_dir / f"scenario.{'json' if fmt == 'json' else 'yaml'}"
    text = dump(data, fmt if fmt == "json" else "yaml")
    if fmt == "broken":  # the same scenario, and a line no YAML parser takes
        lines = text.splitlines()
        lines.insert(len(lines) // 2, BREAKERS[len(lines) % len(BREAKERS)])
        text, where = "\n".join(lines), None
    path.write_text(text, encoding="utf-8")
    files = [path]
    if feedback_text is not None and fmt != "broken":
        files = [scenario_dir / "bad.yaml"]
        files[0].write_text(feedback_text, encoding="utf-8")
    with pytest.raises(FeedbackErrors) as refused:  # ScenarioErrors, or the feedback's own
        load_scenario(path)
    errors = located(refused.value.errors, files, r"第 \d+ 行[，：]")
    lines_within(errors, files[0].read_text(encoding="utf-8"))
    names_field(errors, where)
