"""The actions people take, as the command line and the scenario files give them: plan
approval, the rectification report (整改报告), the outcomes a unit records (meetings,
institutions built, accountability), progress, a measure completed (措施完成), a long-term
stage report (阶段报告), the sign-off in two steps (申请销号,
then the office's 销号 or 退回), long-term declaration, extension and the 回头看 review."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from rectify.audit.guard import Attempt

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class Action(BaseModel):
    """An action by the person ``by``."""

    model_config = {"extra": "forbid"}
    by: str


class ApprovePlan(Action):
    """整改方案经党组会议审议通过: by the unit's leader, naming the meeting."""

    kind: Literal["approve_plan"] = "approve_plan"
    meeting: Text = ""


class SubmitReport(Action):
    """整改报告: the unit's leader submits the rectification report to the office."""

    kind: Literal["submit_report"] = "submit_report"
    title: Text = ""


MEETING_KINDS = ("党组会", "专题民主生活会", "整改推进会")
"""The meetings on the rectification a unit records (会议类型)."""
ACCOUNTABILITY_KINDS = ("约谈", "诫勉", "处分", "通报批评", "组织处理")
"""The kinds of accountability (问责方式) a unit records."""


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    value = value.strip()
    if value not in allowed:
        raise ValueError(f"{what}须为{'、'.join(allowed)}之一（收到：{value or '空'}）")
    return value


class RecordMeeting(Action):
    """会议: a meeting on the rectification (党组会, 专题民主生活会, 整改推进会), by the unit's
    leader or office. Its type is ``kind`` in scenario files."""

    kind: Literal["meeting"] = Field("meeting", validation_alias="action")
    meeting_kind: str = Field(validation_alias="kind")
    title: Text = ""

    @field_validator("meeting_kind")
    @classmethod
    def _known_meeting(cls, value: str) -> str:
        return _one_of(value, MEETING_KINDS, "会议类型")


class RecordInstitution(Action):
    """建章立制: an institution (rule, system) the unit built, by its leader or office."""

    kind: Literal["institution"] = "institution"
    title: Text = ""


class RecordAccountability(Action):
    """问责: people held accountable (约谈, 诫勉, 处分, 通报批评, 组织处理), how many, and what
    for, by the unit's leader or office. Its type is ``kind`` in scenario files."""

    kind: Literal["accountability"] = Field("accountability", validation_alias="action")
    case_kind: str = Field(validation_alias="kind")
    count: int
    text: Text = ""

    @field_validator("case_kind")
    @classmethod
    def _known_case(cls, value: str) -> str:
        return _one_of(value, ACCOUNTABILITY_KINDS, "问责方式")

    @field_validator("count")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"问责人数须为正整数（收到：{value}）")
        return value


class Progress(Action):
    """报送进展 on a problem, with optional evidence."""

    kind: Literal["progress"] = "progress"
    problem: str
    text: Text
    evidence: list[str] = []


class Complete(Action):
    """措施完成: one measure of a problem (numbered 1, 2, … in file order) reported done, with
    what was done and its evidence."""

    kind: Literal["complete"] = "complete"
    problem: str
    measure: int
    text: Text = ""
    evidence: list[str] = []


class StageReportAction(Action):
    """阶段报告 on a long-term problem: what the stage achieved and the next checkpoint."""

    kind: Literal["stage_report"] = "stage_report"
    problem: str
    text: Text = ""
    next_checkpoint: dt.date


class ApplySignOff(Action):
    """申请销号: the unit applies for a problem's sign-off; evidence is required."""

    kind: Literal["apply_sign_off"] = "apply_sign_off"
    problem: str
    evidence: list[str] = []
    note: Text = ""


class SignOffAction(Action):
    """整改销号: the office confirms, closing the problem and all its measures; without an
    application the confirmation carries its own evidence."""

    kind: Literal["sign_off"] = "sign_off"
    problem: str
    evidence: list[str] = []
    note: Text = ""


class ReturnSignOff(Action):
    """退回: the office returns an application for sign-off, with its reason."""

    kind: Literal["return_sign_off"] = "return_sign_off"
    problem: str
    reason: Text = ""


class LongTerm(Action):
    """需长期整改: a stage goal and the next checkpoint."""

    kind: Literal["long_term"] = "long_term"
    problem: str
    stage_goal: Text = ""
    checkpoint: dt.date


class Extend(Action):
    """延期: the office sets a later due, with a reason; the original due is kept."""

    kind: Literal["extend"] = "extend"
    problem: str
    new_due: dt.date
    reason: Text = ""


class ReviewAction(Action):
    """回头看: sustained, or relapsed (反弹回潮) which reopens the problem."""

    kind: Literal["review"] = "review"
    problem: str
    outcome: Literal["sustained", "relapsed"]
    note: Text = ""


AnyAction = (
    ApprovePlan
    | SubmitReport
    | RecordMeeting
    | RecordInstitution
    | RecordAccountability
    | Progress
    | Complete
    | StageReportAction
    | ApplySignOff
    | SignOffAction
    | ReturnSignOff
    | LongTerm
    | Extend
    | ReviewAction
)
ACTIONS: dict[str, type[Action]] = {
    "approve_plan": ApprovePlan,
    "submit_report": SubmitReport,
    "meeting": RecordMeeting,
    "institution": RecordInstitution,
    "accountability": RecordAccountability,
    "progress": Progress,
    "complete": Complete,
    "stage_report": StageReportAction,
    "apply_sign_off": ApplySignOff,
    "sign_off": SignOffAction,
    "return_sign_off": ReturnSignOff,
    "long_term": LongTerm,
    "extend": Extend,
    "review": ReviewAction,
}
"""Every action by its kind, as scenario files name it."""


def action_attempt(action: AnyAction, inspection_id: str | None = None) -> Attempt:
    """``action`` as the audit log records it."""
    return Attempt(
        action=action.kind,
        actor=action.by,
        inspection_id=inspection_id,
        subject=getattr(action, "problem", None),
        details=action.model_dump(mode="json", exclude={"kind", "by"}),
    )
