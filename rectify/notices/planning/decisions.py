"""A decision overdue (销号审核逾期): an application for sign-off the office has not decided
within the policy's days to decide (``decision_days``) is told to the office's head
(巡察办负责人, role ``head``) — or, when the office names no head, to its supervisors — once
per application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rectify.notices.planning.common import Digests, Item, Mark, office_supervisors
from rectify.problems.rules.escalation import Level
from rectify.problems.rules.views import PersonView


@dataclass(frozen=True)
class AwaitingDecision:
    """An application still undecided, and the last day to decide it."""

    application_id: int
    ref: str
    title: str
    applied_on: dt.date
    decide_by: dt.date


def office_heads(people: Mapping[str, PersonView]) -> tuple[list[str], str]:
    """Who a late decision is told to, and in which role: the office's heads, else its
    supervisors."""
    heads = sorted(k for k, p in people.items() if p.is_office and "head" in p.roles)
    if heads:
        return heads, "office_head"
    return office_supervisors(people), "office_supervisor"


def decision_overdue(
    digests: Digests,
    awaiting: Iterable[AwaitingDecision],
    people: Mapping[str, PersonView],
    marks: set[Mark],
    today: dt.date,
) -> list[Mark]:
    """Each application past its day to decide and not yet told, to the office's head(s):
    one digest per person listing them all, red. Nothing without anybody to tell."""
    to, role = office_heads(people)
    new: list[Mark] = []
    for a in sorted(awaiting, key=lambda a: (a.decide_by, a.ref, a.application_id)):
        mark = Mark(f"decide:{a.application_id}", a.decide_by, Level.RED)
        if today <= a.decide_by or not to or mark in marks:
            continue
        text = f"{a.applied_on}申请销号，应于{a.decide_by}前审核，至今未作决定"
        item = Item(a.ref, a.title, text, a.decide_by, Level.RED)
        digests.add_to_all("decision_overdue", to, role, item)
        new.append(mark)
    return new
