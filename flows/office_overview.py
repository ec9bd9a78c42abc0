"""Office overview (巡察办总览): the units of each inspection office compared, laggards first
within each office, as a table artifact the office can sort in the UI; and who was late and
by how much (干部考核问责), per unit and per responsible person, as two more."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_table_artifact

from flows.common import local_day, parent_run_name, resolve_at
from rectify.reports import PERSON_COLUMNS, UNIT_COLUMNS, with_headers
from tasks.dashboard import refresh_dashboards
from tasks.inspections import list_inspections
from tasks.reports import accountability_figures, office_figures


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
                "屡查屡犯": r["repeated"],
                "阶段报告逾期": r["stage_report_overdue"],
                "约谈": "、".join(f"问题{ref}" for ref in r["talks"]),
            }
            for r in rows
        ],
        key="office-overview",
        description=f"各巡察办所辖被巡察单位整改进展对比（截至 {day}，按巡察办分组，组内滞后者在前）",
    )
    view = accountability_figures(dt.date.fromisoformat(day))
    create_table_artifact(
        with_headers(view["units"], UNIT_COLUMNS),
        key="accountability-units",
        description=f"干部考核问责：各单位逾期完成措施及逾期天数（截至 {day}，按原定时限计，"
        "延期不免责），延期、反弹、阶段报告逾期、问责和约谈人次",
    )
    create_table_artifact(
        with_headers(view["people"], PERSON_COLUMNS),
        key="accountability-people",
        description=f"干部考核问责：各责任人、责任领导逾期完成措施及逾期天数（截至 {day}，"
        "按原定时限计，延期不免责），逾期最多者在前",
    )
    return {
        "date": day,
        "offices": len({r["office_name"] for r in rows}),
        "units": len(rows),
        "laggard": rows[0]["inspection"] if rows else None,
    }
