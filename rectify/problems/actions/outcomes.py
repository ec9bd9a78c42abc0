"""What a rectification came to, as the unit records it on the inspection: the meetings it
held (党组会, 专题民主生活会, 整改推进会), the institutions it built (建章立制) and the people it
held accountable (问责: 约谈, 诫勉, 处分 …). The unit's leader or office records them; the
kind and count were checked when the action was read (kinds.py)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, SQLModel

from models import AccountabilityCase, Inspection, Institution, Meeting
from rectify.core.errors import Refusal
from rectify.problems.actions.kinds import RecordAccountability, RecordInstitution, RecordMeeting
from rectify.problems.rules.permissions import check_actor
from rectify.problems.rules.views import PersonView

OutcomeAction = RecordMeeting | RecordInstitution | RecordAccountability
OUTCOME_ACTIONS = (RecordMeeting, RecordInstitution, RecordAccountability)
"""The actions that record an outcome on the inspection, not on one problem."""


def record_outcome(
    session: Session,
    inspection: Inspection,
    action: OutcomeAction,
    actor: PersonView | None,
    at: dt.datetime,
    today: dt.date,
) -> str:
    """Record ``action``'s outcome at ``at`` and say what was recorded, or raise the
    ``Refusal`` that forbids it (before writing anything)."""
    check_actor(action.kind, actor)
    row, message = _row(action, {"inspection_id": inspection.id, "at": at, "by": action.by})
    session.add(row)
    return f"{message}（{today}）"


def _row(action: OutcomeAction, on: dict) -> tuple[SQLModel, str]:
    """The row to write (``on``: its inspection, instant and author) and the message."""
    if isinstance(action, RecordMeeting):
        title = _required(action.title, "会议名称（--title）")
        row = Meeting(kind=action.meeting_kind, title=title, **on)
        return row, f"已记录{action.meeting_kind}：{title}"
    if isinstance(action, RecordInstitution):
        title = _required(action.title, "制度名称（--title）")
        return Institution(title=title, **on), f"已记录建章立制：{title}"
    row = AccountabilityCase(kind=action.case_kind, count=action.count, text=action.text, **on)
    return row, f"已记录问责：{action.case_kind}{action.count}人"


def _required(title: str, what: str) -> str:
    if not title:
        raise Refusal("missing_title", f"请填写{what}")
    return title
