"""The store: SQLModel tables of the inspection, its people, its ledger and its history (the
notices' tables are in ``models.supervision``, the clues' in ``models.clues``). Instants are aware UTC (``UtcDateTime``); dates are local
calendar dates of the inspection's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.db import UtcDateTime
from rectify.core.states import ProblemState


def instant_column(**kwargs: Any) -> Any:
    """An aware UTC instant column."""
    return Field(sa_column=Column(UtcDateTime(), **kwargs))


def json_column(default_factory: Any = list) -> Any:
    """A JSON column, never null."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class Unit(SQLModel, table=True):
    """An inspected unit (被巡察单位); ``parent`` gives province → city → county."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id")


class Office(SQLModel, table=True):
    """The inspection office (巡察办) that supervises units; one office, many inspections."""

    id: str = Field(primary_key=True)
    name: str


class OfficeStaff(SQLModel, table=True):
    """A person of the office's side: roles ``supervisor`` (销号审核, extensions, 回头看) and
    ``clues`` (the problem-clue register). Merged by id across the office's feedback files;
    copied into each of the office's inspections as ``Person`` rows with ``side="office"``."""

    __table_args__ = (UniqueConstraint("office_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: str = Field(foreign_key="office.id", index=True)
    key: str
    name: str
    roles: list = json_column()
    contacts: list = json_column()


class Inspection(SQLModel, table=True):
    """One inspection (巡察) of one unit, identified as in its feedback file."""

    id: str = Field(primary_key=True)
    office_id: str | None = Field(default=None, foreign_key="office.id", index=True)
    round: str
    group: str
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: str
    onsite_start: dt.date
    onsite_end: dt.date
    feedback_date: dt.date
    timezone: str = "Asia/Shanghai"
    policy: dict = json_column(dict)
    public_contact: dict = json_column(dict)  # the 通报's closing paragraph: phone, mailbox, email
    source: str = ""
    imported_at: dt.datetime = instant_column(nullable=False)


class Person(SQLModel, table=True):
    """A person of an inspection: of the inspected unit (``side="unit"``) or a copy of the
    office's staff (``side="office"``), so that the rules, notices and contacts see both."""

    __table_args__ = (UniqueConstraint("inspection_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    key: str
    name: str
    roles: list = json_column()
    contacts: list = json_column()
    active: bool = True
    side: str = Field(default="unit", sa_column_kwargs={"server_default": "unit"})


class Department(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("inspection_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    key: str
    name: str
    head: str | None = None  # the person key of the department head, if given
    active: bool = True


class Aspect(SQLModel, table=True):
    """方面, "(一)…"."""

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    position: int
    title: str


class Category(SQLModel, table=True):
    """类, "1.…"."""

    id: int | None = Field(default=None, primary_key=True)
    aspect_id: int = Field(foreign_key="aspect.id", index=True)
    position: int
    title: str


class Problem(SQLModel, table=True):
    """问题, "(1)…"; the unit the report counts."""

    __table_args__ = (UniqueConstraint("inspection_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    category_id: int = Field(foreign_key="category.id", index=True)
    ref: str
    position: int
    title: str
    state: ProblemState = ProblemState.NOT_STARTED
    closed_at: dt.datetime | None = instant_column(nullable=True)
    stage_goal: str | None = None
    checkpoint: dt.date | None = None
    carried_from: str | None = None  # the same problem in an earlier round (屡查屡犯)


class Measure(SQLModel, table=True):
    """整改措施 with its five responsibility fields."""

    __table_args__ = (UniqueConstraint("problem_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    position: int
    text: str
    lead_leader_id: int = Field(foreign_key="person.id")
    responsible_leader_id: int = Field(foreign_key="person.id")
    department_id: int = Field(foreign_key="department.id")
    responsible_person_id: int = Field(foreign_key="person.id", index=True)
    due: dt.date | None = None  # None: long-term, see checkpoint
    original_due: dt.date | None = None  # the due date in the plan, kept after extensions
    checkpoint: dt.date | None = None


class Plan(SQLModel, table=True):
    """整改方案 and its approval by the party group meeting."""

    inspection_id: str = Field(foreign_key="inspection.id", primary_key=True)
    due: dt.date
    approved_at: dt.datetime | None = instant_column(nullable=True)
    approved_by: str | None = None
    meeting: str | None = None


class ProgressUpdate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    text: str


class Evidence(SQLModel, table=True):
    """支撑材料, attached to a progress update or a sign-off."""

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    name: str
    attached_to: str  # "progress" | "sign_off"


class SignOffApplication(SQLModel, table=True):
    """申请销号: the unit applies for a problem's sign-off, with evidence (``Evidence`` rows
    attached to ``application:<id>``); the office then confirms (``SignOff``) or returns it."""

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    note: str = ""


class SignOffReturn(SQLModel, table=True):
    """退回: the office returns an application for sign-off, with its reason."""

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    reason: str


class ReportSubmission(SQLModel, table=True):
    """整改报告: the unit's rectification report submitted to the office."""

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    title: str = ""


class SignOff(SQLModel, table=True):
    """销号: confirmed by an office supervisor; closes the problem and all its measures."""

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    note: str = ""


class LongTermDeclaration(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    stage_goal: str
    checkpoint: dt.date


class MeasureCompletion(SQLModel, table=True):
    """One measure reported completed by the unit (with its text; evidence rows carry
    ``attached_to="completion"``). A relapse at review reopens the measures: completions
    before the reopening no longer count."""

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    text: str


class StageReport(SQLModel, table=True):
    """A stage report on a long-term problem (阶段性报告); it sets the next checkpoint."""

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    text: str
    next_checkpoint: dt.date


class Meeting(SQLModel, table=True):
    """A meeting the unit held on the rectification (党组会, 专题民主生活会, 整改推进会)."""

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    kind: str
    title: str


class Institution(SQLModel, table=True):
    """An institution built (建章立制) in the rectification."""

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    title: str


class AccountabilityCase(SQLModel, table=True):
    """Accountability (问责): people talked to, admonished or disciplined (约谈, 诫勉, 处分)."""

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    kind: str
    count: int
    text: str = ""


class Extension(SQLModel, table=True):
    """A granted extension of one measure's due date; the plan's date stays on the measure."""

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    previous_due: dt.date
    new_due: dt.date
    reason: str


class Review(SQLModel, table=True):
    """回头看: a closed problem re-checked for relapse (反弹回潮)."""

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    outcome: str  # "sustained" | "relapsed"
    note: str = ""
    new_due: dt.date | None = None  # relapsed: the reopened problem's deadline (relapse_due)


class AuditEvent(SQLModel, table=True):
    """Append-only: every action, done or refused, with its reason."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = instant_column(nullable=False, index=True)
    recorded_at: dt.datetime = instant_column(nullable=False)
    inspection_id: str | None = Field(default=None, index=True)
    actor: str | None = None
    action: str
    subject: str | None = None
    outcome: str  # "done" | "refused"
    code: str | None = None
    reason: str | None = None
    details: dict = json_column(dict)
    prev_hash: str | None = None  # the hash of the event before it: the chain
    hash: str | None = None  # sha256 of this event's content and prev_hash


class CalendarDay(SQLModel, table=True):
    """An office-edited calendar day: a holiday or an adjusted workday (调休)."""

    day: dt.date = Field(primary_key=True)
    is_workday: bool
    name: str = ""


class CalendarYear(SQLModel, table=True):
    """A year the office has described with a holiday file."""

    year: int = Field(primary_key=True)
    source: str = ""
    loaded_at: dt.datetime = instant_column(nullable=False)
