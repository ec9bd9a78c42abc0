"""How a replay's flow runs talk to Prefect (``rectify.runtime.simulation``): the same flows,
tasks, states, logs and artifacts as in production, without the per-run costs that a
replay of hundreds of runs measured (benchmarks/simulate.py, benchmarks/prefect_overheads.py).
Each setting holds only inside ``replay_runs()``: production runs, even in the same
process, keep Prefect's defaults."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager


@contextmanager
def replay_runs(*, own_server: bool) -> Iterator[None]:
    """The runs started in this block: without heartbeats, on one API client, the server's
    default result storage read once; with ``own_server`` (the embedded server this process
    started, whose CSRF protection is off), no CSRF token asked for by each new client."""
    with ExitStack() as stack:
        stack.enter_context(without_flow_heartbeats())
        if own_server:
            stack.enter_context(without_csrf_tokens())
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


@contextmanager
def without_csrf_tokens() -> Iterator[None]:
    """Each new API client (every artifact publisher, every concurrency-slot service) first
    asks the server for a CSRF token, which a server without CSRF protection refuses; the
    client then goes on without. Against such a server the question is left out. A server
    with CSRF protection (PREFECT_SERVER_CSRF_PROTECTION_ENABLED) is asked as usual."""
    from prefect.settings import (
        PREFECT_CLIENT_CSRF_SUPPORT_ENABLED,
        PREFECT_SERVER_CSRF_PROTECTION_ENABLED,
        temporary_settings,
    )

    if PREFECT_SERVER_CSRF_PROTECTION_ENABLED.value():
        yield
        return
    with temporary_settings(updates={PREFECT_CLIENT_CSRF_SUPPORT_ENABLED: False}):
        yield


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
