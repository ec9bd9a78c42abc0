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

    @field_validator("dispatch_days")
    @classmethod
    def _days_of_month(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= d <= 28 for d in value):
            raise ValueError("dispatch days must be days of month from 1 to 28")
        if len(set(value)) != len(value):
            raise ValueError("dispatch days repeat")
        return sorted(value)

    @field_validator("supervision_day")
    @classmethod
    def _day_of_month(cls, value: int) -> int:
        if not 1 <= value <= 28:
            raise ValueError("the supervision day must be a day of month from 1 to 28")
        return value

    @field_validator("reminders")
    @classmethod
    def _two_reminders(cls, value: list[int]) -> list[int]:
        if len(value) != 2 or value[0] <= value[1] or value[1] < 0:
            raise ValueError("give two reminders in days before due, first > second >= 0")
        return value

    @property
    def reminder_pair(self) -> tuple[int, int]:
        return (self.reminders[0], self.reminders[1])
