"""Replay a rectification on a virtual clock (scenario-format.md).

The engine's own scheduled flows run as Prefect flow runs at the instants their schedules
give between ``start`` and ``until``; the scripted events are applied in time order in
between, through the same rules as the commands (at an instant shared with a flow run, the
events come first: people act, then the engine looks). Nothing waits for real time.
Notices are captured, not sent, unless ``send`` is asked for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import select

from models import Notice, create_schema, reset_engine, session_scope
from rectify.core.clock import local_date, local_iso, parse_instant
from rectify.core.messages import pydantic_message, show
from rectify.core.settings import reset_settings
from rectify.events import virtual_clock
from rectify.feedback.locate import FileError, Located, read_file
from rectify.feedback.validate import FeedbackErrors, load_feedback
from rectify.problems import service
from rectify.problems.actions import ACTIONS, Action
from rectify.problems.snapshots import status_figures
from rectify.reports.progress import progress_report_markdown
from rectify.runtime.replay_runs import OwnServer, replay_runs, without_flow_heartbeats

_without_flow_heartbeats = without_flow_heartbeats  # the name tests/fault_child.py imports


class ScenarioErrors(FeedbackErrors):
    """Every violation in a scenario file, located; nothing was run."""


@dataclass
class Event:
    at: dt.datetime
    index: int  # position in the file, to keep the order of events at one instant
    kind: str
    action: Action


@dataclass
class Scenario:
    path: Path
    feedback_path: Path
    inspection_id: str
    timezone: str
    start: dt.datetime
    until: dt.datetime
    events: list[Event]
    policy: Any = None


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file and the feedback file it names; raise
    ``ScenarioErrors`` (or the feedback file's ``FeedbackErrors``) with every violation."""
    try:
        located = read_file(path)  # within the input limits, as every file read
    except FileError as exc:
        raise ScenarioErrors([str(exc)]) from None
    errors: list[str] = []

    def report(where: tuple, message: str) -> None:
        errors.append(located.error(where, message))

    data = located.data if isinstance(located.data, dict) else {}
    for key in data:
        if key not in ("feedback", "clock", "events"):
            report((key,), "未知字段（格式中没有这一项）")
    feedback_rel = data.get("feedback")
    if not isinstance(feedback_rel, str):
        report(("feedback",), "缺少必填字段：反馈文件的路径（相对于本文件）")
        raise ScenarioErrors(errors)
    feedback_path = (path.parent / feedback_rel).resolve()
    if not feedback_path.is_file():
        report(("feedback",), f"文件不存在：{feedback_path}")
        raise ScenarioErrors(errors)
    feedback, _ = load_feedback(feedback_path)  # raises FeedbackErrors, located in that file
    tz = feedback.inspection.timezone
    instants = _clock(data.get("clock"), tz, report)
    events = _events(located, data.get("events"), tz, report)
    if errors:
        raise ScenarioErrors(errors)
    return Scenario(
        path=path,
        feedback_path=feedback_path,
        inspection_id=feedback.inspection.id,
        timezone=tz,
        start=instants["start"],
        until=instants["until"],
        events=sorted(events, key=lambda e: (e.at, e.index)),
        policy=feedback.policy,
    )


def _clock(raw: Any, tz: str, report) -> dict[str, dt.datetime]:
    """The scenario's start and until, read in zone ``tz``; each violation reported."""
    clock = raw if isinstance(raw, dict) else {}
    if not clock:
        report(("clock",), "缺少必填字段：start 和 until")
    instants: dict[str, dt.datetime] = {}
    for key in ("start", "until"):
        if clock.get(key) is None:  # parse_instant would take None for "now"
            if clock:
                report(("clock", key), "缺少必填字段")
            continue
        try:
            instants[key] = parse_instant(_text(clock[key]), tz)
        except (ValueError, TypeError, OverflowError):  # Overflow: before year 1 in UTC
            report(("clock", key), not_an_instant(clock[key]))
    if len(instants) == 2 and instants["start"] >= instants["until"]:
        report(("clock", "until"), "结束时间不晚于开始时间")
    return instants


