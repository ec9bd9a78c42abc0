"""Every deployment and its schedule, declared once. ``prefect.yaml`` declares the same for a
work pool and workers (a test keeps the two in agreement); ``rectify serve`` serves these."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pendulum
from prefect.schedules import Cron
from prefect.server.schemas.schedules import CronSchedule
from sqlmodel import select

from models import Inspection, create_schema, session_scope
from rectify.core.policy import Policy
from rectify.core.settings import get_settings

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment: its flow's entrypoint, its cron (none: on demand), its description."""

    name: str
    entrypoint: str  # path:function, as in prefect.yaml
    cron: str | None
    description: str
    tags: tuple[str, ...] = field(default_factory=tuple)
    triggers: tuple[dict, ...] = ()  # event triggers, as prefect.yaml writes them
    simulated: bool = True  # replayed by `rectify simulate` on its virtual clock

    def deployment_triggers(self) -> list:
        """The triggers as Prefect's ``DeploymentEventTrigger``s."""
        from prefect.events import DeploymentEventTrigger

        return [DeploymentEventTrigger(**t) for t in self.triggers]

    def load_flow(self):
        """The flow object behind the entrypoint."""
        path, function = self.entrypoint.split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        return getattr(module, function)

    def schedules(self, timezone: str = TIMEZONE) -> list:
        return [Cron(self.cron, timezone=timezone)] if self.cron else []

    def next_runs(
        self, after: dt.datetime, until: dt.datetime, timezone: str = TIMEZONE
    ) -> list[dt.datetime]:
        """The instants this schedule gives in [after, until), by Prefect's own cron code."""
        if not self.cron:
            return []
        schedule = CronSchedule(cron=self.cron, timezone=timezone)
        start = cron_start(after, timezone)
        return [d for d in schedule._get_dates_generator(start=start, end=until) if d < until]


def cron_start(instant: dt.datetime, timezone: str) -> dt.datetime:
    """The start Prefect's cron code takes: on Python 3.13 and later a datetime in a ``ZoneInfo``
    (it converts with ``whenever``), before that a pendulum instant (it reads ``.tz.name``)."""
    if sys.version_info >= (3, 13):
        return dt.datetime.fromtimestamp(instant.timestamp(), tz=ZoneInfo(timezone))
    return pendulum.instance(instant).in_tz(timezone)


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        "deadline-watch",
        "flows/deadline_watch.py:deadline_watch",
        "0 9 * * *",
        "每日期限检查：方案审议、绿/黄提醒、超期红色督办、长期整改检查节点",
        ("daily",),
    ),
    DeploymentSpec(
        "half-monthly-dispatch",
        "flows/half_monthly_dispatch.py:half_monthly_dispatch",
        "0 9 1,16 * *",
        "每半月调度（每月1日、16日）",
        ("dispatch",),
    ),
    DeploymentSpec(
        "monthly-supervision",
        "flows/monthly_supervision.py:monthly_supervision",
        "0 9 25 * *",
        "每月督办（每月25日）",
        ("supervision",),
    ),
    DeploymentSpec(
        "lookback-review",
        "flows/lookback_review.py:lookback_review",
        "0 9 * * *",
        "回头看：到期的已销号问题分派审核人",
        ("review",),
    ),
    DeploymentSpec(
        "deliver-notices",
        "flows/deliver_notices.py:deliver_notices",
        "*/15 9-17 * * *",
        "发送通知：重试失败的通知，发出免打扰时段顺延的通知",
        ("outbox",),
    ),
    DeploymentSpec(
        "progress-report",
        "flows/progress_report.py:progress_report",
        None,
        "整改进展情况通报（按需运行）",
        ("report",),
    ),
    DeploymentSpec(
        "feedback-import",
        "flows/feedback_import.py:feedback_import",
        None,
        "导入反馈意见（按需运行）",
        ("feedback-import",),
    ),
    DeploymentSpec(
        "office-overview",
        "flows/office_overview.py:office_overview",
        None,
        "巡察办总览：各被巡察单位对比，滞后者在前（按需运行）",
        ("office",),
    ),
    DeploymentSpec(
        "sign-off-decision",
        "flows/decisions.py:sign_off_decision",
        None,
        "销号审核：等待巡察办确认销号或退回（申请销号后自动开启，在运行页面点击 Resume 作出决定）",
        ("decision",),
    ),
    DeploymentSpec(
        "review-decision",
        "flows/review_decisions.py:review_decision",
        None,
        "回头看：等待督查人员填写结论（分派回头看后自动开启，在运行页面点击 Resume 填写）",
        ("review",),
    ),
    DeploymentSpec(
        "decision-watch",
        "flows/decisions.py:decision_watch",
        "*/15 9-17 * * *",
        "销号审核巡查：为待审核的销号申请开启审核运行；超过审核时限未决定的，提醒巡察办负责人",
        ("decision",),
        simulated=False,
    ),
    DeploymentSpec(
        "record-progress",
        "flows/office_actions.py:record_progress",
        None,
        "报送整改进展（按需运行）",
        ("action",),
    ),
    DeploymentSpec(
        "complete-measure",
        "flows/office_actions.py:complete_measure",
        None,
        "整改措施逐项完成（按需运行）",
        ("action",),
    ),
    DeploymentSpec(
        "apply-sign-off",
        "flows/office_actions.py:apply_sign_off",
        None,
        "申请销号，并开启销号审核（按需运行）",
        ("action",),
    ),
    DeploymentSpec(
        "extend",
        "flows/office_actions.py:extend",
        None,
        "延期审批（巡察办督查人员，按需运行）",
        ("action",),
    ),
    DeploymentSpec(
        "review",
        "flows/office_actions.py:review",
        None,
        "回头看结论（巡察办督查人员，按需运行）",
        ("action",),
    ),
)


