"""Monthly supervision (每月督办): the leader supervises personally every month and reminds the
responsible leaders, departments and persons (seed 002). Every run sends:

- each leader (组长) an overview, even when nothing is late: the counts, the red items, the
  long-term items and the stage reports due (role ``leader``);
- each responsible leader (责任领导) their lagging, overdue and long-term items;
- each responsible person (责任人) and department head (科室负责人) their overdue and lagging
  measures;
- the unit office (整改办) a summary with the notices that failed;
- the plan overdue (整改方案逾期) and the report overdue (整改报告逾期) again, every run until
  they are done.

Only measures not completed (措施完成) are lagging or overdue. A problem overdue (or a
long-term problem past its checkpoint without a stage report, 阶段报告逾期) rises a step with
each cycle it stays so (督办 → 提级督办 → 约谈提醒), and the step changes who is told: the
first cycle the responsible person and responsible leader of the measure; the second also the
lead leader (牵头领导) and the leader; the third and later also the inspection office's
supervisors (巡察办), who hold a talk (约谈).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from rectify.core.states import OPEN_STATES, ProblemState
from rectify.notices.planning.common import (
    CHECKPOINT,
    Digests,
    Item,
    NoticePlan,
    office_supervisors,
    with_role,
)
from rectify.notices.planning.deadlines import checkpoint_note
from rectify.problems.rules.counting import count, stage_report_overdue
from rectify.problems.rules.escalation import Level, escalation_level, is_overdue
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView

SUPERVISION_STEPS = {1: "督办", 2: "提级督办", 3: "约谈提醒"}
TALK_CYCLES = 3
"""From this many cycles overdue on, the office's supervisors are told and hold a talk (约谈)."""


def step_label(cycles: int) -> str:
    """The escalation step (督办 → 提级督办 → 约谈提醒) after ``cycles`` overdue cycles."""
    return SUPERVISION_STEPS[min(cycles, 3)]


@dataclass(frozen=True)
class Overdue:
    """What the leaders answer for and is overdue at a supervision: the plan not approved
    (整改方案) and the rectification report not submitted (整改报告), by their due dates."""

    plan_due: dt.date | None = None
    report_due: dt.date | None = None


@dataclass
class _Run:
    """One supervision's digests and what it found."""

    digests: Digests
    people: Mapping[str, PersonView]
    heads: Mapping[str, str]
    today: dt.date
    reminders: tuple[int, int]

    def __post_init__(self) -> None:
        self.leaders = with_role(self.people, "leader")
        self.supervisors = office_supervisors(self.people)
        self.lagging = 0
        self.overdue: dict[str, int] = {}  # overdue problems: their cycles
        self.stage_late: dict[str, int] = {}  # long-term problems past their checkpoint

    def to_person(self, kind: str, m: MeasureView, item: Item) -> None:
        """``item`` to the measure's responsible person and, when another person, the head
        of its department."""
        self.digests.add(kind, m.responsible_person, "responsible_person", item)
        head = self.heads.get(m.department)
        if head and head != m.responsible_person:
            self.digests.add(kind, head, "department_head", item)

    def escalate(self, kind: str, m: MeasureView, item: Item, cycles: int) -> None:
        """A red ``item`` of measure ``m`` to the people its step reaches."""
        self.to_person(kind, m, item)
        self.digests.add(kind, m.responsible_leader, "responsible_leader", item)
        if cycles >= 2:
            self.digests.add(kind, m.lead_leader, "lead_leader", item)
            self.digests.add_to_all(kind, self.leaders, "leader", item)
        if cycles >= TALK_CYCLES:
            self.digests.add_to_all(kind, self.supervisors, "office_supervisor", item)


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
    department_heads: Mapping[str, str] | None = None,
    overdue: Overdue = Overdue(),
    plan_approved: bool = True,
) -> tuple[list[NoticePlan], dict[str, int]]:
    """Supervision notices, and each problem's consecutive overdue (or stage report overdue)
    cycles after this run. Before the plan is approved (``plan_approved`` false) only the
    leaders' overview and the plan and report overdue are told."""
    run = _Run(Digests(), people, department_heads or {}, today, reminders)
    overview = [run.digests.add("supervision", key, "leader") for key in run.leaders]
    for p in problems if plan_approved else []:
        if p.state in OPEN_STATES:
            _supervise_open(run, p, last_progress, previous_supervision, previous_cycles)
        elif is_long_term(p):
            _supervise_long_term(run, p, previous_cycles)
    lines = overview_lines(problems, run.lagging, today)
    if not plan_approved:
        lines.append("整改方案尚未经党组会议审议通过，暂不逐项督办")
    for plan in overview:
        plan.lines = lines
        plan.items = [*plan.items, *_leader_items(run, problems)]
        plan.items = list(dict.fromkeys(plan.items))
        plan.level = _worst(plan.items)
    cycles = run.overdue | run.stage_late
    summary = supervision_summary(run.lagging, run.overdue, failures, run.stage_late)
    for key in with_role(people, "unit_office"):
        plan = run.digests.add(
            "supervision", key, "unit_office", level=Level.RED if cycles else None
        )
        plan.lines = summary
    _repeat_overdue(run, overdue)
    return run.digests.plans(), cycles


