"""Who is told what about problem clues (问题线索督办), and the wording, pure.

Reminders climb the measures' ladder (``rectify.problems.rules.escalation``) on the
inspection's reminder days and go only to the receiving body's contact person and, once the
clue is overdue, to the office's clue keepers (role ``clues``); a registered clue not yet
transferred is chased the same way, green, yellow and red towards its transfer deadline, to
the clue keepers alone. Never to the inspected unit's people. A notice names a clue's number,
class, body and deadline, never what the clue says.

The problem notices' renderer (``rectify.notices.render``) heads every notice with the unit
and the round and words its items as problems; clue notices name no unit in their subject
and word their items as clues, so they have their own renderer here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from rectify.clues.rules import (
    CLASS_LABELS,
    BodyView,
    ClueState,
    ClueView,
    mark_subject,
    supervision_cycles,
)
from rectify.notices.planning import Digests, Item, Mark, NoticePlan, is_new_level, step_label
from rectify.problems.rules.escalation import LEVEL_LABELS, Level, escalation_level


def clue_notices(
    *,
    clues: Iterable[ClueView],
    bodies: Mapping[str, BodyView],
    office: Iterable[str],
    reminders: tuple[int, int],
    supervision_day: int,
    marks: set[Mark],
    today: dt.date,
) -> tuple[list[NoticePlan], list[Mark]]:
    """The day's clue notices: green and yellow to the body's contact person, each once per
    deadline; red (overdue) to the contact person and the office's clue keepers (``office``),
    once when it turns red and again on every monthly supervision day until the result is fed
    back, the step rising (督办 → 提级督办 → 约谈提醒) with each cycle. A registered clue is
    chased towards its transfer deadline, each level once, to the clue keepers."""
    digests = Digests()
    new_marks: list[Mark] = []
    office = sorted(office)
    for clue in clues:
        if clue.state is ClueState.REGISTERED:
            _untransferred(clue, office, reminders, marks, today, digests, new_marks)
            continue
        if clue.state is not ClueState.TRANSFERRED or clue.due is None or clue.body is None:
            continue
        level = escalation_level(clue.due, today, reminders)
        subject = mark_subject(clue)
        new = is_new_level(subject, clue.due, level, marks)
        cycles = supervision_cycles(clue.due, today, supervision_day)
        monthly = level is Level.RED and today.day == supervision_day and cycles > 0
        if not new and not monthly:
            continue
        assert level is not None
        if new:
            new_marks.append(Mark(subject, clue.due, level))
        note = ""
        if level is Level.RED:
            note = f"已超期{(today - clue.due).days}天"
            if monthly:
                note += f"，第{cycles}次{step_label(cycles)}"
        body = bodies[clue.body]
        item = Item(clue.number, CLASS_LABELS[clue.clue_class], body.name, clue.due, level, note)
        if level is Level.RED:
            digests.add("clue_overdue", body.contact, "clue_contact", item)
            for key in office:
                digests.add("clue_overdue", key, OFFICE_ROLE, item)
        else:
            digests.add("clue_reminder", body.contact, "clue_contact", item)
    return digests.plans(), new_marks


# The role under which the office's clue keepers receive clue notices.
OFFICE_ROLE = "office_clues"


def _untransferred(
    clue: ClueView,
    office: list[str],
    reminders: tuple[int, int],
    marks: set[Mark],
    today: dt.date,
    digests: Digests,
    new_marks: list[Mark],
) -> None:
    """A registered clue's reminder towards its transfer deadline, each level once."""
    if clue.transfer_due is None:
        return
    level = escalation_level(clue.transfer_due, today, reminders)
    subject = mark_subject(clue, "transfer")
    if not is_new_level(subject, clue.transfer_due, level, marks):
        return
    assert level is not None
    new_marks.append(Mark(subject, clue.transfer_due, level))
    late = (today - clue.transfer_due).days
    note = f"已超过移交期限{late}天" if level is Level.RED else ""
    item = Item(clue.number, CLASS_LABELS[clue.clue_class], "", clue.transfer_due, level, note)
    for key in office:
        digests.add("clue_untransferred", key, OFFICE_ROLE, item)


def undelivered_notice(office: Iterable[str], failures: list[str]) -> list[NoticePlan]:
    """Clue notices that could not be delivered, told to the office (and only to it)."""
    if not failures:
        return []
    return [
        NoticePlan(kind="clue_undelivered", to=key, role=OFFICE_ROLE, lines=list(failures))
        for key in sorted(office)
    ]


NOTICE_TITLES = {
    "clue_reminder": "问题线索限期办结提醒",
    "clue_overdue": "问题线索超期未办结督办",
    "clue_undelivered": "问题线索通知未送达",
    "clue_untransferred": "问题线索待移交提醒",
}
_INTROS = {
    ("clue_reminder", "clue_contact"): "以下移交贵单位办理的问题线索临近限期办结时间，"
    "请按期办结并反馈办理结果：",
    ("clue_overdue", "clue_contact"): "以下移交贵单位办理的问题线索已超过限期办结时间，"
    "尚未收到办理结果反馈，请抓紧办结并反馈：",
    ("clue_overdue", "office_clues"): "以下问题线索已超过限期办结时间，尚未收到办理结果反馈，"
    "请督促承办单位办结：",
    (
        "clue_undelivered",
        "office_clues",
    ): "以下问题线索通知未能送达，请核实承办单位联系人的联系方式：",
    ("clue_untransferred", "office_clues"): "以下问题线索已登记，尚未移交承办单位，"
    "请在移交期限前移交：",
}


def render_clue_notice(plan: NoticePlan, *, name: str, today: dt.date) -> tuple[str, str]:
    """(subject, body): clue numbers, class, body and deadline for the addressee, nothing of
    what a clue says; the subject names no clue at all."""
    level = f"【{LEVEL_LABELS[plan.level]}】" if plan.level else ""
    subject = f"{level}{NOTICE_TITLES[plan.kind]}"
    lines = [f"{name}同志：", _INTROS[(plan.kind, plan.role)]]
    lines += [f"  {line}" for line in plan.lines]
    for n, item in enumerate(plan.items, start=1):
        text = f"{n}. 线索{item.ref}（{item.title}），承办：{item.text}，限期办结：{item.due}"
        if plan.kind == "clue_untransferred":
            text = f"{n}. 线索{item.ref}（{item.title}），移交期限：{item.due}"
        if item.level:
            text += f"（{LEVEL_LABELS[item.level]}）"
        if item.note:
            text += f"，{item.note}"
        lines.append(text)
    lines += ["巡察工作领导小组办公室", today.isoformat()]
    return subject, "\n".join(lines) + "\n"
