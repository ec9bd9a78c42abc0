"""The accountability view for cadre evaluation (干部考核问责): per unit and per responsible
person and leader, measures completed late against their ORIGINAL due (an extension excuses
nothing), open ones past it, extensions, relapses, missed stage reports and the persons held
accountable; and the office view's count of problems repeated from an earlier round."""

import copy
import datetime as dt
import json

import pytest
import yaml
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from models import Measure, MeasureCompletion, Problem, Review, StageReport, session_scope
from rectify.cli import app
from rectify.reports.accountability import FIGURE_COLUMNS, missed_stage_reports
from tests.tables import cases

runner = CliRunner()
AS_OF = "2024-11-15"
OFFICE = {
    "id": "binhai-xcb",
    "name": "滨海新区区委巡察办",
    "staff": [{"id": "xcb_li", "name": "巡察办督查室", "roles": ["supervisor"]}],
}


def run(*args):
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def binhai(db, spec_file):
    """The spec's example with its office: problem 1 (repeated from an earlier round), its
    first measure due 2024-10-31 (办公室主任 responsible, 分管法规副局长 its leader), its second
    long-term."""
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    data["office"] = OFFICE
    spec_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run("import", str(spec_file))
    return data


def local(day: str) -> dt.datetime:
    """10:00 in Tianjin on ``day``, as stored (UTC)."""
    return dt.datetime.fromisoformat(f"{day}T02:00:00+00:00")


def insert(table, **fields):
    with session_scope() as s:
        problem = s.exec(select(Problem).where(Problem.ref == "1")).one()
        if table is MeasureCompletion:
            first = s.exec(
                select(Measure).where(Measure.problem_id == problem.id, Measure.position == 0)
            ).one()
            fields["measure_id"] = first.id
        else:
            fields["problem_id"] = problem.id
        s.add(table(by="office_head", **fields))


STEPS = {
    "complete": lambda day: insert(MeasureCompletion, at=local(day), text="已完成"),
    "extend": lambda day, to: run(
        "extend", "1", "--by", "xcb_li", "--new-due", to, "--reason", "待拨付", "--at", day
    ),
    "sign_off": lambda day: run(
        "sign-off", "1", "--by", "xcb_li", "--evidence", "a.pdf", "--at", day
    ),
    "long_term": lambda day, checkpoint: run(
        "long-term", "1", "--by", "secretary", "--stage-goal", "长效机制",
        "--checkpoint", checkpoint, "--at", day,
    ),
    "stage_report": lambda day, then: insert(
        StageReport, at=local(day), text="阶段目标完成", next_checkpoint=dt.date.fromisoformat(then)
    ),
    "relapse": lambda day: insert(Review, at=local(day), outcome="relapsed"),
    "accountability": lambda day, kind, count: run(
        "record", "accountability", "--by", "office_head", "--kind", kind,
        "--count", str(count), "--at", day,
    ),
}  # fmt: skip