def _supervise_open(
    run: _Run,
    p: ProblemView,
    last_progress: Mapping[str, tuple[dt.date, str]],
    previous_supervision: dt.date | None,
    previous_cycles: Mapping[str, int],
) -> None:
    """An open problem: its overdue measures up the step, or its lagging ones; its long-term
    measures listed to their responsible leaders."""
    late = [m for m in p.open_measures if is_overdue(m.due, run.today)]
    if late:
        n = run.overdue[p.ref] = previous_cycles.get(p.ref, 0) + 1
        note = f"已超期，第{n}次{step_label(n)}"
        for m in late:
            run.escalate("supervision", m, Item(p.ref, p.title, m.text, m.due, Level.RED, note), n)
    elif lagging := lag(p, last_progress, previous_supervision, run.reminders, run.today):
        run.lagging += 1
        for m in p.open_measures:
            if m.due is None:
                continue
            item = Item(p.ref, p.title, m.text, m.due, Level.YELLOW, lagging)
            run.digests.add("supervision", m.responsible_leader, "responsible_leader", item)
            run.to_person("supervision", m, item)
    for m in p.open_measures:
        if m.due is None and m.checkpoint is not None:  # never red: never overdue
            level = escalation_level(m.checkpoint, run.today, run.reminders)
            level = Level.YELLOW if level is Level.RED else level
            note = "长期整改措施，持续跟踪问效"
            item = Item(p.ref, p.title, m.text, m.checkpoint, level, note, CHECKPOINT)
            run.digests.add("supervision", m.responsible_leader, "responsible_leader", item)


def _supervise_long_term(run: _Run, p: ProblemView, previous_cycles: Mapping[str, int]) -> None:
    """A long-term problem, listed to each responsible leader of its measures every month
    until it closes; its checkpoint passed without a stage report, a red ``stage_report_due``
    up the step like an overdue measure."""
    if stage_report_overdue(p, run.today):
        run.stage_late[p.ref] = previous_cycles.get(p.ref, 0) + 1
    item = long_term_item(p, run.today, run.reminders, run.stage_late.get(p.ref, 0))
    for m in p.measures:
        run.digests.add("supervision", m.responsible_leader, "responsible_leader", item)
    if p.ref in run.stage_late:
        for m in p.measures:
            run.escalate("stage_report_due", m, item, run.stage_late[p.ref])


def is_long_term(p: ProblemView) -> bool:
    """Whether a problem is supervised as long-term: declared so, also while the office
    decides on its application for sign-off."""
    return ProblemState.LONG_TERM in (p.state, p.applied_from)


def long_term_item(
    p: ProblemView, today: dt.date, reminders: tuple[int, int], cycles: int = 0
) -> Item:
    """A long-term problem as a line of a digest: its checkpoint, green, yellow or red before
    and after it; past it without a stage report, the step of its ``cycles``."""
    level = escalation_level(p.checkpoint, today, reminders)
    note = f"第{cycles}次{step_label(cycles)}" if cycles else ""
    return Item(p.ref, p.title, checkpoint_note(level), p.checkpoint, level, note, CHECKPOINT)


