"""Notice text in Chinese, rendered from one template per kind."""

from __future__ import annotations

import datetime as dt
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from rectify.core.punctuation import full_width
from rectify.notices.planning import NoticePlan
from rectify.problems.rules.escalation import LEVEL_LABELS, Level

KIND_TITLES = {
    "plan_reminder": "整改方案审议提醒",
    "plan_overdue": "整改方案逾期未审议",
    "report_reminder": "整改报告报送提醒",
    "report_overdue": "整改报告逾期未报送",
    "sign_off_pending": "销号申请待审核",
    "sign_off_returned": "销号申请被退回",
    "decision_overdue": "销号审核逾期未决定",
    "due_reminder": "整改时限提醒",
    "overdue": "整改超期督办",
    "dispatch": "整改定期调度",
    "supervision": "每月整改督办",
    "stage_report_due": "长期整改阶段报告",
    "review_due": "整改“回头看”到期",
    "report": "整改进展情况通报提醒",
}
ROLE_LABELS = {
    "leader": "组长",
    "deputy": "副组长",
    "unit_office": "整改办",
    "office_supervisor": "巡察办",
    "office_head": "巡察办负责人",
    "office_clues": "巡察办线索管理人员",
    "responsible_person": "责任人",
    "responsible_leader": "责任领导",
    "lead_leader": "牵头领导",
    "department_head": "科室负责人",
}


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("rectify.notices", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["level"] = lambda lv: LEVEL_LABELS[Level(lv)] if lv else ""
    return env


def render(
    plan: NoticePlan, *, unit: str, round_: str, person_name: str, today: dt.date
) -> tuple[str, str]:
    """(subject, body) of one digest, with full-width punctuation in its Chinese text
    (the items' titles and texts come from the feedback file as written)."""
    title = KIND_TITLES[plan.kind]
    level = f"【{LEVEL_LABELS[plan.level]}】" if plan.level else ""
    subject = f"{level}{title} · {unit}"
    body = (
        _env()
        .get_template("notice.txt.j2")
        .render(
            plan=plan,
            title=title,
            unit=unit,
            round=round_,
            name=person_name,
            role=ROLE_LABELS.get(plan.role, plan.role),
            today=today,
        )
    )
    return full_width(subject), full_width(body)
