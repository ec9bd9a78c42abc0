"""The ``rectify`` command line."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from models import create_schema, session_scope
from rectify.cli.clues import clue_app
from rectify.core.clock import local_date, parse_instant, utc_now
from rectify.core.errors import Refusal
from rectify.core.settings import get_settings
from rectify.problems import service
from rectify.problems.actions import (
    AnyAction,
    ApprovePlan,
    Extend,
    LongTerm,
    Progress,
    ReviewAction,
    SignOffAction,
)

app = typer.Typer(
    help="巡察整改 — supervise rectification after a political inspection.", no_args_is_help=True
)
calendar_app = typer.Typer(help="The working-day calendar (工作日, 调休).", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
app.add_typer(clue_app, name="clue")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

InspectionOpt = Annotated[
    str | None, typer.Option("--inspection", "-i", help="inspection id; optional when only one")
]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="local instant YYYY-MM-DD[THH:MM]; default now")
]
ByOpt = Annotated[str, typer.Option("--by", help="the person id acting")]


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(code)


def _zone(inspection_id: str | None) -> str:
    try:
        with session_scope() as session:
            from rectify.problems.tree import get_inspection

            return get_inspection(session, inspection_id).timezone
    except Refusal:
        return get_settings().timezone


def _instant(value: str | None, tz: str) -> dt.datetime:
    try:
        return parse_instant(value, tz)
    except ValueError as exc:
        _fail(f"--at: {exc}", 2)
        raise


def _date(value: str | None, name: str, tz: str) -> dt.date:
    if value is None:
        return local_date(utc_now(), tz)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{name}: not a real date {value!r} (expected YYYY-MM-DD)", 2)
        raise


@app.command()
def init() -> None:
    """Create the database (SQLite file by default; RECTIFY_DATABASE_URL to change it)."""
    create_schema()
    console.print(f"database ready: {get_settings().resolved_database_url}", highlight=False)


@app.command()
def upgrade() -> None:
    """Apply the schema migrations (SQLite or PostgreSQL) up to the newest revision."""
    from models.migrate import current_revision

    create_schema()
    console.print(
        f"database at revision {current_revision()}: {get_settings().resolved_database_url}",
        highlight=False,
    )


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="feedback file .yaml/.json/.xlsx")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="update an imported inspection, keeping its history")
    ] = False,
    at: AtOpt = None,
) -> None:
    """Import a feedback file (all or nothing)."""
    outcome = service.import_file(file, replace=replace, at=_instant(at, get_settings().timezone))
    if not outcome.done:
        for line in outcome.errors:
            err.print(line, highlight=False, markup=False)
        _fail(f"refused: nothing was imported ({len(outcome.errors)} error(s))")
    verb = "replaced" if outcome.replaced else "imported"
    console.print(
        f"{verb} {outcome.inspection_id}: {outcome.aspects} aspects, {outcome.problems} problems, "
        f"{outcome.measures} measures; plan due {outcome.plan_due}",
        highlight=False,
    )
    for line in outcome.notes:
        console.print(f"  {line}", highlight=False)
    for line in outcome.warnings:
        err.print(f"[yellow]{line}[/yellow]", highlight=False)


@app.command()
def status(
    inspection: InspectionOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Counts per state, overdue, and per aspect, as of a date."""
    tz = _zone(inspection)
    try:
        data = service.status(inspection, _date(as_of, "--as-of", tz))
    except Refusal as refusal:
        _fail(refusal.message)
        raise
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    plan = data["plan"]
    console.print(
        f"[bold]{data['unit']}[/bold] {data['inspection']} as of {data['as_of']}: "
        f"{data['aspects']} aspects, {data['problems']} problems — closed {data['closed']}, "
        f"long-term {data['long_term']}, in progress {data['in_progress']}, "
        f"not started {data['not_started']}, reopened {data['reopened']}, overdue {data['overdue']}",
        highlight=False,
    )
    console.print(
        f"plan due {plan['due']}: "
        + (f"approved {plan['approved_on']}" if plan["approved"] else "not approved")
        + (" (late)" if plan["late"] else ""),
        highlight=False,
    )
    table = Table("方面", "问题", "已销号", "长期", "推进中", "未启动", "重新整改", "超期")
    for row in data["by_aspect"]:
        table.add_row(
            f"{row['aspect']}. {row['title'][:30]}",
            *(
                str(row[k])
                for k in (
                    "problems",
                    "closed",
                    "long_term",
                    "in_progress",
                    "not_started",
                    "reopened",
                    "overdue",
                )
            ),
        )
    console.print(table)


