"""The accountability view (干部考核问责视图): for the organisation department, per unit and per
responsible person and responsible leader, who was late and by how much.

A measure is completed on the day of its first recorded completion (措施完成), or, when its
problem was confirmed closed (销号) first, on the day of that sign-off. It is late by the
calendar days from its ORIGINAL due (the plan's date, ``Measure.original_due``) to that day:
an extension is counted apart and excuses nothing. An open measure past its original due on
the day of the view is counted as overdue, unless its problem is long-term or awaits the
office's confirmation. A long-term problem misses a stage report (阶段报告逾期) each time its
checkpoint passes without a stage report on or before it. Relapses (反弹) are those found at
回头看; accountability (问责) is what the unit recorded, in persons.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlmodel import Session, select

from models import (
    AccountabilityCase,
    Extension,
    Inspection,
    LongTermDeclaration,
    Measure,
    MeasureCompletion,
    Office,
    Problem,
    Review,
    SignOff,
    StageReport,
    Unit,
)
from rectify.core.clock import end_of_local_day_utc, local_date, utc_now
from rectify.core.errors import Refusal
from rectify.core.states import OPEN_STATES, ProblemState
from rectify.problems.snapshots import Snapshot, snapshots_on
from rectify.reports.ledger_sheet import _save_workbook
from rectify.reports.office import NO_OFFICE, unit_path

ROLES = {"responsible_person": "责任人", "responsible_leader": "责任领导"}
"""The people a measure holds to account, as the view names them."""


@dataclass
class Figures:
    """What one unit or one person is held to account for."""

    completed: int = 0  # measures completed (with a due date)
    completed_late: int = 0  # of them, after their original due
    days_late: int = 0  # the calendar days late, added up
    most_days_late: int = 0  # the longest
    overdue_open: int = 0  # open measures past their original due
    extensions: int = 0  # its measures extended (延期, 项次: twice counts 2)
    relapses: int = 0  # problems relapsed at review (反弹)
    stage_reports_missed: int = 0  # checkpoints passed without a stage report

    def late(self, days: int) -> None:
        """Count a measure completed ``days`` late (none: on time)."""
        self.completed += 1
        if days > 0:
            self.completed_late += 1
            self.days_late += days
            self.most_days_late = max(self.most_days_late, days)


FIGURE_COLUMNS = (
    ("completed", "完成措施"),
    ("completed_late", "逾期完成"),
    ("days_late", "逾期天数合计"),
    ("most_days_late", "最长逾期天数"),
    ("overdue_open", "超期未完成"),
    ("extensions", "延期项次"),
    ("relapses", "反弹问题"),
    ("stage_reports_missed", "阶段报告逾期"),
)
UNIT_COLUMNS = (
    ("office_name", "巡察办"),
    ("unit", "单位"),
    ("inspection", "巡察"),
    *FIGURE_COLUMNS,
    ("accountability", "问责人次"),
    ("interviews", "约谈人次"),
)
"""The unit table's columns: (key, header)."""
PERSON_COLUMNS = (
    ("unit", "单位"),
    ("inspection", "巡察"),
    ("name", "姓名（职务）"),
    ("person", "编号"),
    ("role", "身份"),
    *FIGURE_COLUMNS,
)
"""The person table's columns: (key, header)."""


