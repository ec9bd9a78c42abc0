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
    Measure,
    MeasureCompletion,
    Plan,
    Problem,
    ProgressUpdate,
    Review,
    SignOff,
    SignOffApplication,
    SignOffReturn,
    StageReport,
    Unit,
)
from rectify.core.clock import end_of_local_day_utc, local_date
from rectify.core.policy import Policy
from rectify.core.states import OPEN_STATES, STATE_LABELS, ProblemState
from rectify.problems.completions import still_counting
from rectify.problems.rules.counting import (
    COUNT_KEYS,
    Counts,
    count,
    problem_overdue,
    replay_with_application,
    stage_report_overdue,
)
from rectify.problems.rules.escalation import Level, escalation_level
from rectify.problems.rules.states import Transition
from rectify.problems.rules.views import ProblemView
from rectify.problems.tree import InspectionTree, load_trees, policy_of

STATUS_FIGURES = ("aspects", *COUNT_KEYS)
"""The status figures (整改进展数字) of ``Snapshot.as_json``: aspects, then the counts."""


def status_figures(status: dict) -> dict:
    """Only the status figures of a ``Snapshot.as_json`` (or ``status``) answer, in order."""
    return {k: status[k] for k in STATUS_FIGURES}


@dataclass
class Snapshot:
    """The inspection as it stood at the end of ``as_of`` (local)."""

    inspection: Inspection
    unit: str
    policy: Policy
    as_of: dt.date
    tree: InspectionTree
    problems: list[ProblemView]
    plan: Plan
    last_progress: dict[str, tuple[dt.date, str]]

    def aspect_counts(self) -> list[tuple[int, str, Counts]]:
        out = []
        by_id = {}
        for aspect in self.tree.aspects:
            by_id[aspect.id] = Counts()
            out.append((aspect.position + 1, aspect.title, by_id[aspect.id]))
        for problem, view in zip(self.tree.problems, self.problems, strict=True):
            by_id[self.tree.aspect_of(problem).id].add(view, self.as_of)
        return out

    def totals(self) -> Counts:
        return count(self.problems, self.as_of)

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
            "aspects": len(self.tree.aspects),
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
        """One problem's row: its state, overdue, escalation level and next date (the nearest
        ahead that an open measure is worked towards: its due, or a long-term measure's
        checkpoint). The level is the worst of its open measures' while it is open (a
        long-term measure's: green and yellow before its checkpoint, never red); a
        long-term problem's is its checkpoint's (green, yellow, red before and after each
        checkpoint)."""
        next_due = view.date_ahead(self.as_of)
        reminders = self.policy.reminder_pair
        if view.state is ProblemState.LONG_TERM:
            levels = [escalation_level(view.checkpoint, self.as_of, reminders)]
        elif view.state in OPEN_STATES:
            levels = [
                level
                for m in view.open_measures
                if (level := escalation_level(m.worked_to, self.as_of, reminders))
                and (m.due is not None or level is not Level.RED)
            ]
        else:
            levels = []
        worst = max((lv for lv in levels if lv), default=None, key=["green", "yellow", "red"].index)
        return {
            "ref": view.ref,
            "title": view.title,
            "state": view.state.value,
            "state_label": STATE_LABELS[view.state],
            "overdue": problem_overdue(view, self.as_of),
            "stage_report_overdue": stage_report_overdue(view, self.as_of),
            "level": worst.value if worst else None,
            "next_due": next_due.isoformat() if next_due else None,
            "checkpoint": view.checkpoint.isoformat() if view.checkpoint else None,
        }


def snapshot(
    session: Session, inspection: Inspection, as_of: dt.date, until: dt.datetime | None = None
) -> Snapshot:
    """Rebuild every problem's state and due dates as they were at the end of ``as_of``
    (or at the instant ``until``, for a run in the middle of that day)."""
    cutoff = until or end_of_local_day_utc(as_of, inspection.timezone)
    return _rebuild(session, [inspection], {inspection.id: (as_of, cutoff)})[inspection.id]


