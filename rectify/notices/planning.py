"""Who is told what, and when: the notices each scheduled run owes.

Every function takes plain data and a date and returns plans; nothing here sends or stores.
A plan is one digest for one person of one kind: never one message per measure.

The ladder (提级): green (first reminder) → the responsible person (责任人); yellow (second
reminder) → also the responsible leader (责任领导); red (overdue) → also the lead leader
(牵头领导); monthly supervision (每月督办) of red items → also the leader (组长), with a step
that rises with each cycle an item stays overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rectify.core.states import OPEN_STATES, ProblemState
from rectify.problems.rules.escalation import Level, escalation_level, is_overdue
from rectify.problems.rules.views import PersonView, ProblemView

LEVEL_ORDER = [Level.GREEN, Level.YELLOW, Level.RED]
SUPERVISION_STEPS = {1: "督办", 2: "提级督办", 3: "约谈提醒"}


def step_label(cycles: int) -> str:
    return SUPERVISION_STEPS[min(cycles, 3)]


def higher(a: Level | None, b: Level | None) -> Level | None:
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


@dataclass
class NoticePlan:
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

    def plans(self) -> list[NoticePlan]:
        return sorted(self._plans.values(), key=lambda p: (p.kind, p.to))


def with_role(people: Mapping[str, PersonView], role: str) -> list[str]:
    return sorted(key for key, person in people.items() if role in person.roles)


# ---------------------------------------------------------------- daily deadline watch


@dataclass(frozen=True)
class Mark:
    """A reminder already given: (subject, due, level). Subjects: ``plan``,
    ``m:<ref>:<position>`` (a measure), ``cp:<ref>`` (a long-term checkpoint), ``report``."""

    subject: str
    due: dt.date
    level: Level


def _new_level(subject: str, due: dt.date, level: Level | None, marks: set[Mark]) -> bool:
    """True when ``level`` is reached and neither it nor a higher one was given for ``due``."""
    if level is None:
        return False
    reached = LEVEL_ORDER[LEVEL_ORDER.index(level) :]
    return not any(Mark(subject, due, lv) in marks for lv in reached)


def deadline_watch(
    *,
    problems: Iterable[ProblemView],
    people: Mapping[str, PersonView],
    plan_due: dt.date,
    plan_approved_on: dt.date | None,
    centralised_end: dt.date | None,
    reminders: tuple[int, int],
    marks: set[Mark],
    today: dt.date,
) -> tuple[list[NoticePlan], list[Mark]]:
    digests = Digests()
    new_marks: list[Mark] = []
    leaders, office = with_role(people, "leader"), with_role(people, "office")

    if plan_approved_on is None:
        level = escalation_level(plan_due, today, reminders)
        if _new_level("plan", plan_due, level, marks):
            assert level is not None
            new_marks.append(Mark("plan", plan_due, level))
            item = Item(
                "", "整改方案", f"整改方案须于{plan_due}前经党组会议审议通过", plan_due, level
            )
            if level is Level.RED:
                for key in leaders:
                    digests.add("plan_overdue", key, "leader", item)
                for key in office:
                    digests.add("plan_overdue", key, "office", item)
            else:
                for key in leaders:
                    digests.add("plan_reminder", key, "leader", item)

    for problem in problems:
        if problem.state in OPEN_STATES:
            for m in problem.measures:
                level = escalation_level(m.due, today, reminders)
                subject = f"m:{problem.ref}:{m.position}"
                if m.due is None or not _new_level(subject, m.due, level, marks):
                    continue
                new_marks.append(Mark(subject, m.due, level))
                item = Item(problem.ref, problem.title, m.text, m.due, level)
                kind = "overdue" if level is Level.RED else "due_reminder"
                digests.add(kind, m.responsible_person, "responsible_person", item)
                if level in (Level.YELLOW, Level.RED):
                    digests.add(kind, m.responsible_leader, "responsible_leader", item)
                if level is Level.RED:
                    digests.add(kind, m.lead_leader, "lead_leader", item)
        elif problem.state is ProblemState.LONG_TERM and problem.checkpoint:
            level = escalation_level(problem.checkpoint, today, reminders)
            subject = f"cp:{problem.ref}"
            if not _new_level(subject, problem.checkpoint, level, marks):
                continue
            assert level is not None
            new_marks.append(Mark(subject, problem.checkpoint, level))
            note = (
                "检查节点已过,请评估阶段目标完成情况"
                if level is Level.RED
                else "长期整改检查节点临近"
            )
            item = Item(problem.ref, problem.title, note, problem.checkpoint, level)
            for m in problem.measures:
                digests.add("due_reminder", m.responsible_person, "responsible_person", item)
                digests.add("due_reminder", m.lead_leader, "lead_leader", item)

    if centralised_end is not None and today >= centralised_end:
        mark = Mark("report", centralised_end, Level.RED)
        if mark not in marks:
            new_marks.append(mark)
            item = Item(
                "",
                "集中整改期满",
                f"集中整改期已于{centralised_end}届满,请形成整改进展情况报告并按要求公开通报",
            )
            for key in leaders:
                digests.add("report", key, "leader", item)
            for key in office:
                digests.add("report", key, "office", item)
    return digests.plans(), new_marks


# ---------------------------------------------------------------- half-monthly dispatch


@dataclass(frozen=True)
class SheetRow:
    ref: str
    title: str
    state: str
    last_progress: str
    last_progress_on: dt.date | None
    next_due: dt.date | None
    days_to_due: int | None
    flagged: bool  # open, and no progress since the previous dispatch


def dispatch_sheet(
    problems: Iterable[ProblemView],
    last_progress: Mapping[str, tuple[dt.date, str]],
    previous_dispatch: dt.date | None,
    today: dt.date,
) -> list[SheetRow]:
    from rectify.core.states import STATE_LABELS

    rows = []
    for p in problems:
        progress_on, progress_text = last_progress.get(p.ref, (None, ""))
        dues = [m.due for m in p.measures if m.due is not None]
        open_ = p.state in OPEN_STATES
        pending = [d for d in dues if d >= today]
        next_due = min(pending) if pending else (max(dues) if dues and open_ else None)
        if p.state is ProblemState.LONG_TERM:
            next_due = p.checkpoint
        since = previous_dispatch
        flagged = open_ and (progress_on is None or (since is not None and progress_on <= since))
        rows.append(
            SheetRow(
                ref=p.ref,
                title=p.title,
                state=STATE_LABELS[p.state],
                last_progress=progress_text,
                last_progress_on=progress_on,
                next_due=next_due if p.state is not ProblemState.CLOSED else None,
                days_to_due=(next_due - today).days
                if next_due and p.state is not ProblemState.CLOSED
                else None,
                flagged=flagged,
            )
        )
    return rows


def dispatch_notices(
    *,
    problems: list[ProblemView],
    sheet: list[SheetRow],
    people: Mapping[str, PersonView],
    department_heads: Mapping[str, str],
    reminders: tuple[int, int],
    today: dt.date,
    failures: list[str],
) -> list[NoticePlan]:
    digests = Digests()
    rows = {row.ref: row for row in sheet}
    for p in problems:
        if p.state is ProblemState.CLOSED:
            continue
        row = rows[p.ref]
        note = "自上次调度以来无进展" if row.flagged else ""
        for m in p.measures:
            level = escalation_level(m.due, today, reminders) if p.state in OPEN_STATES else None
            item = Item(p.ref, p.title, m.text, m.due if m.due else p.checkpoint, level, note)
            digests.add("dispatch", m.responsible_person, "responsible_person", item)
            head = department_heads.get(m.department)
            if head and head != m.responsible_person:
                digests.add("dispatch", head, "department_head", item)
    open_rows = [r for r in sheet if r.state not in ("已销号",)]
    summary = [
        f"问题共{len(sheet)}个:已销号{sum(r.state == '已销号' for r in sheet)}个,"
        f"需长期整改{sum(r.state == '需长期整改' for r in sheet)}个,仍在推进{len(open_rows) - sum(r.state == '需长期整改' for r in sheet)}个",
        f"自上次调度以来无进展的问题{sum(r.flagged for r in sheet)}个",
        f"已超期的问题{sum(1 for p in problems if p.state in OPEN_STATES and any(is_overdue(m.due, today) for m in p.measures))}个",
    ]
    if failures:
        summary.append(f"有{len(failures)}条通知发送失败,请整改办核实:" + ";".join(failures))
    for key in with_role(people, "deputy"):
        plan = digests.add("dispatch", key, "deputy")
        plan.lines = summary
        for r in sheet:
            if r.flagged:
                plan.items.append(Item(r.ref, r.title, "自上次调度以来无进展", r.next_due))
    plans = digests.plans()
    for plan in plans:
        plan.level = None  # a dispatch is a routine digest, not an escalation
    return plans


# ---------------------------------------------------------------- monthly supervision


def supervision(
    *,
    problems: list[ProblemView],
    people: Mapping[str, PersonView],
    last_progress: Mapping[str, tuple[dt.date, str]],
    previous_supervision: dt.date | None,
    previous_cycles: Mapping[str, int],
    reminders: tuple[int, int],
    today: dt.date,
    failures: list[str],
) -> tuple[list[NoticePlan], dict[str, int]]:
    """Supervision notices and each problem's consecutive overdue cycles after this run."""
    digests = Digests()
    cycles: dict[str, int] = {}
    leaders, office = with_role(people, "leader"), with_role(people, "office")
    lagging_count = overdue_count = 0
    for p in problems:
        if p.state not in OPEN_STATES:
            continue
        overdue = any(is_overdue(m.due, today) for m in p.measures)
        progress_on = last_progress.get(p.ref, (None, ""))[0]
        stale = progress_on is None or (
            previous_supervision is not None and progress_on <= previous_supervision
        )
        levels = [escalation_level(m.due, today, reminders) for m in p.measures]
        near = any(lv is Level.YELLOW for lv in levels)
        if overdue:
            cycles[p.ref] = previous_cycles.get(p.ref, 0) + 1
            overdue_count += 1
            note = f"已超期,第{cycles[p.ref]}次{step_label(cycles[p.ref])}"
            for m in p.measures:
                if not is_overdue(m.due, today):
                    continue
                item = Item(p.ref, p.title, m.text, m.due, Level.RED, note)
                digests.add("supervision", m.responsible_leader, "responsible_leader", item)
                digests.add("supervision", m.lead_leader, "lead_leader", item)
                for key in leaders:
                    digests.add("supervision", key, "leader", item)
        elif near or stale:
            lagging_count += 1
            note = "临近整改时限" if near else "本月无整改进展"
            for m in p.measures:
                item = Item(p.ref, p.title, m.text, m.due, Level.YELLOW, note)
                digests.add("supervision", m.responsible_leader, "responsible_leader", item)
    summary = [f"本次督办:滞后问题{lagging_count}个,超期问题{overdue_count}个"]
    summary += [
        f"问题{ref}连续{n}个督办周期超期({step_label(n)})"
        for ref, n in sorted(cycles.items())
        if n >= 2
    ]
    if failures:
        summary.append(f"有{len(failures)}条通知发送失败,请核实:" + ";".join(failures))
    for key in office:
        plan = digests.add("supervision", key, "office", level=Level.RED if overdue_count else None)
        plan.lines = summary
    return digests.plans(), cycles


