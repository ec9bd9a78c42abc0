"""`rectify simulate` as scenario-format.md specifies: the exact notices, the summary, the
refusals, byte-identical outputs, and located errors for a bad scenario."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from rectify.cli import app
from tests.conftest import EXAMPLES, SPEC_EXAMPLE

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]
runner = CliRunner()

SCENARIO = """\
feedback: binhai.yaml
clock:
  start: 2024-10-09T09:00
  until: 2024-11-02T18:00
events:
  - at: 2024-11-02T10:00
    sign_off: {problem: "1", by: xcb_li, note: 经审核，同意销号}
  - at: 2024-10-09T08:30
    approve_plan: {meeting: 2024年第N次局党组会议, by: secretary}
  - at: 2024-10-09T08:40
    submit_report: {by: secretary}
  - at: 2024-10-20
    sign_off: {problem: "1", by: office_head, evidence: [minutes-0910.pdf]}
  - at: 2024-10-22
    progress: {problem: "9", text: 无此问题, by: office_head}
  - at: 2024-11-01T10:00
    apply_sign_off: {problem: "1", by: deputy_law, evidence: [minutes-0910.pdf]}
"""


@pytest.fixture
def scenario(db, tmp_path):
    data = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    (tmp_path / "binhai.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def run(scenario, out):
    """What `rectify simulate SCENARIO --out DIR` does (the CLI adds the progress bar)."""
    from rectify.runtime.simulation import load_scenario, simulate, write_outputs

    write_outputs(simulate(load_scenario(scenario)), out)
    return out


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_exact_notices_summary_and_refusals(scenario, tmp_path):
    out = run(scenario, tmp_path / "out")
    notices = [
        (n["at"][:16], n["kind"], n["level"], n["to"], n["role"], n["problems"])
        for n in lines(out / "notices.jsonl")
    ]
    assert notices == [
        ("2024-10-11T09:00", "due_reminder", "green", "office_head", "responsible_person", ["1"]),
        ("2024-10-16T09:00", "dispatch", None, "deputy_law", "deputy", ["1"]),
        ("2024-10-16T09:00", "dispatch", None, "office_head", "responsible_person", ["1"]),
        ("2024-10-21T09:00", "due_reminder", "yellow", "deputy_law", "responsible_leader", ["1"]),
        ("2024-10-21T09:00", "due_reminder", "yellow", "office_head", "responsible_person", ["1"]),
        # the monthly supervision: the lagging measure to its responsible leader and person
        # (the unit office's summary in the same digest), the leader's overview all the same
        ("2024-10-25T09:00", "supervision", "yellow", "deputy_law", "responsible_leader", ["1"]),
        ("2024-10-25T09:00", "supervision", "yellow", "office_head", "responsible_person", ["1"]),
        ("2024-10-25T09:00", "supervision", None, "secretary", "leader", []),
        ("2024-11-01T09:00", "overdue", "red", "deputy_law", "responsible_leader", ["1"]),
        ("2024-11-01T09:00", "overdue", "red", "office_head", "responsible_person", ["1"]),
        ("2024-11-01T09:00", "overdue", "red", "secretary", "lead_leader", ["1"]),
        ("2024-11-01T09:00", "dispatch", None, "deputy_law", "deputy", ["1"]),
        ("2024-11-01T09:00", "dispatch", None, "office_head", "responsible_person", ["1"]),
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2024-11-02T18:00:00+08:00"
    counts = {
        k: summary[k]
        for k in (
            "aspects",
            "problems",
            "closed",
            "long_term",
            "in_progress",
            "not_started",
            "overdue",
            "reopened",
        )
    }
    assert counts == {
        "aspects": 1,
        "problems": 1,
        "closed": 1,
        "long_term": 0,
        "in_progress": 0,
        "not_started": 0,
        "overdue": 0,
        "reopened": 0,
    }
    refused = [(r["at"][:10], r["event"], r["by"], r["code"]) for r in summary["refused_events"]]
    assert refused == [  # the unit's 整改办 cannot confirm a sign-off: only the office can
        ("2024-10-20", "sign_off", "office_head", "not_permitted"),
        ("2024-10-22", "progress", "office_head", "unknown_problem"),
    ]
    runs = lines(out / "runs.jsonl")
    assert runs[0]["flow"] == "feedback-import" and runs[-1]["flow"] == "deliver-notices"
    flows = [r["flow"] for r in runs]
    assert flows.count("half-monthly-dispatch") == 2 and flows.count("monthly-supervision") == 1
    assert flows.count("deadline-watch") == 25  # 9 October to 2 November, daily at 09:00
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "巡察反馈的1个方面1个问题，已完成整改1个" in report


def test_same_scenario_gives_byte_identical_outputs(scenario, tmp_path):
    first = run(scenario, tmp_path / "a")
    second = run(scenario, tmp_path / "b")
    for name in ("summary.json", "notices.jsonl", "runs.jsonl", "report.md"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_bad_scenario_is_refused_with_locations(scenario):
    scenario.write_text(
        SCENARIO.replace("until: 2024-11-02T18:00", "until: 2024-10-01T18:00").replace(
            'progress: {problem: "9", text: 无此问题, by: office_head}', 'promote: {problem: "9"}'
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["simulate", str(scenario), "--out", str(scenario.parent / "out")])
    assert result.exit_code == 1
    assert "scenario.yaml:第 4 行，字段 clock.until：结束时间不晚于开始时间" in result.output
    assert "scenario.yaml:第 14 行，字段 events[4]：应恰好给出一个动作，可选：" in result.output
    assert "（实为：promote）" in result.output
    assert not (scenario.parent / "out").exists()


WULONG_COUNTS = {
    "aspects": 3,
    "problems": 31,
    "closed": 26,
    "long_term": 5,
    "in_progress": 0,
    "not_started": 0,
    "awaiting_confirmation": 0,
    "overdue": 0,
    "reopened": 0,
}


def test_wulong_replay_gives_the_published_counts(db, tmp_path):
    """Seed 002 as of 2023-10-25: "巡察反馈的3个方面31个问题,已整改销号26个,仍在推进且需长期
    整改的问题共5个" — every sign-off applied for by the unit and confirmed by the office."""
    out = run(EXAMPLES / "wulong-scenario.yaml", tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2023-10-25T18:00:00+08:00"
    assert {k: summary[k] for k in WULONG_COUNTS} == WULONG_COUNTS
    refused = [(r["at"][:16], r["event"], r["problem"], r["by"]) for r in summary["refused_events"]]
    assert refused == [  # on purpose: an application without evidence, a sign-off by the unit
        ("2023-09-21T10:00", "apply_sign_off", "17", "office_head"),
        ("2023-09-25T10:00", "sign_off", "1", "secretary"),
    ]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "巡察反馈的3个方面31个问题，已完成整改26个，需长期整改5个" in report
