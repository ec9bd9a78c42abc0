"""Where every problem stands on a date, rebuilt from its recorded history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pendulum
from sqlmodel import Session, select

from models import (
    Extension,
    Inspection,
    LongTermDeclaration,
    Plan,
    ProgressUpdate,
    Review,
    SignOff,
    Unit,
)
from rectify.clock import end_of_local_day_utc, local_date
from rectify.policy import Policy
from rectify.rules.counting import Counts, problem_overdue, replay
from rectify.rules.escalation import escalation_level
from rectify.rules.states import STATE_LABELS, Transition
from rectify.rules.views import ProblemView
from rectify.store import Ledger, load_ledger, policy_of


@dataclass
class Snapshot:
    """The inspection as it stood at the end of ``as_of`` (local)."""

    inspection: Inspection
    unit: str
    policy: Policy
    as_of: dt.date
    ledger: Ledger
    problems: list[ProblemView]
    plan: Plan
    last_progress: dict[str, tuple[dt.date, str]]

    def aspect_counts(self) -> list[tuple[int, str, Counts]]:
        out = []
        by_id = {}
        for aspect in self.ledger.aspects:
            by_id[aspect.id] = Counts()
            out.append((aspect.position + 1, aspect.title, by_id[aspect.id]))
        for problem, view in zip(self.ledger.problems, self.problems, strict=True):
            by_id[self.ledger.aspect_of(problem).id].add(view, self.as_of)
        return out

    def totals(self) -> Counts:
        totals = Counts()
        for view in self.problems:
            totals.add(view, self.as_of)
        return totals

    def as_json(self) -> dict:
        tz = self.inspection.timezone
        approved = (
            self.plan.approved_at
            if self.plan.approved_at
            and self.plan.approved_at < end_of_local_day_utc(self.as_of, tz)
            else None
        )
        return {
            "inspection": self.inspection.id,
            "unit": self.unit,
            "as_of": self.as_of.isoformat(),
            "aspects": len(self.ledger.aspects),
            **self.totals().as_dict(),
            "plan": {
                "due": self.plan.due.isoformat(),
                "approved": approved is not None,
                "approved_on": pendulum.instance(approved).in_tz(tz).date().isoformat()
                if approved
                else None,
                "late": (approved is None and self.as_of > self.plan.due)
                or (
                    approved is not None
                    and pendulum.instance(approved).in_tz(tz).date() > self.plan.due
                ),
            },
            "by_aspect": [
                {"aspect": pos, "title": title, **counts.as_dict()}
                for pos, title, counts in self.aspect_counts()
            ],
            "items": [self.problem_row(view) for view in self.problems],
        }

    def problem_row(self, view: ProblemView) -> dict:
        dues = [m.due for m in view.measures if m.due is not None]
        next_due = min((d for d in dues if d >= self.as_of), default=None)
        levels = [
            escalation_level(m.due, self.as_of, self.policy.reminder_pair) for m in view.measures
        ]
        worst = max((lv for lv in levels if lv), default=None, key=["green", "yellow", "red"].index)
        open_ = view.state.value not in ("closed", "long_term")
        return {
            "ref": view.ref,
            "title": view.title,
            "state": view.state.value,
            "state_label": STATE_LABELS[view.state],
            "overdue": problem_overdue(view, self.as_of),
            "level": worst.value if worst and open_ else None,
            "next_due": next_due.isoformat() if next_due else None,
            "checkpoint": view.checkpoint.isoformat() if view.checkpoint else None,
        }


def snapshot(
    session: Session, inspection: Inspection, as_of: dt.date, until: dt.datetime | None = None
) -> Snapshot:
    """Rebuild every problem's state and due dates as they were at the end of ``as_of``
    (or at the instant ``until``, for a run in the middle of that day)."""
    ledger = load_ledger(session, inspection)
    cutoff = until or end_of_local_day_utc(as_of, inspection.timezone)
    ids = [p.id for p in ledger.problems]
    events: dict[int, list[tuple[dt.datetime, int, Transition]]] = {i: [] for i in ids}

    def collect(table, transition_of) -> None:
        for row in session.exec(select(table).where(table.problem_id.in_(ids), table.at < cutoff)):
            events[row.problem_id].append((row.at, row.id, transition_of(row)))

    collect(ProgressUpdate, lambda r: Transition.PROGRESS)
    collect(SignOff, lambda r: Transition.SIGN_OFF)
    collect(
        Review,
        lambda r: (
            Transition.REVIEW_RELAPSED if r.outcome == "relapsed" else Transition.REVIEW_SUSTAINED
        ),
    )
    checkpoints: dict[int, tuple[dt.datetime, dt.date]] = {}
    for row in session.exec(
        select(LongTermDeclaration).where(
            LongTermDeclaration.problem_id.in_(ids), LongTermDeclaration.at < cutoff
        )
    ):
        events[row.problem_id].append((row.at, row.id or 0, Transition.LONG_TERM))
        if row.problem_id not in checkpoints or checkpoints[row.problem_id][0] <= row.at:
            checkpoints[row.problem_id] = (row.at, row.checkpoint)
    measure_ids = [m.id for ms in ledger.measures.values() for m in ms]
    extended: dict[int, dt.date] = {}
    for ext in session.exec(
        select(Extension)
        .where(Extension.measure_id.in_(measure_ids), Extension.at < cutoff)
        .order_by(Extension.at, Extension.id)
    ):
        extended[ext.measure_id] = ext.new_due
    views = []
    for problem in ledger.problems:
        view = ledger.view(problem)
        measures = ledger.measures.get(problem.id, [])
        view = replace(
            view,
            state=replay(t for _, _, t in sorted(events[problem.id], key=lambda e: (e[0], e[1]))),
            checkpoint=checkpoints[problem.id][1] if problem.id in checkpoints else None,
            measures=tuple(
                replace(mv, due=extended.get(m.id, m.original_due) if m.original_due else mv.due)
                for m, mv in zip(measures, view.measures, strict=True)
            ),
        )
        views.append(view)
    last_progress: dict[str, tuple[dt.date, str]] = {}
    refs = {p.id: p.ref for p in ledger.problems}
    for row in session.exec(
        select(ProgressUpdate)
        .where(ProgressUpdate.problem_id.in_(ids), ProgressUpdate.at < cutoff)
        .order_by(ProgressUpdate.at, ProgressUpdate.id)
    ):
        last_progress[refs[row.problem_id]] = (local_date(row.at, inspection.timezone), row.text)
    unit = session.get(Unit, inspection.unit_id)
    plan = session.get(Plan, inspection.id)
    return Snapshot(
        inspection,
        unit.name if unit else "",
        policy_of(inspection),
        as_of,
        ledger,
        views,
        plan,
        last_progress,
    )
