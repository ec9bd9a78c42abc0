"""How a replay's flow runs talk to Prefect (``rectify.runtime.simulation``): the same flows,
tasks, states, logs and artifacts as in production, without the per-run costs that a
replay of hundreds of runs measured (benchmarks/simulate.py, benchmarks/prefect_overheads.py).
Each setting holds only inside ``replay_runs()``: production runs, even in the same
process, keep Prefect's defaults."""

from __future__ import annotations

import atexit
import contextvars
import functools
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

from rectify.core.settings import get_settings
from rectify.runtime.server import answers, stop, without_csrf_tokens


@contextmanager
def replay_runs(own_server: OwnServer | None = None) -> Iterator[None]:
    """The runs started in this block: without heartbeats or trace spans, on one API client,
    the server's default result storage read once. With ``own_server`` (the temporary
    server this replay started, whose CSRF protection is off and which nobody watches) the
    runs go to that server, once it answers, without a CSRF token asked for by each new
    client and without events."""
    from flows.common import runs_untagged
    from tasks.publish import unsent

    with ExitStack() as stack:
        if own_server is not None:
            stack.enter_context(own_server.pointed_at())
            stack.enter_context(without_csrf_tokens())
            stack.enter_context(without_events())
            stack.enter_context(unsent())  # tasks.publish: artifacts no one could open
            stack.enter_context(tasks_as_calls())
            stack.enter_context(runs_untagged())  # no UI there to filter runs in
        stack.enter_context(without_flow_heartbeats())
        stack.enter_context(without_run_tracing())
        stack.enter_context(one_client())
        if own_server is not None:
            stack.enter_context(fewer_requests())
        stack.enter_context(storage_read_once())
        yield


@contextmanager
def without_flow_heartbeats() -> Iterator[None]:
    """Every finished sync flow run waits up to a second for its heartbeat thread to wake up
    (about 0.8-1.0 s per run on Prefect 3.8.8 and 3.9.1, benchmarks/prefect_overheads.py).
    A simulation's runs last milliseconds of a virtual clock, so the runs started in this
    block have no heartbeats (crash detection for long runs)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    # None is accepted only here, not from the environment (which wants at least 30 s).
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


_plain_tasks: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "rectify_plain_tasks", default=False
)


@contextmanager
def tasks_as_calls() -> Iterator[None]:
    """In this block (this thread's context only) a task called inside a flow runs as a
    plain call of its function, inside the flow run. For a replay on its own server, whose
    task-run recorder is off (``OwnServer``): there a task run is
    recorded nowhere, and Prefect's task engine around each call (states, a result store,
    concurrency slots, a log line) cost about 5 ms a call, 682 calls in the Wulong replay.
    No task of the engine has retries or a cache that such a call would leave out; the flow
    runs, their states, logs and artifacts are as before, and so are the replay's outputs
    (byte for byte, benchmarks/simulate.py). Tasks started with ``.delay`` (task workers)
    are not calls and are left alone."""
    from prefect.tasks import Task

    if not getattr(Task.__call__, "_rectify_plain", False):
        engine_call = Task.__call__

        @functools.wraps(engine_call)
        def call(self, *args, **kwargs):
            if _plain_tasks.get() and not kwargs.get("return_state"):
                return self.fn(*args, **kwargs)
            return engine_call(self, *args, **kwargs)

        call._rectify_plain = True
        Task.__call__ = call
    token = _plain_tasks.set(True)
    try:
        yield
    finally:
        _plain_tasks.reset(token)


@contextmanager
def without_run_tracing() -> Iterator[None]:
    """Prefect opens an OpenTelemetry span for every flow and task run and writes its trace
    id into each flow run's labels: one more request per run (195 in the Wulong replay),
    for traces that nothing collects in a replay. The runs of this block have no spans."""
    from prefect.settings import PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY, temporary_settings

    with temporary_settings(updates={PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY: False}):
        yield


@contextmanager
def without_events() -> Iterator[None]:
    """No Prefect events from this process: every task run sends three (2 046 in the Wulong
    replay), each serialised, compressed and sent on a websocket, then decoded and matched
    against the automations by the server. The temporary server a replay starts for itself
    records no events and runs no automations (``OwnServer``), so they would be work for
    nobody; the lifecycle events (``rectify.events``) are left out with them. A replay
    pointed at a running server (``rectify serve --demo``, a test server) sends every event
    as usual."""
    import prefect.events.utilities as utilities

    emits = utilities.should_emit_events  # the hook Prefect's own test fixtures replace
    utilities.should_emit_events = lambda: False
    try:
        yield
    finally:
        utilities.should_emit_events = emits


@contextmanager
def one_client() -> Iterator[None]:
    """Every flow and task run of the block on one Prefect API client: without it each run
    opens a client of its own (a TLS context, a CSRF token request, a new connection)."""
    from prefect.context import SyncClientContext

    with SyncClientContext.get_or_create():
        yield


@contextmanager
def fewer_requests() -> Iterator[None]:
    """Two requests of every run answered on the block's client (``one_client``), for a
    replay on its own server only, which no one else writes to and no one reads:

    - Prefect creates a run's flow before every run (``POST /flows/``, answered with the flow
      of that name, made the first time): a flow's first answer is kept and given again;
    - a run's name is set once the run exists (``PATCH /flow_runs/{id}``, the name alone):
      the name is kept here and put into the run as Prefect reads it back at its start
      (``GET /flow_runs/{id}``), so the run, its logs and the log file carry it as before.

    About 370 requests fewer in a Wulong replay (of 1 200), about 1 s (benchmarks/simulate.py)."""
    import httpx
    from prefect.context import SyncClientContext

    client = SyncClientContext.get().client
    send = client.request
    flows: dict[str, httpx.Response] = {}
    names: dict[str, str] = {}

    def request(method, path, params=None, path_params=None, **kwargs):
        run = str((path_params or {}).get("id", "")) if path == "/flow_runs/{id}" else ""
        body = kwargs.get("json")
        if (method, path, params, path_params) == ("POST", "/flows/", None, None):
            key = repr(body)
            if key not in flows:
                answer = send(method, path, json=body)
                if not answer.is_success:
                    return answer
                flows[key] = answer
            return flows[key]
        if method == "PATCH" and run and isinstance(body, dict) and set(body) == {"name"}:
            names[run] = body["name"]
            return httpx.Response(204, request=httpx.Request(method, path))
        answer = send(method, path, params=params, path_params=path_params, **kwargs)
        if method == "GET" and run in names and answer.is_success:
            return httpx.Response(
                answer.status_code,
                json={**answer.json(), "name": names[run]},
                request=httpx.Request(method, path),
            )
        return answer

    before = client.__dict__.get("request")  # a wrapper of an enclosing block, if any
    client.request = request
    try:
        yield
    finally:
        if before is None:
            del client.request  # the class's own again
        else:
            client.request = before


@contextmanager
def storage_read_once() -> Iterator[None]:
    """Prefect asks the server for its default result storage at the start of every flow run
    and every task run (three requests per replayed run); within the block the first answer
    is kept. The server's setting cannot change while a replay runs on it."""
    import prefect.results as results

    read = getattr(results, "_read_server_default_result_storage_block_id", None)
    if read is None:  # another Prefect: nothing to keep
        yield
        return
    answers: list = []

    def read_once():
        if not answers:
            answers.append(read())
        return answers[0]

    results._read_server_default_result_storage_block_id = read_once
    try:
        yield
    finally:
        results._read_server_default_result_storage_block_id = read


