"""The rules of problem clues (问题线索), pure: plain data and a date in, a decision out.

An inspection hands clues about individuals to a discipline body (纪委监委) or an organisation
department (组织部), classed 进一步了解关注类 / 了解关注类 / 参考类, each with a handling deadline
(限期办结) and a required result (办理结果反馈)::

    registered (已登记, to be transferred within ``transfer_within`` days) → transferred (已移交) → closed (已反馈办结)

The deadline may be extended with a reason; a clue is overdue from the day after its deadline
while no result has come back. Only the office's clue keepers (巡察办, role ``clues``), the
office staff it names as readers and, for its own clues, a receiving body's contact see them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from rectify.core.errors import Refusal
from rectify.core.transitions import step_in_table
from rectify.problems.rules.escalation import is_overdue
from rectify.problems.rules.views import PersonView


class ClueClass(StrEnum):
    """A clue's class (线索分类)."""

    FURTHER = "further"
    ATTENTION = "attention"
    REFERENCE = "reference"


CLASS_LABELS = {
    ClueClass.FURTHER: "进一步了解关注类",
    ClueClass.ATTENTION: "了解关注类",
    ClueClass.REFERENCE: "参考类",
}


class BodyKind(StrEnum):
    """The kind of a receiving body (承办单位)."""

    DISCIPLINE = "discipline"
    ORGANISATION = "organisation"


BODY_KIND_LABELS = {BodyKind.DISCIPLINE: "纪委监委", BodyKind.ORGANISATION: "组织部"}


class ClueState(StrEnum):
    """Where a clue stands."""

    REGISTERED = "registered"
    TRANSFERRED = "transferred"
    CLOSED = "closed"


STATE_LABELS = {
    ClueState.REGISTERED: "已登记待移交",
    ClueState.TRANSFERRED: "已移交办理中",
    ClueState.CLOSED: "已反馈办结",
}


class Disposal(StrEnum):
    """How the body disposed of the clue (处置方式), as fed back."""

    TALK = "talk"
    VERIFY = "verify"
    CASE = "case"
    SHELVE = "shelve"
    DISMISS = "dismiss"
    ORGANISATIONAL = "organisational"


DISPOSAL_LABELS = {
    Disposal.TALK: "谈话函询",
    Disposal.VERIFY: "初步核实",
    Disposal.CASE: "立案审查调查",
    Disposal.SHELVE: "暂存待查",
    Disposal.DISMISS: "予以了结",
    Disposal.ORGANISATIONAL: "组织处理",
}


class ClueStep(StrEnum):
    """A step of a clue's lifecycle."""

    TRANSFER = "transfer"
    EXTEND = "extend"
    FEEDBACK = "feedback"


_STEPS: dict[ClueStep, dict[ClueState, ClueState]] = {
    ClueStep.TRANSFER: {ClueState.REGISTERED: ClueState.TRANSFERRED},
    ClueStep.EXTEND: {ClueState.TRANSFERRED: ClueState.TRANSFERRED},
    ClueStep.FEEDBACK: {ClueState.TRANSFERRED: ClueState.CLOSED},
}
_WHY_NOT = {
    ClueStep.TRANSFER: "只有已登记、尚未移交的线索可以移交",
    ClueStep.EXTEND: "只有已移交、尚未反馈办理结果的线索可以延长办结期限",
    ClueStep.FEEDBACK: "只有已移交、尚未反馈的线索可以登记办理结果",
}


def next_clue_state(state: ClueState, step: ClueStep) -> ClueState:
    """The state after ``step``, or a ``Refusal`` if it is illegal from ``state``."""
    return step_in_table(_STEPS, _WHY_NOT, STATE_LABELS, state, step)


ACTION_LABELS = {
    "clue_import": "导入问题线索",
    "clue_list": "查阅问题线索",
    "clue_transfer": "移交问题线索",
    "clue_extend": "延长问题线索办结期限",
    "clue_feedback": "登记问题线索办理结果",
}


@dataclass(frozen=True)
class ClueAccess:
    """Which clues an actor may see: every clue (the office's clue keepers and the office
    staff it names as readers) or those transferred to the bodies the actor is contact of."""

    everything: bool
    bodies: frozenset[str] = frozenset()

    def sees(self, clue: ClueView) -> bool:
        """Whether this actor may see (and act on) ``clue``."""
        return self.everything or (clue.body is not None and clue.body in self.bodies)


# What a receiving body's contact person may do with the clues transferred to the body.
CONTACT_ACTIONS = frozenset({"clue_list", "clue_feedback"})