def not_an_instant(value: Any) -> str:
    """Why a scenario's ``start``, ``until`` or ``at`` is refused."""
    return f"不是有效的日期或时间：{show(_text(value))}（应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）"


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _events(located: Located, raw: Any, tz: str, report) -> list[Event]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        report(("events",), f"应为列表，实为 {show(raw)}")
        return []
    events = []
    for i, entry in enumerate(raw):
        where = ("events", i)
        if not isinstance(entry, dict):
            report(where, "每个事件应为映射，含 at 和一个动作")
            continue
        kinds = [k for k in entry if k != "at"]
        if len(kinds) != 1 or kinds[0] not in ACTIONS:
            report(
                where,
                f"应恰好给出一个动作，可选：{'、'.join(ACTIONS)}（实为：{'、'.join(kinds) or '无'}）",
            )
            continue
        kind = kinds[0]
        if entry.get("at") is None:  # parse_instant would take None for "now"
            report(where + ("at",), "缺少必填字段")
            continue
        try:
            at = parse_instant(_text(entry["at"]), tz)
        except (ValueError, TypeError, OverflowError):  # Overflow: before year 1 in UTC
            report(where + ("at",), not_an_instant(entry["at"]))
            continue
        payload = entry[kind]
        try:
            action = ACTIONS[kind].model_validate(payload if isinstance(payload, dict) else {})
        except ValidationError as exc:
            for err in exc.errors():
                report(where + (kind, *err["loc"]), pydantic_message(err))
            continue
        events.append(Event(at=at, index=i, kind=kind, action=action))
    return events


class SimulationResult(BaseModel):
    summary: dict
    notices: list[dict]
    runs: list[dict]
    report: str


def timeline(scenario: Scenario) -> list[tuple[dt.datetime, int, str]]:
    """Every scheduled flow instant between start and until, in the inspection's policy."""
    from deployments import SCHEDULED, DeploymentSpec

    out = []
    policy = scenario.policy
    for order, spec in enumerate(SCHEDULED):
        if spec.name == "deliver-notices":
            continue  # captured notices need no delivery runs; each run captures what is due
        cron = spec.cron
        if spec.name == "half-monthly-dispatch":
            cron = f"0 9 {','.join(map(str, policy.dispatch_days))} * *"
        elif spec.name == "monthly-supervision":
            cron = f"0 9 {policy.supervision_day} * *"
        adjusted = DeploymentSpec(spec.name, spec.entrypoint, cron, spec.description)
        out += [
            (t, order, spec.name)
            for t in adjusted.next_runs(scenario.start, scenario.until, scenario.timezone)
        ]
    return sorted(out, key=lambda x: (x[0], x[1]))


