"""Monthly supervision (每月督办) and its escalation steps: lagging items (near their due
date, or without progress since the previous supervision) to the responsible leaders
(责任领导); overdue (red) items also to the lead leader (牵头领导) and the leader (组长),
with a step that rises with each cycle a problem stays overdue (督办 → 提级督办 →
约谈提醒); a summary to the office (整改办)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rectify.core.states import OPEN_STATES
from rectify.notices.planning.common import Digests, Item, NoticePlan, with_role
from rectify.problems.rules.escalation import Level, escalation_level, is_overdue
from rectify.problems.rules.views import PersonView, ProblemView

SUPERVISION_STEPS = {1: "督办", 2: "提级督办", 3: "约谈提醒"}


def step_label(cycles: int) -> str:
    """The escalation step (督办 → 提级督办 → 约谈提醒) after ``cycles`` overdue cycles."""
    return SUPERVISION_STEPS[min(cycles, 3)]


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
    leaders = with_role(people, "leader")
    lagging_count = 0
    for p in problems:
        if p.state not in OPEN_STATES:
            continue
        if any(is_overdue(m.due, today) for m in p.measures):
            cycles[p.ref] = previous_cycles.get(p.ref, 0) + 1
            supervise_overdue(digests, p, cycles[p.ref], leaders, today)
        elif lagging := lag(p, last_progress, previous_supervision, reminders, today):
            lagging_count += 1
            for m in p.measures:
                item = Item(p.ref, p.title, m.text, m.due, Level.YELLOW, lagging)
                digests.add("supervision", m.responsible_leader, "responsible_leader", item)
    summary = supervision_summary(lagging_count, cycles, failures)
    for key in with_role(people, "unit_office"):
        plan = digests.add("supervision", key, "unit_office", level=Level.RED if cycles else None)
        plan.lines = summary
    return digests.plans(), cycles


def supervise_overdue(
    digests: Digests, problem: ProblemView, cycles: int, leaders: list[str], today: dt.date
) -> None:
    """Each overdue measure of a problem, red, with its step, to the responsible leader, the
    lead leader and every leader."""
    note = f"已超期,第{cycles}次{step_label(cycles)}"
    for m in problem.measures:
        if not is_overdue(m.due, today):
            continue
        item = Item(problem.ref, problem.title, m.text, m.due, Level.RED, note)
        digests.add("supervision", m.responsible_leader, "responsible_leader", item)
        digests.add("supervision", m.lead_leader, "lead_leader", item)
        digests.add_to_all("supervision", leaders, "leader", item)


def lag(
    problem: ProblemView,
    last_progress: Mapping[str, tuple[dt.date, str]],
    previous_supervision: dt.date | None,
    reminders: tuple[int, int],
    today: dt.date,
) -> str:
    """Why a problem not overdue is lagging (滞后): near its due date (yellow) or without
    progress since the previous supervision; empty when it is not."""
    if any(escalation_level(m.due, today, reminders) is Level.YELLOW for m in problem.measures):
        return "临近整改时限"
    progress_on = last_progress.get(problem.ref, (None, ""))[0]
    if progress_on is None or (
        previous_supervision is not None and progress_on <= previous_supervision
    ):
        return "本月无整改进展"
    return ""


def supervision_summary(lagging: int, cycles: Mapping[str, int], failures: list[str]) -> list[str]:
    """The office's summary lines: counts, problems overdue for two cycles or more, and the
    notices that failed."""
    summary = [f"本次督办:滞后问题{lagging}个,超期问题{len(cycles)}个"]
    summary += [
        f"问题{ref}连续{n}个督办周期超期({step_label(n)})"
        for ref, n in sorted(cycles.items())
        if n >= 2
    ]
    if failures:
        summary.append(f"有{len(failures)}条通知发送失败,请核实:" + ";".join(failures))
    return summary