def _leader_items(run: _Run, problems: list[ProblemView]) -> list[Item]:
    """The overview's items: the red ones (overdue measures, stage reports overdue) and the
    long-term problems with their checkpoints (the stage reports due)."""
    items = []
    for p in problems:
        if p.ref in run.overdue:
            n = run.overdue[p.ref]
            note = f"已超期，第{n}次{step_label(n)}"
            items += [
                Item(p.ref, p.title, m.text, m.due, Level.RED, note)
                for m in p.open_measures
                if is_overdue(m.due, run.today)
            ]
        elif is_long_term(p):
            cycles = run.stage_late.get(p.ref, 0)
            items.append(long_term_item(p, run.today, run.reminders, cycles))
    return items


def _worst(items: list[Item]) -> Level | None:
    order = [None, Level.GREEN, Level.YELLOW, Level.RED]
    return max((i.level for i in items), default=None, key=order.index)


def _repeat_overdue(run: _Run, overdue: Overdue) -> None:
    """The plan and the report overdue, told again at every supervision until done: to the
    leaders and the office's supervisors, the plan also to the unit office."""
    if overdue.plan_due is not None:
        text = f"整改方案应于{overdue.plan_due}前经党组会议审议通过，至今仍未审议通过"
        item = Item("", "整改方案", text, overdue.plan_due, Level.RED)
        run.digests.add_to_all("plan_overdue", run.leaders, "leader", item)
        office = with_role(run.people, "unit_office")
        run.digests.add_to_all("plan_overdue", office, "unit_office", item)
        run.digests.add_to_all("plan_overdue", run.supervisors, "office_supervisor", item)
    if overdue.report_due is not None:
        text = f"整改报告应于{overdue.report_due}前报送巡察办，至今仍未报送"
        item = Item("", "整改报告", text, overdue.report_due, Level.RED)
        run.digests.add_to_all("report_overdue", run.leaders, "leader", item)
        run.digests.add_to_all("report_overdue", run.supervisors, "office_supervisor", item)


def lag(
    problem: ProblemView,
    last_progress: Mapping[str, tuple[dt.date, str]],
    previous_supervision: dt.date | None,
    reminders: tuple[int, int],
    today: dt.date,
) -> str:
    """Why a problem not overdue is lagging (滞后): a measure not completed near its due date
    (yellow) or no progress since the previous supervision; empty when it is not (also when
    every measure with a due date is completed)."""
    dated = [m for m in problem.open_measures if m.due is not None]
    if not dated:
        return ""
    if any(escalation_level(m.due, today, reminders) is Level.YELLOW for m in dated):
        return "临近整改时限"
    progress_on = last_progress.get(problem.ref, (None, ""))[0]
    if progress_on is None or (
        previous_supervision is not None and progress_on <= previous_supervision
    ):
        return "本月无整改进展"
    return ""


def overview_lines(problems: list[ProblemView], lagging: int, today: dt.date) -> list[str]:
    """The leader's overview (组长督办概览): the counts of this supervision."""
    c = count(problems, today)
    going = c.in_progress + c.not_started + c.reopened + c.awaiting_confirmation
    return [
        f"问题共{c.problems}个：已销号{c.closed}个，需长期整改{c.long_term}个，仍在推进{going}个",
        f"超期问题{c.overdue}个，阶段报告逾期{c.stage_report_overdue}个，滞后问题{lagging}个",
    ]


def supervision_summary(
    lagging: int,
    cycles: Mapping[str, int],
    failures: list[str],
    stage_late: Mapping[str, int] | None = None,
) -> list[str]:
    """The office's summary lines: counts, problems overdue for two cycles or more, and the
    notices that failed."""
    stage_late = stage_late or {}
    summary = [f"本次督办：滞后问题{lagging}个，超期问题{len(cycles)}个"]
    if stage_late:
        summary.append(f"阶段报告逾期的长期整改问题{len(stage_late)}个")
    summary += [
        f"问题{ref}连续{n}个督办周期超期（{step_label(n)}）"
        for ref, n in sorted({**cycles, **stage_late}.items())
        if n >= 2
    ]
    if failures:
        summary.append(f"有{len(failures)}条通知发送失败，请核实：" + "；".join(failures))
    return summary
