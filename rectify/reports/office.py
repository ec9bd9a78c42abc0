"""The office view across units (巡察办): the inspections of each office, laggards first.

Rows are grouped by the inspection office the feedback file declared (offices in id order);
inspections whose file declared none come last, under their own heading (未声明巡察办).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlmodel import Session, select

from models import Inspection, Office, Review, Unit
from rectify.core.clock import as_utc, end_of_local_day_utc, local_date, utc_now
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


NO_OFFICE = "(未声明巡察办)"
"""The heading of the inspections whose feedback file declared no office."""


def office_rows(as_of: dt.date | None = None, *, session: Session) -> list[dict]:
    """One row per inspection: its office, problems, closed, long-term, overdue, late plan,
    relapses, problems repeated from an earlier round (``repeated``, 屡查屡犯); grouped by
    office (offices in id order, inspections without one last) and, within an office, the
    laggards first (most overdue, late plan, lowest share closed). Each inspection as of
    ``as_of``, or of its own local today."""
    units = {u.id: u for u in session.exec(select(Unit))}
    offices = {o.id: o.name for o in session.exec(select(Office))}
    inspections = list(session.exec(select(Inspection).order_by(Inspection.id)))
    days = {i.id: as_of or local_date(utc_now(), i.timezone) for i in inspections}
    snaps = snapshots_on(session, inspections, days)
    relapses = _relapses(session, snaps.values())
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
