"""What every flow's planning shares: the plan of one digest (NoticePlan), its lines (Item),
the collector of one digest per person and kind (Digests), and the reminder marks (Mark)
that keep each level of a deadline from being told twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from rectify.problems.rules.escalation import Level
from rectify.problems.rules.views import PersonView

LEVEL_ORDER = [Level.GREEN, Level.YELLOW, Level.RED]


def higher(a: Level | None, b: Level | None) -> Level | None:
    """The higher of two escalation levels (提级), either of them possibly None."""
    if a is None or b is None:
        return a or b
    return max(a, b, key=LEVEL_ORDER.index)


@dataclass(frozen=True)
class Item:
    """One line of a digest."""

    ref: str
    title: str
    text: str = ""
    due: dt.date | None = None
    level: Level | None = None
    note: str = ""
    due_label: str = "时限"  # how the digest names ``due``: 时限, or 检查节点 (long-term)


CHECKPOINT = "检查节点"
"""The ``due_label`` of a long-term item: its checkpoint (检查节点)."""


@dataclass
class NoticePlan:
    """One digest for one person of one kind (a notice — 通知), before it is rendered."""

    kind: str
    to: str
    role: str
    level: Level | None = None
    items: list[Item] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # summary lines (counts, failures)

    @property
    def problems(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.items:
            seen.setdefault(item.ref)
        return list(seen)


class Digests:
    """Collects items into one plan per (person, kind)."""

    def __init__(self) -> None:
        self._plans: dict[tuple[str, str], NoticePlan] = {}

    def add(
        self, kind: str, to: str, role: str, item: Item | None = None, level: Level | None = None
    ) -> NoticePlan:
        plan = self._plans.setdefault((to, kind), NoticePlan(kind=kind, to=to, role=role))
        if item is not None and item not in plan.items:
            plan.items.append(item)
        plan.level = higher(
            plan.level, level if level is not None else (item.level if item else None)
        )
        return plan

    def add_to_all(self, kind: str, people: list[str], role: str, item: Item) -> None:
        """The same item to each of ``people`` in one role."""
        for key in people:
            self.add(kind, key, role, item)

    def plans(self) -> list[NoticePlan]:
        return sorted(self._plans.values(), key=lambda p: (p.kind, p.to))


def with_role(people: Mapping[str, PersonView], role: str) -> list[str]:
    """The keys of the unit's people holding ``role``, sorted."""
    return sorted(
        key for key, person in people.items() if role in person.roles and not person.is_office
    )


def office_supervisors(people: Mapping[str, PersonView]) -> list[str]:
    """The keys of the inspection office's supervisors (巡察办督查人员), sorted: the office's
    side only, never a person of the unit."""
    return sorted(
        key for key, person in people.items() if person.is_office and "supervisor" in person.roles
    )


@dataclass(frozen=True)
class Mark:
    """A reminder already given: (subject, due, level). Subjects: ``plan``,
    ``m:<ref>:<position>`` (a measure), ``cp:<ref>`` (a long-term checkpoint), ``report``
    (the centralised period over), ``rectification_report`` (the 整改报告 due),
    ``apply:<id>`` and ``return:<id>`` (a sign-off application or return, told once)."""

    subject: str
    due: dt.date
    level: Level


def is_new_level(subject: str, due: dt.date, level: Level | None, marks: set[Mark]) -> bool:
    """True when ``level`` is reached and neither it nor a higher one was given for ``due``."""
    if level is None:
        return False
    reached = LEVEL_ORDER[LEVEL_ORDER.index(level) :]
    return not any(Mark(subject, due, lv) in marks for lv in reached)
