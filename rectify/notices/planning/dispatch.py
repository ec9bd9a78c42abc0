"""The half-monthly dispatch (每半月调度): the dispatch sheet of a unit (one row per problem,
flagged when open and without progress since the previous dispatch), one digest per
responsible person (责任人) and department head (科室负责人), and one summary per deputy
leader (副组长). A dispatch is a routine digest: its notices carry no escalation level. A
measure completed (措施完成) is no longer dispatched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rectify.core.states import OPEN_STATES, STATE_LABELS, ProblemState
from rectify.notices.planning.common import Digests, Item, NoticePlan, with_role
from rectify.problems.rules.counting import problem_overdue
from rectify.problems.rules.escalation import escalation_level
from rectify.problems.rules.views import PersonView, ProblemView

NO_PROGRESS = "自上次调度以来无进展"


@dataclass(frozen=True)
class SheetRow:
    """One problem's row of the dispatch sheet (调度表)."""

    ref: str
    title: str
    state: str
    last_progress: str
    last_progress_on: dt.date | None
    next_due: dt.date | None
    days_to_due: int | None
    flagged: bool  # open, and no progress since the previous dispatch


def next_due(problem: ProblemView, today: dt.date) -> dt.date | None:
    """The date the sheet shows as next: the nearest date still ahead that an open measure is
    worked towards (a due, or a long-term measure's checkpoint); when every dated measure is
    overdue, the latest of their dues (shown in red); a long-term problem's checkpoint; none
    once closed."""
    if problem.state is ProblemState.CLOSED:
        return None
    if problem.state is ProblemState.LONG_TERM:
        return problem.checkpoint
    dues = [m.due for m in problem.open_measures if m.due is not None]
    if dues and all(d < today for d in dues):
        return max(dues) if problem.state in OPEN_STATES else None
    return problem.date_ahead(today)


def dispatch_sheet(
    problems: Iterable[ProblemView],
    last_progress: Mapping[str, tuple[dt.date, str]],
    previous_dispatch: dt.date | None,
    today: dt.date,
) -> list[SheetRow]:
    """The dispatch sheet: each problem's state, last progress and next due date."""
    rows = []
    for p in problems:
        progress_on, progress_text = last_progress.get(p.ref, (None, ""))
        due = next_due(p, today)
        stale = progress_on is None or (
            previous_dispatch is not None and progress_on <= previous_dispatch
        )
        rows.append(
            SheetRow(
                ref=p.ref,
                title=p.title,
                state=STATE_LABELS[p.state],
                last_progress=progress_text,
                last_progress_on=progress_on,
                next_due=due,
                days_to_due=(due - today).days if due else None,
                flagged=p.state in OPEN_STATES and stale,
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
    """The dispatch digests: every measure of a problem not closed to its responsible person
    and its department's head, the summary with the flagged problems to each deputy leader."""
    digests = Digests()
    rows = {row.ref: row for row in sheet}
    for p in problems:
        if p.state is not ProblemState.CLOSED:
            add_measures(digests, p, rows[p.ref], department_heads, reminders, today)
    summary = dispatch_summary(problems, sheet, today, failures)
    for key in with_role(people, "deputy"):
        plan = digests.add("dispatch", key, "deputy")
        plan.lines = summary
        for r in sheet:
            if r.flagged:
                plan.items.append(Item(r.ref, r.title, NO_PROGRESS, r.next_due))
    plans = digests.plans()
    for plan in plans:
        plan.level = None  # a dispatch is a routine digest, not an escalation
    return plans


def add_measures(
    digests: Digests,
    problem: ProblemView,
    row: SheetRow,
    department_heads: Mapping[str, str],
    reminders: tuple[int, int],
    today: dt.date,
) -> None:
    """Each measure of one problem to its responsible person and, when another person, the
    head of its department."""
    note = NO_PROGRESS if row.flagged else ""
    for m in problem.open_measures:
        level = escalation_level(m.due, today, reminders) if problem.state in OPEN_STATES else None
        item = Item(problem.ref, problem.title, m.text, m.due or problem.checkpoint, level, note)
        digests.add("dispatch", m.responsible_person, "responsible_person", item)
        head = department_heads.get(m.department)
        if head and head != m.responsible_person:
            digests.add("dispatch", head, "department_head", item)


def dispatch_summary(
    problems: list[ProblemView], sheet: list[SheetRow], today: dt.date, failures: list[str]
) -> list[str]:
    """The deputy leaders' summary lines: counts by state, without progress, overdue, and
    the notices that failed since the last report."""
    closed = sum(r.state == STATE_LABELS[ProblemState.CLOSED] for r in sheet)
    long_term = sum(r.state == STATE_LABELS[ProblemState.LONG_TERM] for r in sheet)
    overdue = sum(problem_overdue(p, today) for p in problems)
    summary = [
        f"问题共{len(sheet)}个：已销号{closed}个，"
        f"需长期整改{long_term}个，仍在推进{len(sheet) - closed - long_term}个",
        f"自上次调度以来无进展的问题{sum(r.flagged for r in sheet)}个",
        f"已超期的问题{overdue}个",
    ]
    if failures:
        summary.append(f"有{len(failures)}条通知发送失败，请整改办核实：" + "；".join(failures))
    return summary
