"""The outbox and what the supervision runs record: notices, reminder marks, dispatch and
supervision cycles, 回头看 assignments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables import instant_column, json_column


class Notice(SQLModel, table=True):
    """The outbox: every notice, its dedupe key, its delivery attempts and status.

    status: pending → sent | failed (after the retry limit) | captured (simulation) |
    no_contact (the person has no Apprise URL); ``sending`` while a sender holds it."""

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True)
    inspection_id: str = Field(index=True)
    kind: str
    level: str | None = None
    person_key: str
    role: str
    period: str
    subject: str
    body: str
    problems: list = json_column()
    contacts: list = json_column()
    created_at: dt.datetime = instant_column(nullable=False)
    deliver_after: dt.datetime = instant_column(nullable=False, index=True)
    status: str = Field(default="pending", index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime | None = instant_column(nullable=True)
    claimed_at: dt.datetime | None = instant_column(nullable=True)
    sent_at: dt.datetime | None = instant_column(nullable=True)
    last_error: str | None = None
    reported: bool = False  # a failure already surfaced in a summary


class NoticeMark(SQLModel, table=True):
    """A reminder level already given for a subject and due date (see rules.notices.Mark)."""

    __table_args__ = (UniqueConstraint("inspection_id", "subject", "due", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(index=True)
    subject: str
    due: dt.date
    level: str
    on: dt.date


class CycleRun(SQLModel, table=True):
    """One dispatch (调度) or supervision (督办) of one inspection in one period."""

    __table_args__ = (UniqueConstraint("inspection_id", "kind", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(index=True)
    kind: str
    period: str
    on: dt.date
    at: dt.datetime = instant_column(nullable=False)
    summary: dict = json_column(dict)


class SupervisionCycle(SQLModel, table=True):
    """A problem overdue at a monthly supervision, and how many cycles in a row."""

    __table_args__ = (UniqueConstraint("problem_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    period: str
    cycles: int


class ReviewAssignment(SQLModel, table=True):
    """A 回头看 review due for one closing of a problem, assigned to a reviewer."""

    __table_args__ = (UniqueConstraint("problem_id", "closed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    closed_at: dt.datetime = instant_column(nullable=False)
    reviewer: str
    due: dt.date
    assigned_on: dt.date


# ---------------------------------------------------------------- problem clues (问题线索)