def accountability_view(
    as_of: dt.date | None = None, office: str | None = None, *, session: Session
) -> dict:
    """Per unit (one row per inspection) and per person, as of ``as_of`` (each inspection's
    own local today by default), of the office ``office`` or of all: ``{"units": [...],
    "people": [...]}``, the latest days first. Refuses an unknown office, or none to show."""
    offices = {o.id: o.name for o in session.exec(select(Office))}
    query = select(Inspection).order_by(Inspection.id)
    if office is not None:
        if office not in offices:
            known = "、".join(sorted(offices)) or "无"
            raise Refusal("unknown_office", f"没有编号为 {office} 的巡察办（已有：{known}）")
        query = query.where(Inspection.office_id == office)
    inspections = list(session.exec(query))
    if not inspections:
        where = f"巡察办 {offices[office]} 名下" if office else "数据库中"
        raise Refusal("no_inspections", f"{where}尚无巡察，请先导入反馈文件")
    days = {i.id: as_of or local_date(utc_now(), i.timezone) for i in inspections}
    snaps = snapshots_on(session, inspections, days)
    units = {u.id: u for u in session.exec(select(Unit))}
    history = _History.read(session, list(snaps.values()))
    unit_rows, person_rows = [], []
    for inspection in inspections:
        snap = snaps[inspection.id]
        about = {
            "office": inspection.office_id,
            "office_name": offices.get(inspection.office_id, NO_OFFICE),
            "unit": unit_path(units, inspection.unit_id),
            "inspection": inspection.id,
            "as_of": snap.as_of.isoformat(),
        }
        unit, people = _figures(snap, history)
        unit_rows.append({**about, **asdict(unit), **history.cases[inspection.id]})
        person_rows += [
            {**about, "person": key, "name": name, "role": role, **asdict(figures)}
            for (key, name, role), figures in people.items()
        ]
    unit_rows.sort(key=lambda r: (r["office"] is None, r["office"] or "", *_worst_first(r)))
    person_rows.sort(key=lambda r: (r["office"] is None, r["office"] or "", *_worst_first(r)))
    return {"units": unit_rows, "people": person_rows}


def _worst_first(row: dict) -> tuple:
    return (
        -row["days_late"],
        -row["overdue_open"],
        -row["stage_reports_missed"],
        -row["completed_late"],
        row["inspection"],
        row.get("person", ""),
        row.get("role", ""),
    )


@dataclass
class _History:
    """The recorded events the view counts, by measure or problem id, and the cases by
    inspection id; each problem's events in time order."""

    completed: dict[int, dt.datetime]  # measure id → first completion
    closed: dict[int, dt.datetime]  # problem id → first sign-off
    extensions: dict[int, int]  # measure id → extensions
    relapses: dict[int, int]  # problem id → relapses
    long_term: dict[int, list[tuple[dt.datetime, str, dt.date | None]]]
    cases: dict[str, dict[str, int]]  # inspection id → accountability, interviews

    @classmethod
    def read(cls, session: Session, snaps: list[Snapshot]) -> _History:
        """The events before each snapshot's end of day, in a fixed number of queries."""
        cutoff = {
            s.inspection.id: end_of_local_day_utc(s.as_of, s.inspection.timezone) for s in snaps
        }
        ids = list(cutoff)
        owner = {p.id: p.inspection_id for s in snaps for p in s.tree.problems}

        def rows(table, by_measure: bool = False):
            """``table``'s rows about these problems (or their measures), before the cutoff."""
            problem_id = Measure.problem_id if by_measure else table.problem_id
            query = select(table, problem_id)
            if by_measure:
                query = query.join(Measure, table.measure_id == Measure.id)
            query = query.join(Problem, problem_id == Problem.id)
            query = query.where(Problem.inspection_id.in_(ids)).order_by(table.at, table.id)
            for row, pid in session.exec(query):
                if row.at < cutoff[owner[pid]]:
                    yield row

        history = cls({}, {}, defaultdict(int), defaultdict(int), defaultdict(list), {})
        for row in rows(MeasureCompletion, by_measure=True):
            history.completed.setdefault(row.measure_id, row.at)
        for row in rows(SignOff):
            history.closed.setdefault(row.problem_id, row.at)
            history.long_term[row.problem_id].append((row.at, "closed", None))
        for row in rows(Extension, by_measure=True):
            history.extensions[row.measure_id] += 1
        for row in rows(Review):
            history.relapses[row.problem_id] += row.outcome == "relapsed"
        for row in rows(LongTermDeclaration):
            history.long_term[row.problem_id].append((row.at, "declared", row.checkpoint))
        for row in rows(StageReport):
            history.long_term[row.problem_id].append((row.at, "reported", row.next_checkpoint))
        history.cases = _cases(session, cutoff)
        return history


