"""The daily deadline watch (期限检查): plan approval due (提醒) or overdue, the
rectification report (整改报告) due or overdue, measures at the first (green) and second
(yellow) reminder and overdue (red) — only measures not completed (措施完成) —, a long-term
measure of an open problem before its checkpoint (green, yellow), long-term problems'
checkpoints (a stage report due, ``stage_report_due``), the end of the centralised
period (集中整改期满, 通报提醒), and the sign-offs between the two sides (``sign_off``). Each
level of each deadline is told once: the marks given are passed in and the new ones
returned.

The ladder (提级): green → the responsible person (责任人); yellow → also the responsible
leader (责任领导); red → also the lead leader (牵头领导). The plan or the report overdue is
told to the inspection office's supervisors (巡察办) as well. A problem awaiting the office's
confirmation (待销号审核) is not open: it is neither reminded nor overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from rectify.core.states import OPEN_STATES, ProblemState
from rectify.notices.planning.common import (
    CHECKPOINT,
    Digests,
    Item,
    Mark,
    NoticePlan,
    is_new_level,
    office_supervisors,
    with_role,
)
from rectify.notices.planning.sign_off import (
    SignOffEvent,
    sign_off_pending,
    sign_off_returned,
)
from rectify.problems.rules.escalation import Level, escalation_level
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView


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
    report_due: dt.date | None = None,
    applications: Iterable[SignOffEvent] = (),
    returns: Iterable[SignOffEvent] = (),
) -> tuple[list[NoticePlan], list[Mark]]:
    """The day's reminders and the marks they add. ``report_due`` is the rectification
    report's due date while it is not submitted (None once it is)."""
    day = WatchDay(Digests(), reminders, marks, today)
    new_marks: list[Mark] = []
    leaders, office = with_role(people, "leader"), with_role(people, "unit_office")
    supervisors = office_supervisors(people)
    if plan_approved_on is None:
        new_marks += plan_reminder(day, leaders, office, supervisors, plan_due)
    if report_due is not None:
        new_marks += report_reminder(day, leaders, supervisors, report_due)
    for problem in problems:
        if problem.state in OPEN_STATES:
            for measure in problem.open_measures:
                new_marks += measure_reminder(day, problem, measure)
        elif problem.state is ProblemState.LONG_TERM and problem.checkpoint:
            new_marks += checkpoint_reminder(day, problem)
    if centralised_end is not None:
        new_marks += period_end_reminder(day, leaders, office, centralised_end)
    new_marks += sign_off_pending(day.digests, applications, people, marks)
    new_marks += sign_off_returned(day.digests, returns, people, marks)
    return day.digests.plans(), new_marks


@dataclass
class WatchDay:
    """What every reminder of one day's deadline watch works with: the digests it adds to,
    the reminder days (first, second) before a due, the marks already given, and the day."""

    digests: Digests
    reminders: tuple[int, int]
    marks: set[Mark]
    today: dt.date

    def new_level(self, subject: str, due: dt.date | None) -> Level | None:
        """The escalation level (提醒等级) ``due`` reaches today, when neither it nor a higher
        one was told yet for ``subject``; otherwise None (no due: None)."""
        if due is None:
            return None
        level = escalation_level(due, self.today, self.reminders)
        return level if is_new_level(subject, due, level, self.marks) else None


def plan_reminder(
    day: WatchDay, leaders: list[str], office: list[str], supervisors: list[str], plan_due: dt.date
) -> list[Mark]:
    """The rectification plan (整改方案) not yet approved: a reminder to the leaders (组长)
    before its due date; once overdue, to the leaders, the unit office (整改办) and the
    inspection office's supervisors (巡察办)."""
    text = f"整改方案须于{plan_due}前经党组会议审议通过"
    item = Item("", "整改方案", text, plan_due)
    red_also = {"unit_office": office, "office_supervisor": supervisors}
    return leaders_deadline(day, "plan", item, ("plan_reminder", "plan_overdue"), leaders, red_also)


def report_reminder(
    day: WatchDay, leaders: list[str], supervisors: list[str], report_due: dt.date
) -> list[Mark]:
    """The rectification report (整改报告) to the office not yet submitted: reminded green and
    yellow to the leaders (组长) before its due date like a measure; once overdue, red to the
    leaders and the inspection office's supervisors (巡察办)."""
    item = Item("", "整改报告", f"整改报告须于{report_due}前报送巡察办", report_due)
    kinds = ("report_reminder", "report_overdue")
    red_also = {"office_supervisor": supervisors}
    return leaders_deadline(day, "rectification_report", item, kinds, leaders, red_also)


