"""The demo up in seconds (演示): ``rectify serve --demo`` serves the deployments at once and
replays the demo rectification behind them, in a thread of the serving process. The replay's
first runs (the feedback import, the first deadline watch) publish the unit's dashboard
within seconds; its history, notices and runs fill in as it goes; at its end the
dashboards are published again with the chart and the office's overview."""

from __future__ import annotations

import contextvars
import importlib
import threading
from collections.abc import Callable
from pathlib import Path

from models import create_schema, session_scope
from rectify.core.errors import Refusal
from rectify.core.settings import get_settings
from rectify.problems.tree import get_inspection
from rectify.runtime.simulation import load_scenario, simulate


def is_loaded(inspection_id: str) -> bool:
    """Whether the database holds this inspection already."""
    try:
        with session_scope() as session:
            get_inspection(session, inspection_id)
    except Refusal:
        return False
    return True


class Stopped(Exception):
    """The serving process is stopping: the replay ends where it is."""


def replay(scenario: Path, say: Callable[[str], None], stop: threading.Event) -> None:
    """Replay ``scenario`` into the engine's database (once), then publish its dashboards
    with the chart and the office overview; ``stop`` ends it between two steps."""

    def step(done: int, total: int, label: str) -> None:
        if stop.is_set():
            raise Stopped

    loaded = load_scenario(scenario)
    create_schema()
    if is_loaded(loaded.inspection_id):
        say(f"演示数据已载入：{loaded.inspection_id}")
    else:
        say(f"正在后台回放演示数据 {scenario.name}（虚拟时钟），看板随回放更新 …")
        result = simulate(loaded, in_place=True, progress=step)
        s = result.summary
        say(
            f"演示 {loaded.inspection_id} 回放完成：问题 {s['problems']} 个，已销号 {s['closed']} 个，"
            f"需长期整改 {s['long_term']} 个，超期 {s['overdue']} 个；流程运行 {len(result.runs)} 次，"
            f"通知 {len(result.notices)} 条"
        )
    publish_final(loaded.inspection_id, loaded.until)


def publish_final(inspection_id: str, at) -> None:
    """The dashboards as of ``at`` with the chart, and the office overview."""
    from prefect import flow

    from tasks.dashboard import refresh_dashboards

    @flow(name="demo-dashboard", flow_run_name=f"演示看板 {inspection_id}")
    def demo_dashboard() -> int:
        return refresh_dashboards([inspection_id], at, str(get_settings().home / "reports"))

    demo_dashboard()


def serve_demo(
    host: str,
    port: int,
    scenario: Path,
    say: Callable[[str], None],
    serve: Callable[[Callable[..., None]], None] | None = None,
) -> None:
    """Start the embedded server (without its task-run recorder, see
    ``rectify.runtime.simulation.prepare_embedded_prefect``) while Prefect and the flows load,
    serve every deployment at once (through ``serve(serve_all)`` when given: the command
    line's quiet logging) and replay the demo behind them."""
    from rectify.runtime.server import embedded_server

    loading = threading.Thread(target=importlib.import_module, args=("deployments",))
    loading.start()  # the imports overlap the server's start
    with embedded_server(host, port, record_task_runs=False):
        loading.join()
        from deployments import serve_all

        say(f"Prefect UI：http://{host}:{port}（Ctrl-C 停止；计划任务保持有效）")
        stop = threading.Event()
        replaying = replay_behind(scenario, say, stop)
        try:
            if serve is None:
                serve_all()
            else:
                serve(serve_all)
        finally:  # the replay ends before the server does (which sends its logs and events)
            stop.set()
            replaying.join(timeout=60)


def replay_behind(
    scenario: Path, say: Callable[[str], None], stop: threading.Event
) -> threading.Thread:
    """Start ``replay`` in a daemon thread (the serving process's main thread serves); its
    failure is said, not raised."""

    def run() -> None:
        try:
            replay(scenario, say, stop)
        except Stopped:
            say("演示数据回放已停止（再次运行 rectify serve --demo 不会续放：可删除数据库后重来）")
        except Exception as exc:  # the deployments keep being served
            say(f"演示数据回放失败：{exc}")

    # The thread runs in a copy of this context: Prefect's settings (the embedded server's
    # API URL) live in a context variable, which a new thread would not see.
    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(run,), name="rectify-demo-replay", daemon=True
    )
    thread.start()
    return thread
