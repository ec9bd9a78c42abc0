"""An inspection's supervision policy; every key has a default."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from rectify.core.deadlines import Period


class Policy(BaseModel):
    model_config = {"extra": "forbid"}

    plan_due: Period = Field(default_factory=lambda: Period(days=30))
    centralised_period: Period = Field(default_factory=lambda: Period(days=60))
    dispatch_days: list[int] = Field(default_factory=lambda: [1, 16])
    supervision_day: int = 25
    review_after: Period = Field(default_factory=lambda: Period(days=90))
    report_due: Period = Field(default_factory=lambda: Period(days=60))
    relapse_due: Period = Field(default_factory=lambda: Period(days=30))
    reminders: list[int] = Field(default_factory=lambda: [20, 10])
    # the office's time to decide on an application for sign-off; past it, its head is told
    decision_days: Period = Field(default_factory=lambda: Period(working_days=5))

    @field_validator("dispatch_days")
    @classmethod
    def _days_of_month(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= d <= 28 for d in value):
            raise ValueError("调度日应为每月 1 日至 28 日中的日子")
        if len(set(value)) != len(value):
            raise ValueError("调度日有重复")
        return sorted(value)

    @field_validator("supervision_day")
    @classmethod
    def _day_of_month(cls, value: int) -> int:
        if not 1 <= value <= 28:
            raise ValueError("督查日应为每月 1 日至 28 日中的一天")
        return value

    @field_validator("reminders")
    @classmethod
    def _two_reminders(cls, value: list[int]) -> list[int]:
        if len(value) != 2 or value[0] <= value[1] or value[1] < 0:
            raise ValueError("应给出两次提醒（到期前天数），第一次大于第二次，且都不小于 0")
        return value

    @property
    def reminder_pair(self) -> tuple[int, int]:
        return (self.reminders[0], self.reminders[1])