class OwnServer:
    """The temporary Prefect server a replay starts for itself (no PREFECT_API_URL), started
    in a thread as soon as the replay begins, so that its start overlaps the loading of the
    flows and of the engine's database; ``ready()`` waits for it before the first run.

    Nobody watches this server: it has no UI, runs only the replay's flows and ends with the
    process. So:

    - its database is its own, in a temporary directory removed at exit, not Prefect's home
      (where every replay used to add its runs for good). It starts as a copy of a new
      Prefect database kept per Prefect version in ``~/.rectify/cache``: creating one runs
      Prefect's migrations, 4 of the ~6 s a first start takes; the copy starts in 2-3 s;
    - it runs without the services that record or react to events (``LEFT_OUT``): the event
      persister, which wrote every state change of every flow run as an event and on SQLite
      met "busy" answers that cost the client 2 s each (Wulong replay: 66 s with it, 26 s
      without, benchmarks/simulate.py), the task-run recorder (the tasks run as plain calls
      there: ``tasks_as_calls``) and the automations (it has none).

    Flow runs with their states and logs are recorded as usual; their names are kept by the
    replay (``fewer_requests``), runs on one unit are not tagged, artifacts are rendered and
    not sent (``tasks.publish.unsent``). A later replay in the same process (tests) uses the server the first one started."""

    LEFT_OUT = ("EVENT_PERSISTER", "TASK_RUN_RECORDER", "TRIGGERS")
    _running: dict[str, object] = {}  # the server started for an earlier replay, kept

    def __init__(self) -> None:
        self._error: BaseException | None = None
        self._api: str | None = None
        self._thread = threading.Thread(
            target=contextvars.copy_context().run,
            args=(self._start,),
            name="rectify-replay-server",
            daemon=True,
        )
        self._thread.start()

    def _start(self) -> None:
        try:
            self._api = self._start_server()
        except BaseException as exc:  # raised again in the replay's thread, by ready()
            self._error = exc

    def _start_server(self) -> str:
        import prefect
        from prefect.settings import (
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
            get_current_settings,
        )

        running = self._running.get("server")
        if running is not None and running[0].poll() is None:
            return running[1]
        home = Path(tempfile.mkdtemp(prefix="rectify-replay-prefect-"))
        atexit.register(shutil.rmtree, home, True)  # after the server's own stop (LIFO)
        database = home / "prefect.db"
        template = get_settings().home / "cache" / f"prefect-{prefect.__version__}.db"
        copied = _migrated(template)
        if copied:
            shutil.copyfile(template, database)
        else:  # none yet, or not a whole migrated database: made again
            template.unlink(missing_ok=True)
        env = self.environment(
            {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True)},
            database,
            copied,
        )
        limit = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        process, api = _serve_api(env, limit)
        self._running["server"] = (process, api)
        if not copied:
            _keep_copy(database, template)
        return api

    @classmethod
    def environment(cls, base: dict[str, str], database: Path, copied: bool) -> dict[str, str]:
        """The server's settings over ``base`` (this process's environment and Prefect
        settings): its own database, whatever database Prefect is set to use here (under
        either name of the setting, or its parts) — never the office's; no UI; the services
        of ``LEFT_OUT`` and Prefect's usage statistics off. A copy of the kept database is
        already migrated and has Prefect's block types registered: a server on it skips both
        (0.5 s of its start)."""
        env = {
            key: value
            for key, value in base.items()
            if key != "PREFECT_API_URL"
            and not key.startswith(("PREFECT_API_DATABASE_", "PREFECT_SERVER_DATABASE_"))
        }
        env |= {
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{database}",
            "PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false" if copied else "true",
            "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false" if copied else "true",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT__SERVER_EPHEMERAL": "1",  # as Prefect's own temporary server
            "PREFECT__SERVER_FINAL": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        env |= {f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in cls.LEFT_OUT}
        return env

    def ready(self) -> str:
        """Wait until the server answers and return its API address; raise what stopped it
        from starting."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._api is not None
        return self._api

    @contextmanager
    def pointed_at(self) -> Iterator[None]:
        """This process's Prefect client pointed at the server, once it answers."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.ready()}):
            yield


def _serve_api(env: dict[str, str], limit: float) -> tuple[subprocess.Popen, str]:
    """Prefect's API in a process of its own, as Prefect starts its temporary server, without
    importing Prefect's server module here (1.2 s of this process's start, beside the
    flows' loading): the process and its API address, once it answers. Another port is
    tried when the process ends at once with uvicorn's 3 (a port taken since it was found
    free, or a start that failed: three tries)."""
    import prefect

    deadline = time.monotonic() + limit
    for _ in range(3):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"]
            + ["--app-dir", str(Path(prefect.__file__).parent.parent)]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error"]
            + ["--lifespan", "on"],
            env=env,
        )
        atexit.register(stop, process, 5)
        api = f"http://127.0.0.1:{port}/api"
        if answers(api, process, deadline, every=0.05):
            return process, api
        stop(process, 5)
        if process.returncode != 3 or time.monotonic() >= deadline:
            break
    if time.monotonic() >= deadline:
        raise RuntimeError(f"回放用的 Prefect 服务未能在 {limit:.0f} 秒内启动")
    raise RuntimeError(
        f"回放用的 Prefect 服务启动失败（退出码 {process.returncode}），详见上方输出"
    )


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _keep_copy(database: Path, template: Path) -> None:
    """Copy the server's new database (migrated, nothing run yet) to ``template``, whole or
    not at all: SQLite's backup of a database in use, then a rename."""
    template.parent.mkdir(parents=True, exist_ok=True)
    partial = template.with_name(f"{template.name}.{os.getpid()}.part")
    try:
        if not database.is_file():
            return
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, nothing beside it
        if _migrated(partial):
            os.replace(partial, template)
    except (OSError, sqlite3.Error):  # only a slower start next time
        pass
    finally:
        partial.unlink(missing_ok=True)


def _migrated(database: Path) -> bool:
    """Whether ``database`` is a Prefect database its migrations have made (a kept copy
    that is not, cut short or emptied, is made again rather than started on)."""
    if not database.is_file():
        return False
    try:
        # Read as a file that does not change: no lock, no -wal or -shm file made beside it.
        with closing(sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)) as db:
            return db.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    except sqlite3.Error:
        return False