VIEW = [
    ("on-time", [("complete", "2024-10-31")], {"completed": 1}),
    (
        "five-days-late",
        [("complete", "2024-11-05")],
        {"completed": 1, "completed_late": 1, "days_late": 5, "most_days_late": 5},
    ),
    (
        "extended-yet-late-against-the-original-due",
        [("extend", "2024-10-20", "2024-12-31"), ("complete", "2024-11-10")],
        {"completed": 1, "completed_late": 1, "days_late": 10, "most_days_late": 10,
         "extensions": 1},
    ),
    (
        "extended-open-past-the-original-due",
        [("extend", "2024-10-20", "2024-12-31")],
        {"overdue_open": 1, "extensions": 1},
    ),
    ("open-past-due", [], {"overdue_open": 1}),
    (
        "closed-by-sign-off-without-completion",
        [("sign_off", "2024-11-03")],
        {"completed": 1, "completed_late": 1, "days_late": 3, "most_days_late": 3},
    ),
    (
        "completion-before-the-sign-off-counts",
        [("complete", "2024-10-30"), ("sign_off", "2024-11-20")],
        {"completed": 1},
    ),
    (
        "completion-after-as-of-not-yet-counted",
        [("complete", "2024-11-20")],
        {"overdue_open": 1},
    ),
    (
        "relapsed-at-review",
        [("sign_off", "2024-10-20"), ("relapse", "2024-11-10")],
        {"completed": 1, "relapses": 1},
    ),
    (
        "long-term-checkpoint-passed-without-stage-report",
        [("long_term", "2024-09-01", "2024-10-15")],
        {"stage_reports_missed": 1},
    ),
    (
        "stage-report-on-the-checkpoint-day",
        [("long_term", "2024-09-01", "2024-10-15"), ("stage_report", "2024-10-15", "2025-03-31")],
        {},
    ),
    (
        "stage-report-late-then-its-checkpoint-passed",
        [("long_term", "2024-09-01", "2024-10-15"), ("stage_report", "2024-10-20", "2024-11-10")],
        {"stage_reports_missed": 2},
    ),
    (
        "accountability-recorded",
        [("accountability", "2024-09-02", "约谈", 2), ("accountability", "2024-09-03", "诫勉", 1)],
        {"overdue_open": 1, "accountability": 3, "interviews": 2},
    ),
]  # fmt: skip

ZERO = {key: 0 for key, _ in FIGURE_COLUMNS} | {"accountability": 0, "interviews": 0}


@pytest.mark.parametrize(("steps", "expected"), cases(VIEW))
def test_the_view_counts_what_each_was_late_for(binhai, steps, expected):
    for name, *args in steps:
        STEPS[name](*args)
    view = json.loads(run("office", "accountability", "--json", "--as-of", AS_OF))
    (unit,) = view["units"]
    assert unit["unit"] == "滨海新区生态环境局党组" and unit["as_of"] == AS_OF
    assert {k: unit[k] for k in ZERO} == ZERO | expected
    people = {(p["person"], p["role"]): p for p in view["people"]}
    assert set(people) == {("office_head", "责任人"), ("deputy_law", "责任领导")}
    personal = {k: v for k, v in (ZERO | expected).items() if k in dict(FIGURE_COLUMNS)}
    for person in people.values():
        assert {k: person[k] for k in personal} == personal, person["person"]


STAGE_REPORTS = [
    ("no-checkpoint", [], "2025-01-05", 0),
    ("checkpoint-ahead", [("2024-09-01", "declared", "2024-12-31")], "2024-12-31", 0),
    ("checkpoint-passed", [("2024-09-01", "declared", "2024-12-31")], "2025-01-01", 1),
    (
        "reported-in-time-twice",
        [
            ("2024-09-01", "declared", "2024-12-31"),
            ("2024-12-31", "reported", "2025-03-31"),
            ("2025-03-30", "reported", "2025-06-30"),
        ],
        "2025-04-15",
        0,
    ),
    (
        "closed-before-the-checkpoint",
        [("2024-09-01", "declared", "2024-12-31"), ("2024-12-01", "closed", None)],
        "2025-06-01",
        0,
    ),
    (
        "closed-after-the-checkpoint",
        [("2024-09-01", "declared", "2024-12-31"), ("2025-01-10", "closed", None)],
        "2025-06-01",
        1,
    ),
]


@pytest.mark.parametrize(("events", "as_of", "missed"), cases(STAGE_REPORTS))
def test_missed_stage_reports(events, as_of, missed):
    day = dt.date.fromisoformat
    read = [(day(d), what, day(sets) if sets else None) for d, what, sets in events]
    assert missed_stage_reports(read, day(as_of)) == missed


