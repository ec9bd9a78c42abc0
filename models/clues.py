"""The confidential problem-clue register's tables (问题线索)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables import instant_column, json_column

# Confidential. Read and written only through rectify.clues, whose service checks the actor and
# audits every access, and by the clue watch (tasks/clues.py), which reports counts only; no
# report, status, ledger, dispatch sheet or artifact reads these tables.


class ClueBody(SQLModel, table=True):
    """A receiving body (承办单位): a discipline body (纪委监委) or an organisation department
    (组织部), and the one contact person who receives its clue notices."""

    __table_args__ = (UniqueConstraint("inspection_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    key: str
    name: str
    kind: str  # "discipline" | "organisation"
    contact_key: str
    contact_name: str
    contacts: list = json_column()


class ClueReader(SQLModel, table=True):
    """A person of the inspection explicitly authorised, besides the office, to see and handle
    its clues."""

    __table_args__ = (UniqueConstraint("inspection_id", "person_key"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    person_key: str


class Clue(SQLModel, table=True):
    """问题线索: registered → transferred (移交) with a handling deadline (限期办结) → closed when
    the body's result is fed back (办理结果反馈). Its number, summary and feedback note are
    stored sealed (``rectify.clues.sealing``); ``digest``, a keyed digest of the number, is
    what it is looked up by."""

    __table_args__ = (
        UniqueConstraint("inspection_id", "number"),  # sealed: always unique, kept from 0003
        Index("ix_clue_inspection_id_digest", "inspection_id", "digest", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    digest: str
    number: str  # sealed
    clue_class: str  # "further" | "attention" | "reference"
    summary: str  # sealed
    registered_on: dt.date
    registered_at: dt.datetime = instant_column(nullable=False)
    transfer_due: dt.date | None = None  # to be transferred by then (the file's transfer_within)
    state: str = "registered"  # "registered" | "transferred" | "closed"
    body_id: int | None = Field(default=None, foreign_key="cluebody.id")
    transferred_at: dt.datetime | None = instant_column(nullable=True)
    transferred_by: str | None = None
    due: dt.date | None = None
    original_due: dt.date | None = None  # the deadline given at transfer, kept after extensions
    feedback_at: dt.datetime | None = instant_column(nullable=True)
    feedback_by: str | None = None
    disposal: str | None = None
    feedback_note: str | None = None  # sealed


class ClueExtension(SQLModel, table=True):
    """A granted extension of one clue's handling deadline, with its reason."""

    id: int | None = Field(default=None, primary_key=True)
    clue_id: int = Field(foreign_key="clue.id", index=True)
    at: dt.datetime = instant_column(nullable=False)
    by: str
    previous_due: dt.date
    new_due: dt.date
    reason: str  # sealed