def _cases(session: Session, cutoff: dict[str, dt.datetime]) -> dict[str, dict[str, int]]:
    """Persons held accountable (问责人次) and of them talked to (约谈人次), by inspection."""
    cases = {i: {"accountability": 0, "interviews": 0} for i in cutoff}
    for case in session.exec(
        select(AccountabilityCase).where(AccountabilityCase.inspection_id.in_(list(cutoff)))
    ):
        if case.at < cutoff[case.inspection_id]:
            cases[case.inspection_id]["accountability"] += case.count
            cases[case.inspection_id]["interviews"] += case.count if case.kind == "约谈" else 0
    return cases


def missed_stage_reports(events: list[tuple[dt.date, str, dt.date | None]], as_of: dt.date) -> int:
    """How many checkpoints passed without a stage report on or before them: ``events`` are
    a problem's (day, "declared" | "reported" | "closed", the checkpoint it sets) in order."""
    checkpoint: dt.date | None = None
    missed = 0
    for day, what, sets in events:
        if checkpoint is not None and day > checkpoint:
            missed += 1
        checkpoint = None if what == "closed" else sets
    return missed + (checkpoint is not None and as_of > checkpoint)


def _figures(
    snap: Snapshot, history: _History
) -> tuple[Figures, dict[tuple[str, str, str], Figures]]:
    """The unit's figures and each responsible person's and leader's."""
    tree, tz, as_of = snap.tree, snap.inspection.timezone, snap.as_of
    unit = Figures()
    people: dict[tuple[str, str, str], Figures] = {}

    def accountable(measures: list[Measure]) -> list[Figures]:
        found = {}
        for m in measures:
            for attribute, role in ROLES.items():
                person = tree.people[getattr(m, f"{attribute}_id")]
                key = (person.key, person.name, role)
                found[key] = people.setdefault(key, Figures())
        return list(found.values())

    for problem, view in zip(tree.problems, snap.problems, strict=True):
        measures = tree.measures.get(problem.id, [])
        held = accountable(measures)
        events = [(local_date(at, tz), w, d) for at, w, d in history.long_term[problem.id]]
        missed = missed_stage_reports(events, as_of)
        for figures in [unit, *held]:
            figures.relapses += history.relapses[problem.id]
            figures.stage_reports_missed += missed
        for m in measures:
            for figures in [unit, *accountable([m])]:
                _count_measure(figures, m, problem, view.state, history, tz, as_of)
    return unit, people


def _count_measure(
    figures: Figures,
    measure: Measure,
    problem: Problem,
    state: ProblemState,
    history: _History,
    tz: str,
    as_of: dt.date,
) -> None:
    """Count ``measure`` of ``problem`` (in ``state`` on ``as_of``) into ``figures``."""
    figures.extensions += history.extensions[measure.id]
    due = measure.original_due or measure.due
    if due is None:
        return  # long-term: its checkpoints are the stage reports'
    instants = [history.completed.get(measure.id), history.closed.get(problem.id)]
    done = min((local_date(t, tz) for t in instants if t is not None), default=None)
    if done is not None:
        figures.late((done - due).days)
    elif state in OPEN_STATES and as_of > due:
        figures.overdue_open += 1


def with_headers(rows: list[dict], columns: tuple[tuple[str, str], ...]) -> list[dict]:
    """``rows`` with Chinese headers, in the columns' order: the artifact's and sheet's rows."""
    return [{header: row[key] for key, header in columns} for row in rows]


def write_accountability_xlsx(view: dict, path: Path, as_of: dt.date | None) -> None:
    """Write the view to ``path`` (.xlsx): sheets 单位 and 责任人, each with a bold, frozen,
    filterable header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, columns in (
        ("单位", view["units"], UNIT_COLUMNS),
        ("责任人", view["people"], PERSON_COLUMNS),
    ):
        ws = wb.create_sheet(title)
        ws.append([header for _, header in columns])
        for row in with_headers(rows, columns):
            ws.append(list(row.values()))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for index, (key, header) in enumerate(columns, start=1):
            wide = key in ("unit", "office_name", "name")
            ws.column_dimensions[get_column_letter(index)].width = 30 if wide else len(header) * 3
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    wb.properties.creator = "rectify"
    wb.properties.title = "整改问责情况" + (f"（截至{as_of}）" if as_of else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_workbook(wb, path)