def test_the_workbook_reads_back_as_the_table_shows(binhai, tmp_path):
    STEPS["extend"]("2024-10-20", "2024-12-31")
    STEPS["complete"]("2024-11-10")
    out = tmp_path / "问责.xlsx"
    printed = run("office", "accountability", "--as-of", AS_OF, "--xlsx", str(out))
    assert "逾期完成 1 项（合计 10 天，最长 10 天）" in printed and f"已写入 {out}" in printed
    wb = load_workbook(out)
    assert wb.sheetnames == ["单位", "责任人"]
    units = [list(r) for r in wb["单位"].iter_rows(values_only=True)]
    assert units[0][:6] == ["巡察办", "单位", "巡察", "完成措施", "逾期完成", "逾期天数合计"]
    assert units[1][:6] == [
        "滨海新区区委巡察办",
        "滨海新区生态环境局党组",
        "binhai-2024-r8",
        1,
        1,
        10,
    ]
    header, *people = [list(r) for r in wb["责任人"].iter_rows(values_only=True)]
    rows = {(r[header.index("编号")], r[header.index("身份")]): r for r in people}
    office_head = rows[("office_head", "责任人")]
    assert office_head[header.index("姓名（职务）")] == "办公室主任"
    assert office_head[header.index("逾期天数合计")] == 10
    assert office_head[header.index("延期项次")] == 1
    assert wb["单位"].freeze_panes == "A2"


@pytest.mark.parametrize(
    ("argv", "says"),
    cases(
        [
            ("no-inspection", [], "数据库中尚无巡察，请先导入反馈文件"),
            ("unknown-office", ["--office", "nowhere"], "没有编号为 nowhere 的巡察办"),
        ]
    ),
)
def test_nothing_to_show_is_said_in_words(db, argv, says):
    result = runner.invoke(app, ["office", "accountability", *argv])
    assert result.exit_code == 1 and says in result.output


def test_office_counts_problems_repeated_from_an_earlier_round(binhai, tmp_path):
    other = copy.deepcopy(binhai)
    other["inspection"].update(id="binhai-2024-r9", unit="滨海新区水务局党组")
    problem = other["aspects"][0]["categories"][0]["problems"][0]
    problem.pop("carried_from")
    second = {**copy.deepcopy(problem), "ref": "2", "carried_from": "binhai-2021-r5#3"}
    third = {**copy.deepcopy(problem), "ref": "3", "carried_from": "binhai-2021-r5#4"}
    other["aspects"][0]["categories"][0]["problems"] += [second, third]
    path = tmp_path / "r9.yaml"
    path.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    run("import", str(path))
    rows = json.loads(run("office", "status", "--json", "--as-of", AS_OF))
    assert {r["inspection"]: r["repeated"] for r in rows} == {
        "binhai-2024-r8": 1,
        "binhai-2024-r9": 2,
    }
    table = run("office", "status", "--as-of", AS_OF)
    assert "屡查屡犯" in table
    (r9_line,) = [line for line in table.splitlines() if "binhai-2024-r9" in line]
    assert [cell.strip() for cell in r9_line.split("│")][-1] == "2"


def test_the_office_overview_publishes_the_accountability_tables(binhai, monkeypatch):
    """The flow's body, its tasks run as plain functions and its artifacts captured."""
    import flows.office_overview as overview

    STEPS["complete"]("2024-11-05")
    published = {}
    monkeypatch.setattr(overview, "office_figures", overview.office_figures.fn)
    monkeypatch.setattr(overview, "accountability_figures", overview.accountability_figures.fn)
    monkeypatch.setattr(
        overview,
        "create_table_artifact",
        lambda rows, key, description: published.update({key: (rows, description)}),
    )
    overview.office_overview.fn(as_of="2024-11-15T10:00")
    units, said = published["accountability-units"]
    assert said.startswith("干部考核问责：各单位") and "截至 2024-11-15" in said
    assert "延期不免责" in said
    (unit,) = units
    assert (unit["单位"], unit["逾期完成"], unit["逾期天数合计"]) == (
        "滨海新区生态环境局党组",
        1,
        5,
    )
    people, said = published["accountability-people"]
    assert "各责任人、责任领导" in said
    assert {(p["编号"], p["身份"], p["逾期天数合计"]) for p in people} == {
        ("office_head", "责任人", 5),
        ("deputy_law", "责任领导", 5),
    }
    (office_row,) = published["office-overview"][0]
    assert office_row["屡查屡犯"] == 1
