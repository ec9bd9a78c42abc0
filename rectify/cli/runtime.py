"""``rectify simulate``, ``demo`` and ``serve``: the engine on a virtual clock, the demo
rectification, and the Prefect server with every deployment on its schedule."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from models import create_schema
from rectify.cli.common import console, err, fail, fail_with
from rectify.core.errors import Refusal
from rectify.feedback.validate import FeedbackErrors
from rectify.runtime.access import check_host
from rectify.runtime.demo import is_loaded as _is_loaded
from rectify.runtime.demo import serve_demo
from rectify.runtime.server import embedded_server
from rectify.runtime.simulation import (
    ScenarioErrors,
    load_scenario,
    prepare_embedded_prefect,
    write_outputs,
)
from rectify.runtime.simulation import (
    simulate as run_simulation,
)

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "binhai-scenario.yaml"


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
    prepare_embedded_prefect()
    try:
        loaded = load_scenario(scenario)
    except (ScenarioErrors, FeedbackErrors) as exc:
        fail_with(exc.errors, f"refused: the scenario was not run ({len(exc.errors)} error(s))")
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


def _load_demo(scenario: Path) -> None:
    loaded = load_scenario(scenario)
    create_schema()
    if _is_loaded(loaded.inspection_id):
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


def demo(
    scenario: Annotated[Path, typer.Option(help="the scenario to load")] = DEMO_SCENARIO,
) -> None:
    """Load the demo rectification (Binhai, seed 004) with its history into the database."""
    prepare_embedded_prefect()
    _load_demo(scenario)


def refuse_open_host(host: str) -> None:
    """Exit 1 with the reason, audited, when ``host`` is open to the network without auth."""
    try:
        check_host(host)
    except Refusal as refusal:
        from rectify.audit.guard import Attempt, refuse

        refuse(Attempt("serve", subject=host), refusal)
        fail(refusal.message)


def serve(
    demo: Annotated[bool, typer.Option("--demo", help="load the demo rectification first")] = False,
    host: Annotated[
        str, typer.Option(help="listen address; a network one needs PREFECT_SERVER_API_AUTH_STRING")
    ] = "127.0.0.1",
    port: int = 4200,
) -> None:
    """Start the Prefect server with its UI and serve every deployment on its schedule."""
    # --- access (rectify.runtime.access): a network address only with the API auth string
    refuse_open_host(host)
    # ---
    create_schema()
    if demo and not os.environ.get("PREFECT_API_URL"):  # --- the demo up in seconds
        serve_demo(host, port, DEMO_SCENARIO, lambda text: console.print(text, highlight=False))
        return  # --- (rectify.runtime.demo)
    # The deployments load Prefect and every flow: deferred so that --help stays quick.
    from deployments import serve_all

    if os.environ.get("PREFECT_API_URL"):
        if demo:
            _load_demo(DEMO_SCENARIO)
        console.print(f"serving deployments on {os.environ['PREFECT_API_URL']}", highlight=False)
        serve_all()
        return
    with embedded_server(host, port):
        console.print(
            f"Prefect UI: http://{host}:{port}  (Ctrl-C to stop; schedules stay active)",
            highlight=False,
        )
        serve_all()
