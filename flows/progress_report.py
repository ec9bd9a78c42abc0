"""Progress report (整改进展情况通报): the figures as of a date, per inspection, as artifacts."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.common import for_each_inspection, local_day, parent_run_name, resolve_at
from rectify.problems.snapshots import status_figures
from rectify.reports import headline
from tasks.inspections import list_inspections
from tasks.reports import progress_chart, progress_figures


@flow(name="progress-report-inspection", flow_run_name="整改通报 {inspection_id} {day}")
def report_inspection(inspection_id: str, day: str) -> dict:
    figures = progress_figures(inspection_id, dt.date.fromisoformat(day))
    create_markdown_artifact(
        f"## {figures['unit']} 整改进展（截至{day}）\n\n{headline(figures, internal=True)}\n",
        key=f"progress-{inspection_id}",
        description=f"{figures['unit']} 整改进展情况通报要点（截至 {day}）",
    )
    create_table_artifact(
        [
            {
                "方面": row["aspect"],
                "标题": row["title"],
                "问题": row["problems"],
                "已销号": row["closed"],
                "需长期整改": row["long_term"],
                "推进中": row["in_progress"] + row["reopened"],
                "未启动": row["not_started"],
                "超期": row["overdue"],
            }
            for row in figures["by_aspect"]
        ],
        key=f"progress-counts-{inspection_id}",
        description=f"{figures['unit']} 各方面整改进展 {day}",
    )
    chart = progress_chart(inspection_id, dt.date.fromisoformat(day))
    create_table_artifact(
        chart["weeks"],
        key=f"progress-weeks-{inspection_id}",
        description=f"{figures['unit']} 已销号/长期整改/未完成 按周变化(图:{chart['png']})",
    )
    return {
        "inspection": figures["inspection"],
        "as_of": figures["as_of"],
        **status_figures(figures),
    }


@flow(name="progress-report", flow_run_name=parent_run_name("整改通报"), log_prints=True)
def progress_report(as_of: dt.datetime | None = None, inspection_id: str | None = None) -> dict:
    at = resolve_at(as_of)
    day = local_day(at)
    ids = list_inspections(at, inspection_id)
    runs = for_each_inspection(
        ids, report_inspection, "report", day, single=inspection_id is not None
    )
    return {"date": day, "inspections": runs}