@app.command()
def show(
    problem: Annotated[str, typer.Argument(help="problem ref, as published")],
    inspection: InspectionOpt = None,
) -> None:
    """One problem: its measures, responsibilities, dues and history."""
    from rectify.problems.detail import problem_detail

    try:
        text = problem_detail(inspection, problem)
    except Refusal as refusal:
        _fail(refusal.message)
        raise
    console.print(text, highlight=False, markup=False)


def _act(inspection: str | None, action: AnyAction, at: str | None) -> None:
    tz = _zone(inspection)
    try:
        outcome = service.act(inspection, action, _instant(at, tz))
    except Refusal as refusal:
        _fail(f"refused ({refusal.code}): {refusal.message}")
        raise
    if not outcome.done:
        _fail(f"refused ({outcome.code}): {outcome.message}")
    console.print(outcome.message, highlight=False)


@app.command("approve-plan")
def approve_plan(
    by: ByOpt,
    meeting: Annotated[str, typer.Option(help="the party group meeting")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record the plan's approval (整改方案审议通过) by the leader."""
    _act(inspection, ApprovePlan(by=by, meeting=meeting), at)


@app.command()
def progress(
    problem: str,
    by: ByOpt,
    text: Annotated[str, typer.Option("--text", help="what was done")],
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="evidence file name; repeatable")
    ] = None,
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record progress on a problem."""
    _act(inspection, Progress(by=by, problem=problem, text=text, evidence=evidence or []), at)


@app.command("sign-off")
def sign_off(
    problem: str,
    by: ByOpt,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", help="evidence (支撑材料); required, repeatable"),
    ] = None,
    note: str = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Close a problem (整改销号) with evidence, by a reviewer."""
    _act(inspection, SignOffAction(by=by, problem=problem, evidence=evidence or [], note=note), at)


@app.command("long-term")
def long_term(
    problem: str,
    by: ByOpt,
    stage_goal: Annotated[str, typer.Option("--stage-goal", help="阶段性目标")],
    checkpoint: Annotated[str, typer.Option("--checkpoint", help="next checkpoint YYYY-MM-DD")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Declare a problem long-term (需长期整改), by the leader."""
    day = _date(checkpoint, "--checkpoint", get_settings().timezone)
    _act(inspection, LongTerm(by=by, problem=problem, stage_goal=stage_goal, checkpoint=day), at)


@app.command()
def extend(
    problem: str,
    by: ByOpt,
    new_due: Annotated[str, typer.Option("--new-due", help="YYYY-MM-DD")],
    reason: Annotated[str, typer.Option("--reason")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Extend a problem's due date, by the leader; the plan's date is kept."""
    day = _date(new_due, "--new-due", get_settings().timezone)
    _act(inspection, Extend(by=by, problem=problem, new_due=day, reason=reason), at)


@app.command()
def review(
    problem: str,
    by: ByOpt,
    outcome: Annotated[str, typer.Option("--outcome", help="sustained | relapsed")],
    note: str = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record a 回头看 review; relapsed reopens the problem."""
    if outcome not in ("sustained", "relapsed"):
        _fail("--outcome: expected sustained or relapsed", 2)
    _act(inspection, ReviewAction(by=by, problem=problem, outcome=outcome, note=note), at)  # type: ignore[arg-type]


audit_app = typer.Typer(
    help="The audit log (append-only, hash-chained).", invoke_without_command=True
)
app.add_typer(audit_app, name="audit")


@audit_app.callback()
def audit(
    ctx: typer.Context,
    inspection: InspectionOpt = None,
    limit: int = 50,
    actor: Annotated[
        str | None, typer.Option(help="who reads: the office sees problem-clue events in full")
    ] = None,
) -> None:
    """The audit log, newest first: every action, done or refused, with its reason. Events
    about problem clues show their clue number and reason only to the office or an
    authorised reader (--actor)."""
    if ctx.invoked_subcommand is not None:
        return
    from sqlmodel import select

    from models import AuditEvent
    from rectify.clues import may_read

    create_schema()
    with session_scope() as session:
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if inspection:
            query = query.where(AuditEvent.inspection_id == inspection)
        rows = session.exec(query).all()
        readable = {
            i: may_read(session, i, actor)
            for i in {e.inspection_id for e in rows if e.action.startswith("clue")}
        }
    for e in rows:
        if e.action.startswith("clue") and not readable[e.inspection_id]:
            e.subject, e.reason = "(问题线索)", None
        reason = f" — {e.code}: {e.reason.splitlines()[0]}" if e.reason else ""
        console.print(
            f"#{e.id} {e.at:%Y-%m-%d %H:%M}Z {e.inspection_id or '-'} {e.actor or '-'} "
            f"{e.action} {e.subject or ''} {e.outcome}{reason}",
            highlight=False,
            markup=False,
        )


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain: any edited, inserted or deleted event is named."""
    from sqlmodel import func, select

    from models import AuditEvent
    from rectify.audit.log import verify

    create_schema()
    with session_scope() as session:
        problems = verify(session)
        count = session.exec(select(func.count()).select_from(AuditEvent)).one()
    if problems:
        for line in problems:
            err.print(line, highlight=False, markup=False)
        _fail(f"the audit log does not hold: {len(problems)} problem(s) in {count} events")
    console.print(f"the audit log holds: {count} events, chain intact", highlight=False)


@calendar_app.command("load")
def calendar_load(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Load a year's holiday file (YAML: year, holidays, workdays); replaces that year."""
    from rectify.workdays.store import load_year_file

    try:
        year, days = load_year_file(file)
    except ValueError as exc:
        _fail(f"{file}: {exc}")
        raise
    console.print(f"calendar {year}: {days} special days loaded from {file}", highlight=False)


@calendar_app.command("check")
def calendar_check(day: str) -> None:
    """Is DAY a working day?"""
    from rectify.workdays.store import current_calendar

    d = _date(day, "DAY", get_settings().timezone)
    calendar = current_calendar()
    work = calendar.is_workday(d)
    name = calendar.holiday_name(d)
    console.print(
        f"{d} ({'一二三四五六日'[d.weekday()]}): {'工作日' if work else '休息日'}"
        + (f" — {name}" if name else ""),
        highlight=False,
    )
    for line in calendar.warnings():
        err.print(f"[yellow]{line}[/yellow]", highlight=False)


@calendar_app.command("add")
def calendar_add(
    start: str,
    count: int,
    working: Annotated[bool, typer.Option("--working", help="count working days (工作日)")] = False,
) -> None:
    """The date COUNT calendar (or working) days after START."""
    from rectify.core.deadlines import Period, add_period
    from rectify.workdays.store import current_calendar

    d = _date(start, "START", get_settings().timezone)
    calendar = current_calendar()
    period = Period(working_days=count) if working else Period(days=count)
    console.print(f"{d} + {period.describe()} = {add_period(d, period, calendar)}", highlight=False)
    for line in calendar.warnings():
        err.print(f"[yellow]{line}[/yellow]", highlight=False)


@calendar_app.command("years")
def calendar_years() -> None:
    """Which years the calendar describes."""
    from rectify.core.calendar import BUILTIN_YEARS
    from rectify.workdays.store import current_calendar

    calendar = current_calendar()
    console.print(
        f"built in (chinesecalendar): {BUILTIN_YEARS.start}–{BUILTIN_YEARS.stop - 1}",
        highlight=False,
    )
    console.print(
        f"loaded by the office: {sorted(calendar.described_years) or 'none'}", highlight=False
    )


@app.command()
def simulate(
    scenario: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="scenario file (scenario-format.md)")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="directory for summary.json, notices.jsonl, runs.jsonl, report.md"
        ),
    ],
    send: Annotated[
        bool, typer.Option("--send", help="really send the notices (default: capture them)")
    ] = False,
) -> None:
    """Replay a scenario on a virtual clock with the real flows; nothing waits for real time."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from rectify.feedback.validate import FeedbackErrors
    from rectify.runtime.simulation import (
        ScenarioErrors,
        load_scenario,
        prepare_embedded_prefect,
        write_outputs,
    )
    from rectify.runtime.simulation import simulate as run_simulation

    prepare_embedded_prefect()
    try:
        loaded = load_scenario(scenario)
    except (ScenarioErrors, FeedbackErrors) as exc:
        for line in exc.errors:
            err.print(line, highlight=False, markup=False)
        _fail(f"refused: the scenario was not run ({len(exc.errors)} error(s))")
        raise
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("simulating", total=None)

        def tick(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=f"simulating {label}")

        result = run_simulation(loaded, send=send, progress=tick)
    write_outputs(result, out)
    s = result.summary
    console.print(
        f"as of {s['as_of']}: {s['aspects']} aspects, {s['problems']} problems — closed {s['closed']}, "
        f"long-term {s['long_term']}, in progress {s['in_progress']}, not started {s['not_started']}, "
        f"reopened {s['reopened']}, overdue {s['overdue']}; {len(result.notices)} notices, "
        f"{len(result.runs)} runs, {len(s['refused_events'])} refused events → {out}",
        highlight=False,
    )


@app.command()
def report(
    inspection: InspectionOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="write to this file instead of printing")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md | docx | xlsx (the 台账)")] = "md",
) -> None:
    """The progress report (整改进展情况通报) as of a date: Markdown (with its chart when
    written to a file), DOCX in official-document layout, or the XLSX ledger (台账)."""
    from rectify.reports.chart import write_chart
    from rectify.reports.formats import write_docx, write_ledger_report_xlsx
    from rectify.reports.progress import build_report, progress_report_markdown

    if fmt not in ("md", "docx", "xlsx"):
        _fail("--format: expected md, docx or xlsx", 2)
    if fmt != "md" and out is None:
        _fail(f"--format {fmt} needs --out FILE", 2)
    tz = _zone(inspection)
    day = _date(as_of, "--as-of", tz)
    try:
        if fmt == "xlsx":
            write_ledger_report_xlsx(inspection, day, out)
            console.print(f"written {out}", highlight=False)
            return
        if out is None:
            console.print(progress_report_markdown(inspection, day), highlight=False, markup=False)
            return
        png = out.with_suffix(".png")
        write_chart(inspection, day, png)
        if fmt == "docx":
            write_docx(build_report(inspection, day), out, png)
        else:
            text = progress_report_markdown(inspection, day)
            out.write_text(text + f"\n![整改进展图]({png.name})\n", encoding="utf-8")
    except Refusal as refusal:
        _fail(refusal.message)
        raise
    console.print(f"written {out} and {png}", highlight=False)


@app.command()
def intake(
    document: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="published feedback or progress report (.docx/.txt/.md)",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="the draft feedback file (.yaml) to write")],
) -> None:
    """Draft a feedback file from a published document (反馈意见 / 整改进展情况通报)."""
    from rectify.intake import PLACEHOLDER, UnsupportedDocument, parse_document, write_draft

    try:
        result = parse_document(document)
    except (UnsupportedDocument, OSError) as exc:
        _fail(f"{document}: {exc}", 2)
        raise
    write_draft(result, out)
    c = result.counts_parsed
    console.print(
        f"written {out}: {c['aspects']} aspects, {c['categories']} categories, "
        f"{c['problems']} problems, {c['measures']} measures "
        f"({c['long_term']} problems flagged long-term)",
        highlight=False,
    )
    for line in result.mismatches:
        err.print(f"mismatch: {line}", style="yellow", highlight=False, markup=False)
    if result.unplaced:
        err.print(
            f"{len(result.unplaced)} line(s) not placed, listed at the top of {out}",
            style="yellow",
            highlight=False,
            markup=False,
        )
    if not c["problems"]:
        _fail(f"no numbered problems found in {document}; see the report at the top of {out}")
    console.print(
        f"fill in every {PLACEHOLDER} (people, departments, responsibilities, dates), "
        f"then: rectify import {out}",
        highlight=False,
    )


office_app = typer.Typer(help="The office view across units (巡察办).", no_args_is_help=True)
app.add_typer(office_app, name="office")


@office_app.command("status")
def office_status(
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every inspected unit under the office, laggards first."""
    from rectify.reports.office import office_rows

    create_schema()
    day = _date(as_of, "--as-of", get_settings().timezone) if as_of else None
    rows = office_rows(day)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("单位", "巡察", "问题", "已销号", "长期", "未完成", "超期", "方案逾期", "反弹")
    for r in rows:
        table.add_row(
            r["unit"],
            r["inspection"],
            str(r["problems"]),
            str(r["closed"]),
            str(r["long_term"]),
            str(r["open"]),
            str(r["overdue"]),
            "是" if r["plan_late"] else "",
            str(r["relapses"]),
        )
    console.print(table)


ledger_app = typer.Typer(help="The Excel ledger (台账) round trip.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("export")
def ledger_export(
    out: Annotated[Path, typer.Option("--out", help="the .xlsx to write")],
    inspection: InspectionOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
) -> None:
    """Write the ledger for departments to fill in progress and evidence."""
    from rectify.reports.ledger_workbook import export_ledger

    tz = _zone(inspection)
    try:
        n = export_ledger(inspection, _date(as_of, "--as-of", tz), out)
    except Refusal as refusal:
        _fail(refusal.message)
        raise
    console.print(f"written {out}: {n} measures; fill in the yellow columns", highlight=False)


@ledger_app.command("import")
def ledger_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    apply: Annotated[
        bool, typer.Option("--apply", help="apply the changes (default: only show them)")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="reporter for rows without 报送人")] = None,
) -> None:
    """Show what a filled-in ledger would change; with --apply, apply it all or nothing."""
    from rectify.reports.ledger_workbook import apply_ledger, read_ledger

    try:
        plan = read_ledger(file, default_by=by)
    except Refusal as refusal:
        _fail(refusal.message)
        raise
    if plan.errors:
        for line in plan.errors:
            err.print(line, highlight=False, markup=False)
        _fail(f"refused: nothing was imported ({len(plan.errors)} error(s))")
    for c in plan.changes:
        evidence = f" [{', '.join(c.evidence)}]" if c.evidence else ""
        console.print(
            f"row {c.row}: 问题{c.problem} 进展 by {c.by}: {c.text}{evidence}",
            highlight=False,
            markup=False,
        )
    if not plan.changes:
        console.print("nothing to import", highlight=False)
        return
    if not apply:
        console.print(
            f"{len(plan.changes)} change(s); run again with --apply to record them", highlight=False
        )
        return
    refusals = apply_ledger(plan)
    if refusals:
        for line in refusals:
            err.print(line, highlight=False, markup=False)
        _fail(f"refused: nothing was imported ({len(refusals)} row(s) refused)")
    console.print(f"recorded {len(plan.changes)} progress update(s)", highlight=False)


DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "binhai-scenario.yaml"


def _load_demo(scenario: Path) -> None:
    from rectify.runtime.simulation import load_scenario
    from rectify.runtime.simulation import simulate as run_simulation

    loaded = load_scenario(scenario)
    create_schema()
    with session_scope() as session:
        from models import Inspection

        if session.get(Inspection, loaded.inspection_id) is not None:
            console.print(f"demo already loaded: {loaded.inspection_id}", highlight=False)
            return
    console.print(f"loading the demo: {scenario.name} on a virtual clock …", highlight=False)
    result = run_simulation(loaded, in_place=True)
    s = result.summary
    console.print(
        f"demo {loaded.inspection_id}: {s['problems']} problems, closed {s['closed']}, long-term "
        f"{s['long_term']}, overdue {s['overdue']}; {len(result.runs)} flow runs, {len(result.notices)} notices",
        highlight=False,
    )


@app.command()
def demo(
    scenario: Annotated[Path, typer.Option(help="the scenario to load")] = DEMO_SCENARIO,
) -> None:
    """Load the demo rectification (Binhai, seed 004) with its history into the database."""
    from rectify.runtime.simulation import prepare_embedded_prefect

    prepare_embedded_prefect()
    _load_demo(scenario)


@app.command()
def serve(
    demo: Annotated[bool, typer.Option("--demo", help="load the demo rectification first")] = False,
    host: str = "127.0.0.1",
    port: int = 4200,
) -> None:
    """Start the Prefect server with its UI and serve every deployment on its schedule."""
    from deployments import serve_all
    from rectify.runtime.server import embedded_server

    create_schema()
    if os.environ.get("PREFECT_API_URL"):
        if demo:
            _load_demo(DEMO_SCENARIO)
        console.print(f"serving deployments on {os.environ['PREFECT_API_URL']}", highlight=False)
        serve_all()
        return
    if demo:
        # The demo's runs are recorded by a server without its task-run recorder (see
        # rectify.runtime.simulation.prepare_embedded_prefect); the server is then restarted as usual.
        with embedded_server(host, port, record_task_runs=False):
            _load_demo(DEMO_SCENARIO)
    with embedded_server(host, port):
        console.print(
            f"Prefect UI: http://{host}:{port}  (Ctrl-C to stop; schedules stay active)",
            highlight=False,
        )
        serve_all()


if __name__ == "__main__":
    app()
