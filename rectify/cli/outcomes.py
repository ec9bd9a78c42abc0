"""``rectify record meeting|institution|accountability``: what the rectification came to, as
the unit's leader or office records it (会议、建章立制、问责)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from pydantic import ValidationError

from models import session_scope
from rectify.audit.guard import Attempt, refuse
from rectify.cli.common import parse_at, report_outcome, zone
from rectify.core.errors import Refusal
from rectify.problems import service
from rectify.problems.actions import ACCOUNTABILITY_KINDS, ACTIONS, MEETING_KINDS
from rectify.problems.tree import get_inspection

record_app = typer.Typer(
    help="录入整改成效：召开的会议、建章立制、问责情况（被巡察单位的组长或整改办）。",
    no_args_is_help=True,
)

InspectionOpt = Annotated[
    str | None, typer.Option("--inspection", "-i", help="巡察编号；只有一个巡察时可省略")
]
ByOpt = Annotated[str, typer.Option("--by", help="录入人编号（组长或整改办）")]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="时间 YYYY-MM-DD[THH:MM]（本地时间），默认现在")
]
InvalidCodes = {"kind": "unknown_kind", "count": "invalid_count"}
"""The stable codes of a refused option, by the field it fills."""


def _record(inspection: str | None, at: str | None, action: str, fields: dict[str, Any]) -> None:
    """Read ``fields`` as the action ``action`` and take it; an option the action refuses is
    audited as refused and named in the message."""
    when = parse_at(at, zone(inspection))
    try:
        taken = ACTIONS[action].model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        refusal = Refusal(InvalidCodes.get(field, "invalid_input"), f"--{field}：{message}")
        attempt = Attempt(action, fields.get("by"), _inspection_id(inspection), details=fields)
        report_outcome(refuse(attempt, refusal, at=when))
        return
    report_outcome(service.act(inspection, taken, when))


def _inspection_id(inspection: str | None) -> str | None:
    try:
        with session_scope() as session:
            return get_inspection(session, inspection).id
    except Refusal:
        return inspection


@record_app.command("meeting")
def meeting(
    by: ByOpt,
    kind: Annotated[str, typer.Option("--kind", help=f"会议类型：{'、'.join(MEETING_KINDS)}")],
    title: Annotated[str, typer.Option("--title", help="会议名称，如“2024年第8次局党组会议”")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """录入一次整改会议（党组会、专题民主生活会、整改推进会）。"""
    _record(inspection, at, "meeting", {"by": by, "kind": kind, "title": title})


@record_app.command("institution")
def institution(
    by: ByOpt,
    title: Annotated[str, typer.Option("--title", help="制度名称，如“执法人员轮岗管理办法”")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """录入一项建章立制成果（新建或修订的制度）。"""
    _record(inspection, at, "institution", {"by": by, "title": title})


@record_app.command("accountability")
def accountability(
    by: ByOpt,
    kind: Annotated[
        str, typer.Option("--kind", help=f"问责方式：{'、'.join(ACCOUNTABILITY_KINDS)}")
    ],
    count: Annotated[int, typer.Option("--count", help="问责人数（至少1人）")],
    text: Annotated[str, typer.Option("--text", help="问责事由")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """录入问责情况：问责方式、人数和事由。"""
    _record(
        inspection, at, "accountability", {"by": by, "kind": kind, "count": count, "text": text}
    )