def on_event(event: str, description: str) -> dict:
    """A trigger on one lifecycle event of a real clock (not a replay's), running the flow for
    the event's inspection at once."""
    return {
        "type": "event",
        "enabled": True,
        "name": description,
        "match": {"prefect.resource.id": "rectify.inspection.*", "rectify.clock": "real"},
        "expect": [event],
        "posture": "Reactive",
        "threshold": 1,
        "within": 0,
        "parameters": {"inspection_id": "{{ event.resource['rectify.inspection'] }}"},
    }


# Deployments run by the lifecycle events (rectify.events), not by a schedule.
TRIGGERED: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        "return-notice",
        "flows/deadline_watch.py:deadline_watch",
        None,
        "销号申请被退回后立即检查该巡察并把退回原因通知被巡察单位",
        ("event",),
        (on_event("rectify.problem.returned", "销号退回即时通知"),),
    ),
    DeploymentSpec(
        "relapse-watch",
        "flows/deadline_watch.py:deadline_watch",
        None,
        "回头看发现反弹回潮、问题重新整改后立即检查该巡察，提醒新的整改时限",
        ("event",),
        (on_event("rectify.problem.reopened", "反弹回潮即时督促"),),
    ),
)
DEPLOYMENTS = DEPLOYMENTS + TRIGGERED

# The scheduled flows in the order they run when their instants coincide; the decision watch,
# which starts interactive runs on a live server, is not replayed by the simulation.
SCHEDULED = tuple(d for d in DEPLOYMENTS if d.cron and d.simulated)


def by_name(name: str) -> DeploymentSpec:
    """The deployment called ``name``."""
    return next(d for d in DEPLOYMENTS if d.name == name)


def policy_crons(policies: list) -> dict[str, str]:
    """The dispatch and supervision crons that cover every inspection's policy days (the
    defaults, 1st/16th and 25th, included); each flow then works only on the inspections
    whose day it is."""
    default = Policy()
    dispatch = sorted({*default.dispatch_days, *(d for p in policies for d in p.dispatch_days)})
    supervision = sorted({default.supervision_day, *(p.supervision_day for p in policies)})
    return {
        "half-monthly-dispatch": f"0 9 {','.join(map(str, dispatch))} * *",
        "monthly-supervision": f"0 9 {','.join(map(str, supervision))} * *",
    }


def stored_policies() -> list:
    """The policies of every stored inspection."""
    create_schema()
    with session_scope() as session:
        return [Policy.model_validate(i.policy) for i in session.exec(select(Inspection))]


def to_deployments(timezone: str | None = None, policies: list | None = None) -> list:
    """Runner deployments for ``prefect.serve``, their days widened to the stored policies."""
    tz = timezone or get_settings().timezone
    crons = policy_crons(stored_policies() if policies is None else policies)
    out = []
    for spec in DEPLOYMENTS:
        if spec.name in crons:
            spec = DeploymentSpec(
                spec.name, spec.entrypoint, crons[spec.name], spec.description, spec.tags
            )
        out.append(
            spec.load_flow().to_deployment(
                name=spec.name,
                schedules=spec.schedules(tz),
                description=spec.description,
                tags=["rectify", *spec.tags],
                triggers=spec.deployment_triggers() or None,
            )
        )
    return out


def serve_all(*, print_starting_message: bool = True) -> None:
    """Serve every deployment; schedules stay active when this process stops."""
    from prefect import serve  # the runner: loaded only when serving

    serve(
        *to_deployments(),
        pause_on_shutdown=False,
        print_starting_message=print_starting_message,
    )
