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
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

from rectify.core.settings import get_settings
from rectify.runtime.server import without_csrf_tokens


@contextmanager
def replay_runs(own_server: OwnServer | None = None) -> Iterator[None]:
    """The runs started in this block: without heartbeats or trace spans, on one API client,
    the server's default result storage read once. With ``own_server`` (the temporary
    server this replay started, whose CSRF protection is off and which nobody watches) the
    runs go to that server, once it answers, without a CSRF token asked for by each new
    client and without events."""
    from flows.common import runs_untagged
    from tasks.publish import only_writer

    with ExitStack() as stack:
        if own_server is not None:
            stack.enter_context(own_server.pointed_at())
            stack.enter_context(without_csrf_tokens())
            stack.enter_context(without_events())
            stack.enter_context(only_writer())  # tasks.publish: nobody else publishes there
            stack.enter_context(tasks_as_calls())
            stack.enter_context(runs_untagged())  # no UI there to filter runs in
        stack.enter_context(without_flow_heartbeats())
        stack.enter_context(without_run_tracing())
        stack.enter_context(one_client())
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

    Flow runs with their names, the replay's tags, states, logs and artifacts are recorded as
    usual. A later replay in the same process (tests) uses the server the first one started."""

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
        import prefect.settings as settings
        from prefect.server.api.server import SubprocessASGIServer

        server = self._running.get("server")
        if server is not None and server.running:
            return server.api_url
        # Its own port: Prefect's own temporary server (the one a run without
        # PREFECT_API_URL starts, or a test harness) stays another server.
        server = SubprocessASGIServer(port=_free_port())
        home = Path(tempfile.mkdtemp(prefix="rectify-replay-prefect-"))
        atexit.register(shutil.rmtree, home, True)  # after the server's own stop (LIFO)
        database = home / "prefect.db"
        template = get_settings().home / "cache" / f"prefect-{prefect.__version__}.db"
        if template.is_file():
            shutil.copyfile(template, database)
        updates = {
            getattr(settings, f"PREFECT_SERVER_SERVICES_{name}_ENABLED"): False
            for name in self.LEFT_OUT
        }
        updates[settings.PREFECT_API_DATABASE_CONNECTION_URL] = f"sqlite+aiosqlite:///{database}"
        with settings.temporary_settings(updates=updates):
            server.start()
        self._running["server"] = server
        if not template.is_file():
            _keep_copy(database, template)
        return server.api_url

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
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
        os.replace(partial, template)
    except (OSError, sqlite3.Error):  # only a slower start next time
        partial.unlink(missing_ok=True)
