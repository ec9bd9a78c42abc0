"""The feedback file (反馈意见 + 整改方案台账) as specified in feedback-format.md."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from rectify.core.messages import show
from rectify.core.policy import Policy

InspectionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
KINDS = ("regular", "special", "mobile", "extended", "lookback")
KIND_LABELS = {
    "regular": "常规巡察",
    "special": "专项巡察",
    "mobile": "机动巡察",
    "extended": "延伸巡察",
    "lookback": "巡察“回头看”",
}


def real_date(value: Any) -> Any:
    """A date as YAML gives it (a date, or ISO text), or a ValueError saying why not."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"不是有效的日期：{show(value)}（应为 YYYY-MM-DD）") from None
    raise ValueError(f"应为日期（YYYY-MM-DD），实为 {show(value)}")


RealDate = Annotated[dt.date, BeforeValidator(real_date)]


def _due(value: Any) -> Any:
    if value == "long_term":
        return value
    try:
        return real_date(value)
    except ValueError:
        raise ValueError(f"不是有效的日期：{show(value)}（应为 YYYY-MM-DD 或 long_term）") from None


def coerce_ref(value: Any) -> Any:
    """A ref or number YAML read as an integer (``12``), as the text it was written as."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


class Onsite(Strict):
    start: RealDate
    end: RealDate


class PublicContact(Strict):
    """The public's channel to supervise the rectification (the 通报's closing paragraph)."""

    phone: Text | None = None
    mailbox: Text | None = None
    email: Text | None = None


class InspectionHeader(Strict):
    id: InspectionId
    round: Text
    group: Text
    unit: Text
    parent_unit: str | None = None  # optional: the unit one level up (province → city → county)
    kind: Literal["regular", "special", "mobile", "extended", "lookback"]
    onsite: Onsite
    feedback_date: RealDate
    timezone: str = "Asia/Shanghai"
    public_contact: PublicContact | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia", a directory
            raise ValueError(f"未知的时区：{show(value)}（如 Asia/Shanghai）") from None
        return value


def _apprise_urls(value: list[str]) -> list[str]:
    for url in value:
        if "://" not in url:
            raise ValueError(f"不是 Apprise 通知地址（应为 scheme://…）：{show(url)}")
    return value


Contacts = Annotated[list[str], AfterValidator(_apprise_urls)]


# The unit's roles. ``office`` (earlier files) is read as ``unit_office``; ``reviewer`` (earlier
# files) gives no right any more: both are read with a warning (legacy_warnings).
UNIT_ROLES = ("leader", "deputy", "unit_office")
LEGACY_UNIT_ROLES = ("office", "reviewer")
OFFICE_ROLES = ("supervisor", "clues", "head")


class PersonIn(Strict):
    """A person of the inspected unit (被巡察单位)."""

    id: Key
    name: Text
    roles: list[Literal["leader", "deputy", "unit_office", "office", "reviewer"]] = []
    contacts: Contacts = []

    @property
    def unit_roles(self) -> list[str]:
        """The roles as the engine keeps them: ``office`` → ``unit_office``, no ``reviewer``."""
        roles = ["unit_office" if r == "office" else r for r in self.roles if r != "reviewer"]
        return list(dict.fromkeys(roles))


class StaffIn(Strict):
    """A person of the inspection office (巡察办)."""

    id: Key
    name: Text
    roles: list[Literal["supervisor", "clues", "head"]] = []
    contacts: Contacts = []


class OfficeIn(Strict):
    """The inspection office (巡察办) supervising this unit; one id across files is one office."""

    id: InspectionId
    name: Text
    staff: list[StaffIn] = []


class DepartmentIn(Strict):
    id: Key
    name: Text
    head: Key | None = None  # optional: the person who heads it, receives its dispatch digest


class MeasureIn(Strict):
    text: Text
    lead_leader: Key
    responsible_leader: Key
    department: Key
    responsible_person: Key
    due: Annotated[dt.date | Literal["long_term"], BeforeValidator(_due)]
    checkpoint: RealDate | None = None

    @property
    def is_long_term(self) -> bool:
        return self.due == "long_term"


class ProblemIn(Strict):
    ref: Annotated[Text, BeforeValidator(coerce_ref)]
    title: Text
    carried_from: Text | None = None  # the same problem in an earlier round (屡查屡犯)
    measures: list[MeasureIn] = Field(min_length=1)


class CategoryIn(Strict):
    title: Text
    problems: list[ProblemIn] = []


class AspectIn(Strict):
    """方面: its problems grouped in categories (类, Wulong), or held directly (Binhai:
    方面 → "关于'…'的问题"); one of the two."""

    title: Text
    categories: list[CategoryIn] = []
    problems: list[ProblemIn] = []

    @model_validator(mode="after")
    def _categories_or_problems(self) -> AspectIn:
        if self.categories and self.problems:
            raise ValueError(
                "categories 与 problems 只能二选一：方面下的问题要么分类列出，要么直接列出"
            )
        if not self.categories and not self.problems:
            raise ValueError("这一方面没有任何问题（请给出 categories 或 problems）")
        return self

    def groups(self) -> list[tuple[str, list[ProblemIn]]]:
        """(category title, problems) in file order; problems held directly by the aspect
        are one group without a title (stored as a category titled "", never shown)."""
        if self.problems:
            return [("", self.problems)]
        return [(category.title, category.problems) for category in self.categories]


class FeedbackFile(Strict):
    inspection: InspectionHeader
    policy: Policy = Field(default_factory=Policy)
    office: OfficeIn | None = None
    people: list[PersonIn] = Field(min_length=1)
    departments: list[DepartmentIn] = Field(min_length=1)
    aspects: list[AspectIn] = Field(min_length=1)

    def legacy_warnings(self) -> list[str]:
        """What a file of the earlier, one-sided format is told when it imports."""
        warnings = []
        if self.office is None:
            warnings.append(
                "文件没有 office（巡察办）部分：在声明巡察办之前，无人能确认销号、批准延期或开展回头看"
            )
        for person in self.people:
            if "reviewer" in person.roles:
                warnings.append(
                    f"people {person.id}：角色 reviewer 已不再赋予任何权限（销号审核和回头看由巡察办督查人员负责）"
                )
            if "office" in person.roles:
                warnings.append(f"people {person.id}：角色 office 按 unit_office（整改办）读取")
        return warnings

    def problems(self) -> list[tuple[int, int, ProblemIn]]:
        """Every problem in feedback order with its aspect and category positions."""
        return [
            (a, c, problem)
            for a, aspect in enumerate(self.aspects)
            for c, (_, problems) in enumerate(aspect.groups())
            for problem in problems
        ]