def simulate(
    scenario: Scenario,
    *,
    send: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    in_place: bool = False,
) -> SimulationResult:
    """Run the scenario against a fresh temporary database (or, ``in_place``, the engine's
    own database: the demo) and return what it produced."""
    own_server = None
    if _own_server():
        own_server = OwnServer()
    else:  # pointed at a server: one started early is not needed
        OwnServer.discard_early()
    _load_flows()  # while the replay's own server starts
    if in_place:
        with replay_runs(own_server), virtual_clock():
            return _run(scenario, send=send, progress=progress)

    saved = os.environ.get("RECTIFY_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="rectify-sim-") as tmp:
        os.environ["RECTIFY_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'simulation.db'}"
        reset_settings()
        reset_engine()
        try:
            create_schema()  # the temporary database, while the replay's own server starts
            with replay_runs(own_server), virtual_clock():
                return _run(scenario, send=send, progress=progress)
        finally:
            reset_engine()
            if saved is None:
                os.environ.pop("RECTIFY_DATABASE_URL", None)
            else:
                os.environ["RECTIFY_DATABASE_URL"] = saved
            reset_settings()


def _own_server() -> bool:
    """Whether the runs go to the temporary server Prefect starts in this process, rather
    than one it was pointed at (``rectify serve --demo`` sets its own server's client
    settings itself: ``rectify.runtime.server.embedded_server``)."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() is None


def prepare_embedded_prefect() -> None:
    """When the simulation starts its own embedded Prefect server (no PREFECT_API_URL), that
    server runs without its task-run recorder: on SQLite the recorder holds the write lock so
    often that flow-run creations are answered "busy" and the client waits 2 s before
    retrying (benchmarks/prefect_overheads.py: +0.7-0.9 s per flow run on Prefect 3.8.8,
    +0.7-1.5 s on 3.9.1); the tasks inside its runs are not listed. Like ``rectify serve``'s
    server, it sends no analytics (whose heartbeat, written at start, met "database is
    locked" under load), and it is given up to 2 minutes to start on a busy machine
    (Prefect's default: 20 s). A simulation pointed at a real server (PREFECT_API_URL) uses
    that server as it is configured; the replay's own server also leaves out what only an
    onlooker would use (``rectify.runtime.replay_runs.OwnServer``)."""
    if not os.environ.get("PREFECT_API_URL"):
        os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "false")
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _load_flows() -> None:
    """Load Prefect, the deployments and the flows a replay runs (only when a scenario runs,
    so that the command line's --help stays quick), and what Prefect loads only at a
    flow's first run (its flow engine, its parameters' encoder, its run graphs; ~0.15 s),
    while the replay's own server starts."""
    import importlib

    import deployments

    for spec in deployments.SCHEDULED:
        spec.load_flow()
    for module in (
        "flows.feedback_import",
        "flows.deliver_notices",
        "prefect.flow_engine",
        "fastapi.encoders",
        "prefect.utilities.visualization",
    ):
        importlib.import_module(module)


def _run(scenario: Scenario, *, send: bool, progress) -> SimulationResult:
    # Prefect, the deployments and the flows load only when a scenario runs, so that the
    # command line's --help stays quick.
    from prefect import tags

    from deployments import by_name
    from flows.deliver_notices import deliver_notices
    from flows.feedback_import import feedback_import

    create_schema()
    tz, iid = scenario.timezone, scenario.inspection_id
    runs: list[dict] = []
    refused: list[dict] = []
    capture = not send

    def record_run(at: dt.datetime, flow: str, result: Any) -> None:
        runs.append({"at": local_iso(at, tz), "flow": flow, "result": _plain(result)})

    steps: list[tuple[dt.datetime, int, int, Any]] = []
    for event in scenario.events:
        steps.append((event.at, 0, event.index, event))
    for at, order, name in timeline(scenario):
        steps.append((at, 1, order, name))
    steps.sort(key=lambda s: (s[0], s[1], s[2]))
    total = len(steps) + 2
    with tags(f"inspection:{iid}", "simulation"):
        result = feedback_import(str(scenario.feedback_path), as_of=scenario.start)
        record_run(
            scenario.start,
            "feedback-import",
            {
                k: result[k]
                for k in ("done", "inspection_id", "aspects", "problems", "measures", "plan_due")
            },
        )
        if progress:
            progress(1, total, "feedback-import")
        for n, (at, is_flow, _, what) in enumerate(steps, start=2):
            if is_flow:
                flow = by_name(what).load_flow()
                record_run(at, what, flow(as_of=at, inspection_id=iid, capture=capture))
            else:
                outcome = service.act(iid, what.action, at)
                if not outcome.done:
                    refused.append(
                        {
                            "at": local_iso(at, tz),
                            "event": what.kind,
                            "by": what.action.by,
                            "problem": getattr(what.action, "problem", None),
                            "code": outcome.code,
                            "reason": outcome.message,
                        }
                    )
            if progress:
                progress(n, total, what if is_flow else what.kind)
        record_run(
            scenario.until,
            "deliver-notices",
            deliver_notices(as_of=scenario.until, inspection_id=iid, capture=capture),
        )
        if progress:
            progress(total, total, "done")
    as_of = local_date(scenario.until, tz)
    with session_scope() as session:
        figures = service.status(iid, as_of, session=session)
    summary = {
        "as_of": local_iso(scenario.until, tz),
        **status_figures(figures),
        "refused_events": refused,
    }
    with session_scope() as session:
        rows = session.exec(
            select(Notice)
            # due within the clock: a notice held back past ``until`` (quiet hours) is not sent
            .where(Notice.status != "pending", Notice.deliver_after <= scenario.until)
            .order_by(Notice.deliver_after, Notice.id)
        ).all()
        notices = [
            {
                "at": local_iso(n.deliver_after, tz),
                "kind": n.kind,
                "level": n.level,
                "to": n.person_key,
                "role": n.role,
                "problems": list(n.problems),
            }
            for n in rows
        ]
    with session_scope() as session:
        report = progress_report_markdown(iid, as_of, session=session)
    return SimulationResult(summary=summary, notices=notices, runs=runs, report=report)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def write_outputs(result: SimulationResult, out: Path) -> None:
    """Write summary.json, notices.jsonl, runs.jsonl and report.md into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(
        json.dumps(result.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "notices.jsonl").write_text(
        "".join(json.dumps(n, ensure_ascii=False) + "\n" for n in result.notices), encoding="utf-8"
    )
    (out / "runs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result.runs), encoding="utf-8"
    )
    (out / "report.md").write_text(result.report, encoding="utf-8")