def snapshots(
    session: Session, inspections: list[Inspection], until: dt.datetime
) -> dict[str, Snapshot]:
    """Many inspections as they stood at the instant ``until``, each on its own local date,
    in a fixed number of queries however many problems and measures they hold."""
    return _rebuild(
        session,
        inspections,
        {i.id: (local_date(until, i.timezone), until) for i in inspections},
    )


def snapshots_on(
    session: Session, inspections: list[Inspection], days: dict[str, dt.date]
) -> dict[str, Snapshot]:
    """Many inspections as they stood at the end of each one's day in ``days``, in a fixed
    number of queries."""
    return _rebuild(
        session,
        inspections,
        {i.id: (days[i.id], end_of_local_day_utc(days[i.id], i.timezone)) for i in inspections},
    )


Event = tuple[dt.datetime, int, Transition]


def _replayed_views(
    tree: InspectionTree,
    events: dict[int, list[Event]],
    checkpoints: dict[int, dt.date],
    extended: dict[int, dt.date],
    completed: set[int],
) -> list[ProblemView]:
    """The tree's problems with the state their events lead to, their latest checkpoint,
    their measures' dues as extended or set by a relapse, and which measures are completed."""
    views = []
    for problem in tree.problems:
        view = tree.view(problem)
        measures = tree.measures.get(problem.id, [])
        state, applied_from = replay_with_application(
            t for _, _, t in sorted(events[problem.id], key=lambda e: e[:2])
        )
        views.append(
            replace(
                view,
                state=state,
                applied_from=applied_from if state is ProblemState.AWAITING_CONFIRMATION else None,
                checkpoint=checkpoints.get(problem.id),
                measures=tuple(
                    replace(
                        mv,
                        due=extended.get(m.id, m.original_due) if m.original_due else mv.due,
                        completed=m.id in completed,
                    )
                    for m, mv in zip(measures, view.measures, strict=True)
                ),
            )
        )
    return views


@dataclass
class _Histories:
    """What the problems' recorded history holds before each inspection's cutoff."""

    events: dict[int, list[Event]]
    checkpoints: dict[int, dt.date]
    dues: dict[int, dt.date]  # by measure id: extended, or set by a relapse
    progress: list[ProgressUpdate]
    completed: set[int]  # measure ids completed since their problem last reopened


def _read_histories(
    session: Session,
    trees: dict[str, InspectionTree],
    when: dict[str, tuple[dt.date, dt.datetime]],
) -> _Histories:
    ids = list(trees)
    latest = max(cutoff for _, cutoff in when.values())
    owner = {p.id: p.inspection_id for tree in trees.values() for p in tree.problems}

    def before_cutoff(problem_id: int, at: dt.datetime) -> bool:
        return at < when[owner[problem_id]][1]

    def history(table):
        """Rows of ``table`` about these inspections' problems, before each one's cutoff."""
        rows = session.exec(
            select(table)
            .join(Problem, table.problem_id == Problem.id)
            .where(Problem.inspection_id.in_(ids), table.at < latest)
            .order_by(table.at, table.id)
        )
        return [r for r in rows if before_cutoff(r.problem_id, r.at)]

    events: dict[int, list[Event]] = {pid: [] for pid in owner}
    progress = history(ProgressUpdate)
    for table, transition in (
        (ProgressUpdate, Transition.PROGRESS),
        (SignOffApplication, Transition.APPLY_SIGN_OFF),
        (SignOff, Transition.SIGN_OFF),
        (SignOffReturn, Transition.RETURN_SIGN_OFF),
    ):
        for row in progress if table is ProgressUpdate else history(table):
            events[row.problem_id].append((row.at, row.id or 0, transition))
    # a due set later wins: an extension of a measure, or a relapse's new due for all the
    # problem's measures with a date (not the long-term ones)
    new_dues, reopened = _reviews(history(Review), trees, owner, events)
    checkpoints: dict[int, dt.date] = {}
    declared = [(r, Transition.LONG_TERM, r.checkpoint) for r in history(LongTermDeclaration)]
    reported = [(r, Transition.STAGE_REPORT, r.next_checkpoint) for r in history(StageReport)]
    # in time order: the latest declaration or stage report sets the checkpoint
    for row, transition, checkpoint in sorted(declared + reported, key=lambda d: d[0].at):
        events[row.problem_id].append((row.at, row.id or 0, transition))
        checkpoints[row.problem_id] = checkpoint

    def measure_history(table):
        """Rows of ``table`` about these inspections' measures, with their problem's id."""
        rows = session.exec(
            select(table, Measure.problem_id)
            .join(Measure, table.measure_id == Measure.id)
            .join(Problem, Measure.problem_id == Problem.id)
            .where(Problem.inspection_id.in_(ids), table.at < latest)
            .order_by(table.at, table.id)
        )
        return [(r, pid) for r, pid in rows if before_cutoff(pid, r.at)]

    completions = measure_history(MeasureCompletion)
    for row, problem_id in completions:
        events[problem_id].append((row.at, row.id or 0, Transition.COMPLETE))
    for ext, _ in measure_history(Extension):
        new_dues.append((ext.at, [ext.measure_id], ext.new_due))
    dues: dict[int, dt.date] = {}
    for _, measure_ids, new_due in sorted(new_dues, key=lambda d: d[0]):
        dues |= dict.fromkeys(measure_ids, new_due)
    completed = still_counting(((r.measure_id, r.at) for r, _ in completions), reopened)
    return _Histories(events, checkpoints, dues, progress, completed)


