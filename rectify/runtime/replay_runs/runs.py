"""What the flow runs of a replay leave out, one context manager each; ``replay_runs()``
enters those that apply (all replays, or only one on its own server)."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from rectify.runtime.server import changed_settings, csrf_off

if TYPE_CHECKING:
    from rectify.runtime.replay_runs.own_server import OwnServer


@contextmanager
def replay_runs(own_server: OwnServer | None = None) -> Iterator[None]:
    """The runs started in this block: without heartbeats or trace spans, on one API client,
    the server's default result storage read once. With ``own_server`` (the temporary
    server this replay started, whose CSRF protection is off and which nobody watches) the
    runs go to that server, once it answers, without a CSRF token asked for by each new
    client, without events, their logs not sent to it. Each flow's parameter model is built
    once, not per run."""
    from flows.common import runs_untagged
    from tasks.publish import unsent

    # Prefect's settings changed in one step, not one per change (each rebuilds them: ~30 ms
    # while the replay waits): those of without_flow_heartbeats and without_run_tracing,
    # and on its own server those of pointed_at, without_csrf_tokens, without_ui_links and
    # logs_to_file_only.
    settings = _heartbeats_off() | _tracing_off()
    if own_server is not None:
        settings |= own_server.settings() | csrf_off() | _ui_links_off() | _logs_to_api_off()
    with ExitStack() as stack:
        stack.enter_context(changed_settings(settings))
        if own_server is not None:
            stack.enter_context(without_events())
            stack.enter_context(unsent())  # tasks.publish: artifacts no one could open
            stack.enter_context(tasks_as_calls())
            stack.enter_context(runs_untagged())  # no UI there to filter runs in
        stack.enter_context(one_client())
        if own_server is not None:
            stack.enter_context(fewer_requests())
        stack.enter_context(storage_read_once())
        stack.enter_context(parameter_models_built_once())
        yield


@contextmanager
def without_flow_heartbeats() -> Iterator[None]:
    """Every finished sync flow run waits up to a second for its heartbeat thread to wake up
    (about 0.8-1.0 s per run on Prefect 3.8.8 and 3.9.1, benchmarks/prefect_overheads.py).
    A simulation's runs last milliseconds of a virtual clock, so the runs started in this
    block have no heartbeats (crash detection for long runs)."""
    with changed_settings(_heartbeats_off()):
        yield


def _heartbeats_off() -> dict:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    # None is accepted only here, not from the environment (which wants at least 30 s).
    return {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


@contextmanager
def without_ui_links() -> Iterator[None]:
    """No UI address for the runs of this block: Prefect logs "View at <UI address>/runs/…"
    at the start of every run, and a replay's own server has no UI and is gone when the
    replay ends, so those lines (one per run in the replay's log file) led nowhere."""
    with changed_settings(_ui_links_off()):
        yield


def _ui_links_off() -> dict:
    from prefect.settings import PREFECT_UI_URL

    return {PREFECT_UI_URL: ""}


@contextmanager
def logs_to_file_only() -> Iterator[None]:
    """The runs' log records are not sent to the Prefect server: for a replay on its own
    temporary server, which nobody can read and which is gone when the replay ends (about
    1 400 records in the Wulong replay, each made into an API record in this process and
    written by the server). They go to the log file as before (``rectify.runtime.logs``)."""
    with changed_settings(_logs_to_api_off()):
        yield


def _logs_to_api_off() -> dict:
    from prefect.settings import PREFECT_LOGGING_TO_API_ENABLED

    return {PREFECT_LOGGING_TO_API_ENABLED: False}


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
    with changed_settings(_tracing_off()):
        yield


def _tracing_off() -> dict:
    from prefect.settings import PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY

    return {PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY: False}


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

    That reading back is sent: Prefect reads the run after its start has moved it to
    Running (its state, run count and start time are the server's). About 370 requests
    fewer in a Wulong replay (of 1 200), about 1 s (benchmarks/simulate.py)."""
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


_built_once: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "rectify_parameter_models", default=None
)


@contextmanager
def parameter_models_built_once() -> Iterator[None]:
    """Prefect checks a flow run's parameters against a model it builds from the flow's
    signature anew for every run (about 3 ms a run, 195 runs in the Wulong replay); in this
    block (this thread's context only, as ``tasks_as_calls``) the model of each flow
    function is built once and used for its later runs. The check itself, and so what it
    accepts, refuses and converts, is unchanged; elsewhere Prefect builds it as before."""
    import prefect.flows as flows

    build = getattr(flows, "ValidatedFunction", None)
    if build is None:  # another Prefect: nothing to keep
        yield
        return
    if not getattr(build, "_rectify_once", False):

        def build_once(function, config=None):
            built = _built_once.get()
            if built is None:
                return build(function, config=config)
            key = (function, repr(config))
            if key not in built:
                built[key] = build(function, config=config)
            return built[key]

        build_once._rectify_once = True
        flows.ValidatedFunction = build_once
    token = _built_once.set({})
    try:
        yield
    finally:
        _built_once.reset(token)
