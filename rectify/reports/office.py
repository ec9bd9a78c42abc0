"""The office view across units (巡察办): the inspections of each office, laggards first.

Rows are grouped by the inspection office the feedback file declared (offices in id order);
inspections whose file declared none come last, under their own heading (未声明巡察办).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlmodel import Session, select

from models import CycleRun, Inspection, Office, Problem, Review, SupervisionCycle, Unit
from rectify.core.clock import as_utc, end_of_local_day_utc, local_date, utc_now
from rectify.notices.planning import TALK_CYCLES
from rectify.problems.snapshots import Snapshot, snapshots_on


def unit_path(units: dict[int, Unit], unit_id: int) -> str:
    """The unit under its parents, outermost first: "天津市滨海新区 / 滨海新区生态环境局党组"."""
    names = []
    seen = set()
    current = units.get(unit_id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        names.append(current.name)
        current = units.get(current.parent_id) if current.parent_id else None
    return " / ".join(reversed(names))


NO_OFFICE = "（未声明巡察办）"
"""The heading of the inspections whose feedback file declared no office."""


def office_rows(as_of: dt.date | None = None, *, session: Session) -> list[dict]:
    """One row per inspection: its office, problems, closed, long-term, overdue, late plan,
    relapses, problems repeated from an earlier round (``repeated``, 屡查屡犯), stage reports
    overdue, and the talks (约谈) to hold: the problems overdue for three supervision cycles or
    more at the latest supervision; grouped by office (offices in id order, inspections
    without one last) and, within an office, the laggards first (most overdue, late plan,
    lowest share closed). Each inspection as of ``as_of``, or of its own local today."""
    units = {u.id: u for u in session.exec(select(Unit))}
    offices = {o.id: o.name for o in session.exec(select(Office))}
    inspections = list(session.exec(select(Inspection).order_by(Inspection.id)))
    days = {i.id: as_of or local_date(utc_now(), i.timezone) for i in inspections}
    snaps = snapshots_on(session, inspections, days)
    relapses = _relapses(session, snaps.values())
    talks = talks_to_hold(session, days)
    rows = []
    for inspection in inspections:
        figures = snaps[inspection.id].as_json()
        rows.append(
            {
                "office": inspection.office_id,
                "office_name": offices.get(inspection.office_id, NO_OFFICE),
                "unit": unit_path(units, inspection.unit_id),
                "inspection": inspection.id,
                "round": inspection.round,
                "as_of": days[inspection.id].isoformat(),
                "problems": figures["problems"],
                "closed": figures["closed"],
                "long_term": figures["long_term"],
                "open": figures["in_progress"] + figures["not_started"] + figures["reopened"],
                "overdue": figures["overdue"],
                "plan_late": figures["plan"]["late"],
                "relapses": relapses[inspection.id],
                "repeated": sum(
                    p.carried_from is not None for p in snaps[inspection.id].tree.problems
                ),
                "stage_report_overdue": figures["stage_report_overdue"],
                "talks": talks.get(inspection.id, []),
                "closed_share": round(figures["closed"] / figures["problems"], 3)
                if figures["problems"]
                else 1.0,
            }
        )
    rows.sort(
        key=lambda r: (
            r["office"] is None,
            r["office"] or "",
            -r["overdue"],
            not r["plan_late"],
            r["closed_share"],
            r["inspection"],
        )
    )
    return rows


def _relapses(session: Session, snaps: Iterable[Snapshot]) -> Counter[str]:
    """Relapses (反弹) found by review before each snapshot's day, by inspection id."""
    owner = {
        p.id: (s.inspection, end_of_local_day_utc(s.as_of, s.inspection.timezone))
        for s in snaps
        for p in s.tree.problems
    }
    relapses: Counter[str] = Counter()
    for problem_id, at in session.exec(
        select(Review.problem_id, Review.at).where(Review.outcome == "relapsed")
    ):
        inspection, cutoff = owner[problem_id]
        if as_utc(at) < cutoff:
            relapses[inspection.id] += 1
    return relapses


def talks_to_hold(session: Session, days: dict[str, dt.date]) -> dict[str, list[str]]:
    """By inspection, the refs of the problems whose latest monthly supervision up to its day
    in ``days`` found them overdue (or their stage report overdue) for ``TALK_CYCLES`` cycles or
    more: the office holds a talk (约谈) with their responsible leaders."""
    latest: dict[str, str] = {}
    for run in session.exec(
        select(CycleRun).where(CycleRun.kind == "supervision", CycleRun.inspection_id.in_(days))
    ):
        if run.on <= days[run.inspection_id]:
            latest[run.inspection_id] = max(latest.get(run.inspection_id, ""), run.period)
    talks: dict[str, list[str]] = {}
    for inspection_id, ref, period in session.exec(
        select(Problem.inspection_id, Problem.ref, SupervisionCycle.period)
        .join(SupervisionCycle, SupervisionCycle.problem_id == Problem.id)
        .where(
            Problem.inspection_id.in_(list(latest)),
            SupervisionCycle.cycles >= TALK_CYCLES,
        )
        .order_by(Problem.position)
    ):
        if latest.get(inspection_id) == period:
            talks.setdefault(inspection_id, []).append(ref)
    return talks