def _reviews(
    rows: list[Review],
    trees: dict[str, InspectionTree],
    owner: dict[int, str],
    events: dict[int, list[Event]],
) -> tuple[list[tuple[dt.datetime, list[int], dt.date]], dict[int, dt.datetime]]:
    """The 回头看 reviews (in time order) added to ``events``; the new dues a relapse sets for
    the problem's measures with a date, and each measure's latest reopening (by id)."""
    new_dues: list[tuple[dt.datetime, list[int], dt.date]] = []
    reopened: dict[int, dt.datetime] = {}
    for row in rows:
        relapsed = row.outcome == "relapsed"
        transition = Transition.REVIEW_RELAPSED if relapsed else Transition.REVIEW_SUSTAINED
        events[row.problem_id].append((row.at, row.id or 0, transition))
        if not relapsed:
            continue
        measures = trees[owner[row.problem_id]].measures.get(row.problem_id, [])
        reopened |= dict.fromkeys((m.id for m in measures), row.at)
        if row.new_due is not None:
            dated = [m.id for m in measures if m.original_due]
            new_dues.append((row.at, dated, row.new_due))
    return new_dues, reopened


def _rebuild(
    session: Session,
    inspections: list[Inspection],
    when: dict[str, tuple[dt.date, dt.datetime]],
) -> dict[str, Snapshot]:
    if not inspections:
        return {}
    ids = [i.id for i in inspections]
    trees = load_trees(session, inspections)
    histories = _read_histories(session, trees, when)
    events, checkpoints, extended = histories.events, histories.checkpoints, histories.dues
    progress = histories.progress
    last_progress: dict[int, tuple[dt.datetime, str]] = {}
    for row in progress:
        last_progress[row.problem_id] = (row.at, row.text)
    units = {
        u.id: u.name
        for u in session.exec(select(Unit).where(Unit.id.in_({i.unit_id for i in inspections})))
    }
    plans = {
        p.inspection_id: p for p in session.exec(select(Plan).where(Plan.inspection_id.in_(ids)))
    }
    out = {}
    for inspection in inspections:
        tree = trees[inspection.id]
        views = _replayed_views(tree, events, checkpoints, extended, histories.completed)
        tz = inspection.timezone
        out[inspection.id] = Snapshot(
            inspection,
            units.get(inspection.unit_id, ""),
            policy_of(inspection),
            when[inspection.id][0],
            tree,
            views,
            plans.get(inspection.id),
            {
                p.ref: (local_date(last_progress[p.id][0], tz), last_progress[p.id][1])
                for p in tree.problems
                if p.id in last_progress
            },
        )
    return out
