"""``rectify simulate``, ``demo`` and ``serve``: the engine on a virtual clock, the demo
rectification, and the Prefect server with every deployment on its schedule. They keep the
terminal quiet: a progress bar and a summary; Prefect's run logs go to the Prefect server
(and its UI) and to the log file (``--verbose``: to the terminal as well)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from models import create_schema
from rectify.cli.common import console, err, fail, fail_with, refusal_line
from rectify.core.errors import Refusal
from rectify.feedback.validate import FeedbackErrors
from rectify.runtime.access import check_host
from rectify.runtime.demo import is_loaded as _is_loaded
from rectify.runtime.demo import serve_demo
from rectify.runtime.logs import log_path, prefect_logs_to_file, quiet_child_processes
from rectify.runtime.replay_runs import OwnServer
from rectify.runtime.server import embedded_server
from rectify.runtime.simulation import (
    Scenario,
    ScenarioErrors,
    SimulationResult,
    load_scenario,
    prepare_embedded_prefect,
    write_outputs,
)
from rectify.runtime.simulation import (
    simulate as run_simulation,
)

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "binhai-scenario.yaml"
# What the progress bar names each step by: the flows as their runs are named, and the
# scenario's events as the office calls them; a step it does not know shows as it is.
STEPS = {
    "feedback-import": "导入反馈意见",
    "deadline-watch": "期限检查",
    "half-monthly-dispatch": "半月调度",
    "monthly-supervision": "每月督办",
    "lookback-review": "回头看",
    "deliver-notices": "发送通知",
    "approve_plan": "审议整改方案",
    "submit_report": "报送整改报告",
    "progress": "整改进展",
    "apply_sign_off": "申请销号",
    "sign_off": "整改销号",
    "return_sign_off": "退回销号申请",
    "long_term": "需长期整改",
    "extend": "延期",
    "review": "回头看复查",
    "done": "完成",
}
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="同时在终端显示 Prefect 的运行日志")
]


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr while the block runs (gone when it ends); yields its tick."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int, step: str) -> None:
            step = STEPS.get(step, step)
            bar.update(task, completed=done, total=total, description=f"{label}：{step}")

        yield tick


def _load(scenario: Path) -> Scenario:
    """The scenario, or its refusal with every error located (exit 1)."""
    try:
        return load_scenario(scenario)
    except (ScenarioErrors, FeedbackErrors) as exc:
        n = len(exc.errors)
        fail_with(exc.errors, refusal_line("invalid_file", f"未运行推演（{n} 处错误）"))


def _run(loaded: Scenario, label: str, *, verbose: bool, **options) -> SimulationResult:
    """Run the scenario under a progress bar, Prefect's logs in the log file."""
    with prefect_logs_to_file(verbose=verbose), _progress(label) as tick:
        return run_simulation(loaded, progress=tick, **options)


def simulate(
    scenario: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            metavar="场景文件",
            help="推演场景文件（docs/scenario-format.md）",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="输出目录：summary.json、notices.jsonl、runs.jsonl、report.md"),
    ],
    send: Annotated[
        bool, typer.Option("--send", help="真实发送通知（默认只记录，不发送）")
    ] = False,
    verbose: VerboseOpt = False,
) -> None:
    """在虚拟时钟上用真实的流程推演一个场景，无需等待真实时间。"""
    prepare_embedded_prefect()
    loaded = _load(scenario)
    OwnServer.start_early()
    result = _run(loaded, "推演", verbose=verbose, send=send)
    write_outputs(result, out)
    s = result.summary
    console.print(
        f"截至 {s['as_of']}：{s['aspects']} 个方面，{s['problems']} 个问题；已销号 {s['closed']}，"
        f"长期整改 {s['long_term']}，推进中 {s['in_progress']}，未启动 {s['not_started']}，"
        f"重新整改 {s['reopened']}，超期 {s['overdue']}；通知 {len(result.notices)} 条，"
        f"流程运行 {len(result.runs)} 次，被拒绝的操作 {len(s['refused_events'])} 次；"
        f"结果已写入 {out}",
        highlight=False,
    )


def _load_demo(scenario: Path, *, verbose: bool) -> None:
    loaded = _load(scenario)
    create_schema()
    if _is_loaded(loaded.inspection_id):
        console.print(f"演示数据已在数据库中：{loaded.inspection_id}", highlight=False)
        return
    OwnServer.start_early()
    result = _run(loaded, "载入演示数据", verbose=verbose, in_place=True)
    s = result.summary
    console.print(
        f"演示数据已载入 {loaded.inspection_id}：{s['problems']} 个问题，已销号 {s['closed']}，"
        f"长期整改 {s['long_term']}，超期 {s['overdue']}；流程运行 {len(result.runs)} 次，"
        f"通知 {len(result.notices)} 条",
        highlight=False,
    )


def demo(
    scenario: Annotated[
        Path, typer.Option("--scenario", help="要载入的推演场景文件")
    ] = DEMO_SCENARIO,
    verbose: VerboseOpt = False,
) -> None:
    """将演示用的整改（滨海，种子 004）连同其历史载入数据库。"""
    prepare_embedded_prefect()
    _load_demo(scenario, verbose=verbose)
    console.print(f"运行日志：{log_path()}；查看整改情况：rectify status", highlight=False)


def refuse_open_host(host: str) -> None:
    """Exit 1 with the reason, audited, when ``host`` is open to the network without auth."""
    try:
        check_host(host)
    except Refusal as refusal:
        from rectify.audit.guard import Attempt, refuse

        refuse(Attempt("serve", subject=host), refusal)
        fail(refusal_line(refusal.code, refusal.message))


def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="先载入演示数据（服务先启动，演示数据在后台回放）")
    ] = False,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Prefect 服务器监听的地址；网络地址须先设置 PREFECT_SERVER_API_AUTH_STRING",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口")] = 4200,
    verbose: VerboseOpt = False,
) -> None:
    """启动带界面的 Prefect 服务器，并按计划运行全部部署。"""
    # --- access (rectify.runtime.access): a network address only with the API auth string
    refuse_open_host(host)
    # ---
    create_schema()
    if demo and not os.environ.get("PREFECT_API_URL"):  # --- the demo up in seconds
        serve_demo(
            host,
            port,
            DEMO_SCENARIO,
            lambda text: console.print(text, highlight=False),
            serve=lambda serve_all: _serve(serve_all, verbose=verbose),
        )
        return  # --- (rectify.runtime.demo)
    # The deployments load Prefect and every flow: deferred so that --help stays quick.
    from deployments import serve_all

    if os.environ.get("PREFECT_API_URL"):
        if demo:
            _load_demo(DEMO_SCENARIO, verbose=verbose)
        console.print(f"按计划运行全部部署：{os.environ['PREFECT_API_URL']}", highlight=False)
        _serve(serve_all, verbose=verbose)
        return
    with embedded_server(host, port):
        console.print(
            f"Prefect 界面：http://{host}:{port}（Ctrl-C 停止；计划保持有效）", highlight=False
        )
        _serve(serve_all, verbose=verbose)


def _serve(serve_all: Callable[..., None], *, verbose: bool) -> None:
    """Serve every deployment, its runs' logs in the log file (and on the terminal when
    ``verbose``)."""
    with prefect_logs_to_file(verbose=verbose) as path:
        if not verbose:
            quiet_child_processes(path)
        console.print(f"运行日志写入 {path}", highlight=False)
        serve_all(print_starting_message=verbose)