def leaders_deadline(
    day: WatchDay,
    subject: str,
    item: Item,
    kinds: tuple[str, str],
    leaders: list[str],
    red_also: Mapping[str, list[str]],
) -> list[Mark]:
    """A deadline the leaders (组长) answer for (``item.due``): green and yellow reminders to
    them (``kinds[0]``); once overdue, red (``kinds[1]``) to them and to ``red_also``'s
    people in their roles."""
    assert item.due is not None
    level = day.new_level(subject, item.due)
    if level is None:
        return []
    item = replace(item, level=level)
    kind = kinds[1] if level is Level.RED else kinds[0]
    day.digests.add_to_all(kind, leaders, "leader", item)
    if level is Level.RED:
        for role, keys in red_also.items():
            day.digests.add_to_all(kind, keys, role, item)
    return [Mark(subject, item.due, level)]


def measure_reminder(day: WatchDay, problem: ProblemView, measure: MeasureView) -> list[Mark]:
    """One measure (整改措施) of an open problem up the ladder: green to the responsible
    person, yellow also to the responsible leader, red (overdue, 超期) also to the lead
    leader."""
    subject = f"m:{problem.ref}:{measure.position}"
    if measure.due is None and measure.checkpoint is not None:
        return long_term_measure_reminder(day, problem, measure, subject)
    level = day.new_level(subject, measure.due)
    if level is None:
        return []
    item = Item(problem.ref, problem.title, measure.text, measure.due, level)
    kind = "overdue" if level is Level.RED else "due_reminder"
    day.digests.add(kind, measure.responsible_person, "responsible_person", item)
    if level in (Level.YELLOW, Level.RED):
        day.digests.add(kind, measure.responsible_leader, "responsible_leader", item)
    if level is Level.RED:
        day.digests.add(kind, measure.lead_leader, "lead_leader", item)
    return [Mark(subject, measure.due, level)]


def long_term_measure_reminder(
    day: WatchDay, problem: ProblemView, measure: MeasureView, subject: str
) -> list[Mark]:
    """A long-term measure (整改时限 "long_term") of an open problem before its checkpoint:
    green to its responsible person, yellow also to its responsible leader, as a measure
    before its due. Never red: a long-term measure is never overdue (feedback-format.md);
    past its checkpoint it stays in the monthly supervision. Its checkpoint is the one the
    feedback file gave; nothing sets a later one (a stage report is a long-term problem's),
    so a measure is reminded before that checkpoint only."""
    assert measure.checkpoint is not None
    level = day.new_level(subject, measure.checkpoint)
    if level is None or level is Level.RED:
        return []
    note = "长期整改措施，检查节点临近，请录入该项措施的阶段性进展"
    item = Item(
        problem.ref, problem.title, measure.text, measure.checkpoint, level, note, CHECKPOINT
    )
    day.digests.add("due_reminder", measure.responsible_person, "responsible_person", item)
    if level is Level.YELLOW:
        day.digests.add("due_reminder", measure.responsible_leader, "responsible_leader", item)
    return [Mark(subject, measure.checkpoint, level)]


def checkpoint_reminder(day: WatchDay, problem: ProblemView) -> list[Mark]:
    """A long-term problem's checkpoint (长期整改检查节点), where a stage report is due
    (``stage_report_due``), up the ladder of a measure: green to each responsible person of its
    measures, yellow also to the responsible leaders, red (passed without a stage report, 阶段
    报告逾期) also to the lead leaders."""
    assert problem.checkpoint is not None
    subject = f"cp:{problem.ref}"
    level = day.new_level(subject, problem.checkpoint)
    if level is None:
        return []
    item = Item(
        problem.ref,
        problem.title,
        checkpoint_note(level),
        problem.checkpoint,
        level,
        due_label=CHECKPOINT,
    )
    for m in problem.measures:
        day.digests.add("stage_report_due", m.responsible_person, "responsible_person", item)
        if level in (Level.YELLOW, Level.RED):
            day.digests.add("stage_report_due", m.responsible_leader, "responsible_leader", item)
        if level is Level.RED:
            day.digests.add("stage_report_due", m.lead_leader, "lead_leader", item)
    return [Mark(subject, problem.checkpoint, level)]


def checkpoint_note(level: Level | None) -> str:
    """What a long-term item's checkpoint asks at ``level``."""
    if level is Level.RED:
        return "检查节点已过，阶段报告逾期，请评估阶段目标完成情况并报送阶段报告"
    if level is None:
        return "需长期整改，持续跟踪问效"
    return "长期整改检查节点临近，请按时报送阶段报告"


def period_end_reminder(
    day: WatchDay, leaders: list[str], office: list[str], centralised_end: dt.date
) -> list[Mark]:
    """The centralised period over (集中整改期满): the leaders and the office are reminded,
    once, to write the progress report and publish it (通报)."""
    mark = Mark("report", centralised_end, Level.RED)
    if day.today < centralised_end or mark in day.marks:
        return []
    item = Item(
        "",
        "集中整改期满",
        f"集中整改期已于{centralised_end}届满，请形成整改进展情况报告并按要求公开通报",
    )
    day.digests.add_to_all("report", leaders, "leader", item)
    day.digests.add_to_all("report", office, "unit_office", item)
    return [mark]