# ---------------------------------------------------------------- 回头看 review


@dataclass(frozen=True)
class ClosedProblem:
    problem: ProblemView
    closed_on: dt.date
    review_due: dt.date
    assigned: bool  # a reviewer was already assigned for this closing


def review_assignments(
    closed: Iterable[ClosedProblem], people: Mapping[str, PersonView], today: dt.date
) -> tuple[list[NoticePlan], dict[str, str]]:
    """Assign each closed problem whose review is due to a reviewer who is not its
    responsible person, spreading the work; announce to the reviewers and the office."""
    digests = Digests()
    reviewers = with_role(people, "reviewer")
    load: dict[str, int] = defaultdict(int)
    assigned: dict[str, str] = {}
    for c in sorted(closed, key=lambda c: (c.review_due, c.problem.ref)):
        if c.assigned or today < c.review_due:
            continue
        eligible = [r for r in reviewers if r not in c.problem.responsible_people]
        if not eligible:
            continue
        reviewer = min(eligible, key=lambda r: (load[r], r))
        load[reviewer] += 1
        assigned[c.problem.ref] = reviewer
        item = Item(
            c.problem.ref,
            c.problem.title,
            f"{c.closed_on}销号,回头看已到期",
            c.review_due,
            None,
            f"审核人:{people[reviewer].name}",
        )
        digests.add("review_due", reviewer, "reviewer", item)
        for key in with_role(people, "office"):
            if key != reviewer:
                digests.add("review_due", key, "office", item)
    return digests.plans(), assigned
