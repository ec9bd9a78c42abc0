"""The dashboards in the Prefect UI (整改看板), published by the deadline watch (every day,
and at once for one inspection when a sign-off is returned or a problem reopens), the
monthly supervision and the office overview; the dispatch and the 回头看 assignment change
nothing they show and publish none. Per inspection a keyed table (``dashboard-<id>``: each
problem with its light, next due, responsible leaders, latest progress) and a progress
artifact (the share closed); per office the units compared, laggards first
(``dashboard-office-<id>``); on demand the chart as a markdown image. Published through the
batched ``Publisher``."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from prefect import task
from prefect.artifacts import Artifact, MarkdownArtifact, ProgressArtifact, TableArtifact

from models import session_scope
from rectify.reports import office_rows, write_chart
from rectify.reports.dashboard import artifact_key, closed_share, dashboard_rows
from tasks.context import InspectionRun, each_inspection
from tasks.publish import Publisher

Publish = Callable[[Artifact], None]


def dashboard_artifacts(ctx: InspectionRun) -> list[Artifact]:
    """The inspection's dashboard table and its progress artifact, as of the run's day."""
    snap = ctx.snap
    rows = dashboard_rows(
        snap.problems, snap.last_progress, ctx.people, ctx.today, snap.policy.reminder_pair
    )
    lights = {mark: sum(r["状态"].startswith(mark) for r in rows) for mark in "🔴🟡🟢"}
    share = closed_share(snap.problems)
    return [
        TableArtifact(
            table=rows,
            key=artifact_key("dashboard", ctx.inspection.id),
            description=f"{ctx.unit} 整改看板（截至 {ctx.today}）：共 {len(rows)} 个问题，"
            f"🔴超期 {lights['🔴']} 个，🟡临近时限或重新整改 {lights['🟡']} 个，🟢正常或已销号 {lights['🟢']} 个",
        ),
        ProgressArtifact(
            progress=share,
            key=artifact_key("dashboard-progress", ctx.inspection.id),
            description=f"{ctx.unit} 整改销号进度（截至 {ctx.today}）：已销号占问题总数的 {share}%",
        ),
    ]


def with_dashboard(publish: Publish, work):
    """``work`` of one inspection (``each_inspection``), then its dashboard published."""

    def run(*args):
        result = work(*args)
        for artifact in dashboard_artifacts(args[-1]):
            publish(artifact)
        return result

    return run


def office_artifacts(as_of: dt.date) -> list[Artifact]:
    """Per office, its units compared, laggards first (巡察办总览)."""
    with session_scope() as session:
        rows = office_rows(as_of, session=session)
    by_office: dict[str, list[dict]] = {}
    for row in rows:
        by_office.setdefault(row["office"] or "none", []).append(row)
    return [
        TableArtifact(
            table=[
                {
                    "单位": r["unit"],
                    "巡察": r["inspection"],
                    "问题": r["problems"],
                    "已销号": r["closed"],
                    "销号率": f"{round(100 * r['closed_share'], 1)}%",
                    "超期": r["overdue"],
                    "方案逾期": "是" if r["plan_late"] else "",
                    "反弹": r["relapses"],
                }
                for r in office
            ],
            key=artifact_key("dashboard-office", office_id),
            description=f"{office[0]['office_name']} 所辖单位整改对比（截至 {as_of}，滞后者在前）",
        )
        for office_id, office in by_office.items()
    ]


def chart_artifact(inspection_id: str, as_of: dt.date, directory: Path) -> Artifact:
    """The progress chart (rectify.reports.chart) as a markdown image the UI shows inline."""
    path = directory / f"{inspection_id}-{as_of.isoformat()}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    with session_scope() as session:
        figures = write_chart(inspection_id, as_of, path, session=session)
    image = base64.b64encode(path.read_bytes()).decode()
    return MarkdownArtifact(
        markdown=f"## {figures['unit']} 整改进展图（截至 {as_of}）\n\n"
        f"![{figures['unit']} 整改进展图](data:image/png;base64,{image})\n",
        key=artifact_key("dashboard-chart", inspection_id),
        description=f"{figures['unit']} 已销号、需长期整改、未完成问题按周变化及各方面对比（截至 {as_of}）",
    )


@task(name="整改看板")
def refresh_dashboards(
    inspection_ids: list[str], at: dt.datetime, chart_dir: str | None = None
) -> int:
    """Publish the dashboards of these inspections as of ``at`` and their offices' overview
    (with the chart when ``chart_dir`` is given); returns the artifacts published."""
    count = 0

    def counted(artifact: Artifact) -> None:
        nonlocal count
        count += 1
        publish(artifact)

    with Publisher() as publish:
        runs = each_inspection(
            inspection_ids, at, with_dashboard(counted, lambda ctx: {"today": ctx.today})
        )
        days = sorted(r["today"] for r in runs)  # the inspections' local days
        day = days[-1] if days else at.date()
        for artifact in office_artifacts(day):
            counted(artifact)
        if chart_dir:
            for inspection_id in inspection_ids:
                counted(chart_artifact(inspection_id, day, Path(chart_dir)))
    return count
