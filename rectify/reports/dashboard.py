"""A unit's dashboard (整改看板): one row per problem with a light — 🟢 on track or closed,
🟡 a due near (the second reminder) or reopened by a 回头看, 🔴 overdue — its state, the next
due date, the responsible leaders (责任领导) and the latest progress; and the share closed.
Pure: the snapshot's views in, rows out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from rectify.core.states import OPEN_STATES, ProblemState
from rectify.notices.planning import dispatch_sheet
from rectify.problems.rules.counting import problem_overdue
from rectify.problems.rules.escalation import Level, escalation_level
from rectify.problems.rules.views import PersonView, ProblemView

LIGHTS = {Level.RED: "🔴", Level.YELLOW: "🟡"}
GREEN = "🟢"


def light(problem: ProblemView, next_due: dt.date | None, today: dt.date, reminders) -> str:
    """The problem's light on ``today``: red while a measure of it is overdue, whichever date
    the row shows next; else its next date's."""
    if problem.state is ProblemState.CLOSED:
        return GREEN
    if problem_overdue(problem, today):
        return LIGHTS[Level.RED]
    if problem.state in OPEN_STATES or problem.state is ProblemState.LONG_TERM:
        level = escalation_level(next_due, today, reminders)
        if level in LIGHTS:
            return LIGHTS[level]
    return LIGHTS[Level.YELLOW] if problem.state is ProblemState.REOPENED else GREEN


def dashboard_rows(
    problems: Iterable[ProblemView],
    last_progress: Mapping[str, tuple[dt.date, str]],
    people: Mapping[str, PersonView],
    today: dt.date,
    reminders: tuple[int, int],
) -> list[dict]:
    """The dashboard's table: 问题, 状态 (light and state), 下一时限, 责任领导, 最近进展."""
    problems = list(problems)
    sheet = {r.ref: r for r in dispatch_sheet(problems, last_progress, None, today)}
    rows = []
    for p in problems:
        row = sheet[p.ref]
        leaders = dict.fromkeys(m.responsible_leader for m in p.measures if m.responsible_leader)
        progress = (
            f"{row.last_progress_on} {row.last_progress}" if row.last_progress_on else "尚无进展"
        )
        rows.append(
            {
                "问题": f"{p.ref} {p.title}",
                "状态": f"{light(p, row.next_due, today, reminders)} {row.state}",
                "下一时限": row.next_due.isoformat() if row.next_due else "—",
                "责任领导": "、".join(people[k].name if k in people else k for k in leaders) or "—",
                "最近进展": progress,
            }
        )
    return rows


def closed_share(problems: Iterable[ProblemView]) -> float:
    """The share of problems closed (已销号), in percent."""
    problems = list(problems)
    closed = sum(p.state is ProblemState.CLOSED for p in problems)
    return round(100 * closed / len(problems), 1) if problems else 0.0


def artifact_key(*parts: str) -> str:
    """A Prefect artifact key from ``parts``: lowercase letters, digits and dashes only."""
    key = "-".join(parts).lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", key)).strip("-")
