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
)

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
            raise ValueError(f"not a real date: {value!r} (expected YYYY-MM-DD)") from None
    raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD)")


RealDate = Annotated[dt.date, BeforeValidator(real_date)]


def _due(value: Any) -> Any:
    if value == "long_term":
        return value
    try:
        return real_date(value)
    except ValueError:
        raise ValueError(f"not a real date: {value!r} (expected YYYY-MM-DD or long_term)") from None


def coerce_ref(value: Any) -> Any:
    """A ref or number YAML read as an integer (``12``), as the text it was written as."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


class Onsite(Strict):
    start: RealDate
    end: RealDate


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

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia", a directory
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


def _apprise_urls(value: list[str]) -> list[str]:
    for url in value:
        if "://" not in url:
            raise ValueError(f"not an Apprise URL (scheme://…): {url!r}")
    return value


Contacts = Annotated[list[str], AfterValidator(_apprise_urls)]


class PersonIn(Strict):
    id: Key
    name: Text
    roles: list[Literal["leader", "deputy", "office", "reviewer"]] = []
    contacts: Contacts = []


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
    measures: list[MeasureIn] = Field(min_length=1)


class CategoryIn(Strict):
    title: Text
    problems: list[ProblemIn] = []


class AspectIn(Strict):
    title: Text
    categories: list[CategoryIn] = Field(min_length=1)


class FeedbackFile(Strict):
    inspection: InspectionHeader
    policy: Policy = Field(default_factory=Policy)
    people: list[PersonIn] = Field(min_length=1)
    departments: list[DepartmentIn] = Field(min_length=1)
    aspects: list[AspectIn] = Field(min_length=1)

    def problems(self) -> list[tuple[int, int, ProblemIn]]:
        """Every problem in feedback order with its aspect and category positions."""
        return [
            (a, c, problem)
            for a, aspect in enumerate(self.aspects)
            for c, category in enumerate(aspect.categories)
            for problem in category.problems
        ]
