"""Office overview (巡察办总览): the units of each inspection office compared, laggards first
within each office, as a table artifact the office can sort in the UI."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_table_artifact

from flows.common import local_day, parent_run_name, resolve_at
from tasks.dashboard import refresh_dashboards
from tasks.inspections import list_inspections
from tasks.reports import office_figures


@flow(name="office-overview", flow_run_name=parent_run_name("巡察办总览"))
def office_overview(as_of: dt.datetime | None = None) -> dict:
    at = resolve_at(as_of)
    day = local_day(at)
    rows = office_figures(dt.date.fromisoformat(day))
    refresh_dashboards(list_inspections(at, None), at)  # each unit's and each office's board
    create_table_artifact(
        [
            {
                "巡察办": r["office_name"],
                "单位": r["unit"],
                "巡察": r["inspection"],
                "问题": r["problems"],
                "已销号": r["closed"],
                "需长期整改": r["long_term"],
                "未完成": r["open"],
                "超期": r["overdue"],
                "方案逾期": "是" if r["plan_late"] else "",
                "反弹": r["relapses"],
            }
            for r in rows
        ],
        key="office-overview",
        description=f"各巡察办所辖被巡察单位整改进展对比(截至 {day},按巡察办分组,组内滞后者在前)",
    )
    return {
        "date": day,
        "offices": len({r["office_name"] for r in rows}),
        "units": len(rows),
        "laggard": rows[0]["inspection"] if rows else None,
    }
