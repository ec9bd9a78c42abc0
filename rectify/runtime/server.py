"""The embedded Prefect server with its UI, for ``rectify serve``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rectify.core.settings import get_settings

# The prefixes of Prefect's settings of the server's database (either name, or its parts).
DATABASE_SETTINGS = ("PREFECT_API_DATABASE_", "PREFECT_SERVER_DATABASE_")


def prefect_home() -> Path:
    """Where the embedded Prefect server keeps its database and settings."""
    return Path(os.environ.get("PREFECT_HOME") or get_settings().home / "prefect")


@contextmanager
def embedded_server(host: str, port: int, *, record_task_runs: bool = True, timeout: float = 120):
    """Run ``prefect server start`` (API and UI) until the block ends; point this process at it.
    Its database lives in PREFECT_HOME (default ~/.rectify/prefect), so deployments, schedules
    and run history survive a restart."""
    env = os.environ.copy()
    env["PREFECT_HOME"] = str(prefect_home())
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The UI finds its API from these, not from the command's --host/--port: without them a
    # server on another port than 4200 shows a UI that cannot reach its API.
    env["PREFECT_SERVER_API_HOST"], env["PREFECT_SERVER_API_PORT"] = host, str(port)
    if not record_task_runs:
        env["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED"] = "false"
    prefect_home().mkdir(parents=True, exist_ok=True)
    _start_new_home_from_shipped(env)
    log = open(prefect_home() / "server.log", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own session: Ctrl-C reaches the serving process, which stops its runner while
        # the server still answers, then ends the server (below); not both at once.
        start_new_session=True,
    )
    api = f"http://{host}:{port}/api"
    previous = _stop_on_sigterm()
    try:
        _wait_healthy(api, process, timeout)
        from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

        # Prefect reads its settings once at import: point this process at the server
        # through its settings context, not only the environment (with the API auth string
        # of rectify.runtime.access when the server asks for one).
        updates = {PREFECT_API_URL: api}
        if env.get("PREFECT_API_AUTH_STRING"):
            updates[PREFECT_API_AUTH_STRING] = env["PREFECT_API_AUTH_STRING"]
        with temporary_settings(updates=updates), without_csrf_tokens():
            drain_prefect(timeout=5)  # workers bound to a server this process used before
            try:
                yield api
            finally:
                drain_prefect()  # sent while this server still answers
    finally:
        stop(process, 20)
        log.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _start_new_home_from_shipped(env: dict[str, str]) -> None:
    """A new Prefect home starts from the new database the engine ships for the installed
    Prefect (migrated, block types registered, nothing run), where the server would make
    its own: Prefect's migrations are most of a first start (4 of its ~6 s; 11 of 16 s on a
    slower machine). The server still checks them on start, with nothing to do. Not when
    the home has a database or profiles already, nor when the environment sets the server's
    database."""
    home = prefect_home()
    if (home / "prefect.db").exists() or (home / "profiles.toml").exists():
        return
    if any(key.startswith(DATABASE_SETTINGS) for key in env):
        return
    from rectify.runtime.replay_runs.own_server import place_shipped

    place_shipped(home / "prefect.db")


def drain_prefect(timeout: float = 15) -> None:
    """Send this process's pending Prefect logs and events and stop their workers: at the
    interpreter's exit Prefect would wait for them, the server gone, without end. Prefect
    keeps one events worker per process for any server, bound to the address it first sent
    to; stopped, the next one is made for the server the process points at then."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=timeout)


def _stop_on_sigterm():
    """A SIGTERM (``kill``, a service manager stopping the command) ends the block as Ctrl-C
    does, so the server is stopped with it. Without this, a SIGTERM during the demo's replay
    ended the command at once and left the server (in a session of its own) running on its
    port (tests/test_serve_stop.py). The previous handler, or None where signals cannot be
    handled (not the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, signal.default_int_handler)


def stop(process: subprocess.Popen, timeout: float) -> None:
    """End a server process: asked first, killed after ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def without_csrf_tokens() -> Iterator[None]:
    """Each new API client (every artifact publisher, every concurrency-slot service) first
    asks the server for a CSRF token, which a server without CSRF protection refuses; the
    client then goes on without. Against such a server this process started (``rectify
    serve``'s, a replay's own) the question is left out. A server with CSRF protection
    (PREFECT_SERVER_CSRF_PROTECTION_ENABLED) is asked as usual."""
    with changed_settings(csrf_off()):
        yield


def csrf_off() -> dict:
    """The settings of ``without_csrf_tokens``: none when the server has CSRF protection."""
    from prefect.settings import (
        PREFECT_CLIENT_CSRF_SUPPORT_ENABLED,
        PREFECT_SERVER_CSRF_PROTECTION_ENABLED,
    )

    if PREFECT_SERVER_CSRF_PROTECTION_ENABLED.value():
        return {}
    return {PREFECT_CLIENT_CSRF_SUPPORT_ENABLED: False}


@contextmanager
def changed_settings(updates: dict) -> Iterator[None]:
    """Prefect's settings with ``updates`` in this block (none: unchanged)."""
    if not updates:
        yield
        return
    from prefect.settings import temporary_settings

    with temporary_settings(updates=updates):
        yield


def _wait_healthy(api: str, process: subprocess.Popen, timeout: float) -> None:
    if answers(api, process, time.monotonic() + timeout, every=0.5):
        return
    if process.poll() is not None:
        raise RuntimeError(
            f"the Prefect server stopped at start; see {prefect_home() / 'server.log'}"
        )
    raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s")


def answers(api: str, process: subprocess.Popen, deadline: float, *, every: float) -> bool:
    """Ask the server's API for its health every ``every`` seconds until it answers (True), or
    its process ends or ``deadline`` (``time.monotonic()``) passes (False)."""
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(every)
    return False
