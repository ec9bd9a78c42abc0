"""A unit's dashboard (rectify.reports.dashboard): each problem's light as the office reads
it — 🔴 overdue, 🟡 a due near or reopened, 🟢 on track or closed — its next due, its
responsible leaders by name, its latest progress; the share closed; artifact keys Prefect takes."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.core.states import ProblemState
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView
from rectify.reports.dashboard import artifact_key, closed_share, dashboard_rows

TODAY = dt.date(2024, 10, 20)
PEOPLE = {
    "deputy_law": PersonView("deputy_law", "分管法规副局长"),
    "deputy_env": PersonView("deputy_env", "分管环境副局长"),
}


def problem(state, *dues, leaders=("deputy_law",), checkpoint=None, measure_checkpoint=None):
    measures = tuple(
        MeasureView(
            position=i,
            text=f"措施{i}",
            due=due,
            checkpoint=measure_checkpoint if due is None else None,
            lead_leader="secretary",
            responsible_leader=leader,
            department="office",
            responsible_person="office_head",
        )
        for i, (due, leader) in enumerate(zip(dues, leaders * len(dues), strict=False), start=1)
    )
    return ProblemView("1", "学习贯彻不深入", state, measures, checkpoint)


D, S, LAW = dt.date, ProblemState, "分管法规副局长"
BOTH = ("deputy_law", "deputy_env")
DONE = (D(2024, 9, 30), "已完成")

# (problem, progress, 状态, 下一时限, 责任领导)
CASES = [
    (problem(S.IN_PROGRESS, D(2024, 12, 31)), None, "🟢 推进中", "2024-12-31", LAW),
    (problem(S.IN_PROGRESS, D(2024, 10, 25)), None, "🟡 推进中", "2024-10-25", LAW),
    (problem(S.NOT_STARTED, D(2024, 10, 1)), None, "🔴 未启动", "2024-10-01", LAW),
    (problem(S.CLOSED, D(2024, 10, 1)), DONE, "🟢 已销号", "—", LAW),
    (problem(S.REOPENED, D(2024, 12, 31)), None, "🟡 回头看重新整改", "2024-12-31", LAW),
    (
        problem(S.LONG_TERM, None, checkpoint=D(2024, 10, 10)),
        None,
        "🔴 需长期整改",
        "2024-10-10",
        LAW,
    ),
    # a long-term measure of an open problem: worked towards its checkpoint, never overdue
    (
        problem(S.IN_PROGRESS, None, measure_checkpoint=D(2024, 10, 25)),
        None,
        "🟡 推进中",
        "2024-10-25",
        LAW,
    ),
    (
        problem(S.IN_PROGRESS, D(2024, 12, 31), None, measure_checkpoint=D(2024, 11, 5)),
        None,
        "🟢 推进中",
        "2024-11-05",
        LAW,
    ),
    (problem(S.IN_PROGRESS, None, measure_checkpoint=D(2024, 10, 1)), None, "🟢 推进中", "—", LAW),
    (  # a measure overdue, another ahead: the nearest date ahead, the light red
        problem(
            S.IN_PROGRESS, D(2024, 10, 1), D(2024, 12, 31), None, measure_checkpoint=D(2024, 11, 5)
        ),
        None,
        "🔴 推进中",
        "2024-11-05",
        LAW,
    ),
    (  # every dated measure overdue: the latest of them is the date shown
        problem(S.IN_PROGRESS, D(2024, 10, 1), None, measure_checkpoint=D(2024, 10, 25)),
        None,
        "🔴 推进中",
        "2024-10-01",
        LAW,
    ),
    (problem(S.AWAITING_CONFIRMATION, D(2024, 10, 1)), None, "🟢 待销号审核", "—", LAW),
    (
        problem(S.IN_PROGRESS, D(2024, 12, 1), D(2024, 12, 31), leaders=BOTH),
        None,
        "🟢 推进中",
        "2024-12-01",
        f"{LAW}、分管环境副局长",
    ),
]


@pytest.mark.parametrize(("view", "progress", "state", "due", "leaders"), CASES)
def test_each_problem_shows_its_light_due_and_leaders(view, progress, state, due, leaders):
    last = {view.ref: progress} if progress else {}
    (row,) = dashboard_rows([view], last, PEOPLE, TODAY, (20, 10))
    assert row["问题"] == "1 学习贯彻不深入"
    assert (row["状态"], row["下一时限"], row["责任领导"]) == (state, due, leaders)
    assert row["最近进展"] == (f"{progress[0]} {progress[1]}" if progress else "尚无进展")


def test_the_share_closed_and_the_keys():
    views = [
        problem(ProblemState.CLOSED),
        problem(ProblemState.IN_PROGRESS),
        problem(ProblemState.CLOSED),
    ]
    assert closed_share(views) == 66.7
    assert closed_share([]) == 0.0
    assert artifact_key("dashboard", "binhai-2024-r8") == "dashboard-binhai-2024-r8"
    assert artifact_key("dashboard", "Binhai_2024.R8") == "dashboard-binhai-2024-r8"


ARTIFACT_CALLS = {
    "create_markdown_artifact",
    "create_table_artifact",
    "create_progress_artifact",
    "MarkdownArtifact",
    "TableArtifact",
    "ProgressArtifact",
}


def test_every_artifact_the_flows_publish_has_a_description():
    import ast

    from tests.conftest import ROOT

    missing, seen = [], 0
    for path in sorted([*ROOT.glob("flows/*.py"), *ROOT.glob("tasks/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ARTIFACT_CALLS:
                seen += 1
                if "description" not in {k.arg for k in node.keywords}:
                    missing.append(f"{path.name}:{node.lineno}")
    assert seen >= 10 and missing == []