def check_clue_actor(
    action: str,
    actor: PersonView | None,
    readers: Collection[str],
    contact_of: Collection[str] = (),
) -> ClueAccess:
    """Clues are the office's alone: its staff with the role ``clues`` may do everything, the
    office staff named as readers everything but import; a receiving body's contact person
    (``contact_of``: the bodies whose contact the actor is, when not one of the inspection's
    people) may read and record the result of the clues transferred to the body. Every person
    of the inspected unit is refused, whatever roles they hold."""
    if actor is not None:
        if actor.is_office and (
            "clues" in actor.roles or (action != "clue_import" and actor.key in readers)
        ):
            return ClueAccess(everything=True)
        who = "巡察办人员" if actor.is_office else "被巡察单位人员"
        raise Refusal(
            "not_permitted",
            f"{actor.name}（{actor.key}）是{who}，无权{ACTION_LABELS[action]}："
            "问题线索只由巡察办负责线索管理（clues）的人员经办",
        )
    if contact_of and action in CONTACT_ACTIONS:
        return ClueAccess(everything=False, bodies=frozenset(contact_of))
    if contact_of:
        raise Refusal(
            "not_permitted",
            f"承办单位联系人只能查阅移交本单位的问题线索并登记办理结果，无权{ACTION_LABELS[action]}",
        )
    raise Refusal("unknown_person", "操作人不在本次巡察的人员名单中")


@dataclass(frozen=True)
class ClueView:
    """A clue as the rules see it."""

    number: str
    clue_class: ClueClass
    state: ClueState
    registered_on: dt.date
    body: str | None = None  # the receiving body's key, once transferred
    transferred_on: dt.date | None = None
    due: dt.date | None = None
    transfer_due: dt.date | None = None  # a registered clue is to be transferred by then
    digest: str = ""  # the keyed digest of the number: what reminder marks name

    def overdue(self, today: dt.date) -> bool:
        """Past its deadline with no result fed back."""
        return self.state is ClueState.TRANSFERRED and is_overdue(self.due, today)


@dataclass(frozen=True)
class BodyView:
    """A receiving body (承办单位) as the rules see it."""

    key: str
    name: str
    contact: str  # the contact person's key: the only one of the body who is told


def check_transfer(clue: ClueView, *, on: dt.date, due: dt.date) -> ClueState:
    """transfer — 移交: the state after it, or a ``Refusal`` for its dates."""
    state = next_clue_state(clue.state, ClueStep.TRANSFER)
    if on < clue.registered_on:
        raise Refusal("before_registration", f"移交日期 {on} 早于线索登记日期 {clue.registered_on}")
    if due <= on:
        raise Refusal("due_not_after_transfer", f"限期办结日期 {due} 须晚于移交日期 {on}")
    return state


def check_extension(clue: ClueView, *, new_due: dt.date, reason: str) -> ClueState:
    """extend — 延长办结期限: a reason and a later deadline, or a ``Refusal``."""
    state = next_clue_state(clue.state, ClueStep.EXTEND)
    if not reason.strip():
        raise Refusal("missing_reason", "延长办结期限须说明理由")
    if clue.due is not None and new_due <= clue.due:
        raise Refusal("not_later", f"新期限 {new_due} 不晚于现有办结期限 {clue.due}")
    return state


def check_feedback(clue: ClueView, *, on: dt.date) -> ClueState:
    """feedback — 办理结果反馈: not before the transfer, or a ``Refusal``."""
    state = next_clue_state(clue.state, ClueStep.FEEDBACK)
    if clue.transferred_on is not None and on < clue.transferred_on:
        raise Refusal("before_transfer", f"反馈日期 {on} 早于移交日期 {clue.transferred_on}")
    return state


def supervision_cycles(due: dt.date, today: dt.date, supervision_day: int) -> int:
    """How many monthly supervision days (督办日) fell after ``due``, up to ``today``."""
    count = 0
    year, month = due.year, due.month
    while (year, month) <= (today.year, today.month):
        if due < dt.date(year, month, supervision_day) <= today:
            count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count


MARK_PREFIX = "clue:"


def mark_subject(clue: ClueView, what: str = "") -> str:
    """The subject of a clue's reminder marks (see ``rectify.notices.planning.Mark``): its
    digest, never its number, when it has one; ``what`` tells the transfer deadline's marks
    from the handling deadline's."""
    return MARK_PREFIX + (clue.digest or clue.number) + (f":{what}" if what else "")
