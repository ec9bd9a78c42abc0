"""The temporary Prefect server a replay without ``PREFECT_API_URL`` starts for itself."""

from __future__ import annotations

import atexit
import contextvars
import gzip
import importlib.metadata
import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from rectify.core.settings import get_settings
from rectify.runtime.server import DATABASE_SETTINGS, answers, changed_settings, stop


class OwnServer:
    """The temporary Prefect server a replay starts for itself (no PREFECT_API_URL), started
    in a thread as soon as the replay begins, so that its start overlaps the loading of the
    flows and of the engine's database; ``ready()`` waits for it before the first run. The
    command line starts its process earlier still, before Prefect loads (``start_early``):
    the server's start (~3 s, 2 of them loading Prefect's server) is the longest thing a
    replay waits for before its first run.

    Nobody watches this server: it has no UI, runs only the replay's flows and ends with the
    process. So:

    - its database is its own, in a temporary directory removed at exit, not Prefect's home
      (where every replay used to add its runs for good). It starts as a copy of a new
      Prefect database kept per Prefect version in ``~/.rectify/cache``: creating one runs
      Prefect's migrations, 4 of the ~6 s a first start takes (11 of 16 s on a slower
      machine); the copy starts in 2-3 s. On a new home the copy is unpacked from the one
      shipped with the engine for its Prefect version (``shipped``), when there is one;
      otherwise the first replay makes it;
    - it runs without the services that record or react to events (``LEFT_OUT``): the event
      persister, which wrote every state change of every flow run as an event and on SQLite
      met "busy" answers that cost the client 2 s each (Wulong replay: 66 s with it, 26 s
      without, benchmarks/simulate.py), the task-run recorder (the tasks run as plain calls
      there: ``tasks_as_calls``) and the automations (it has none).

    Flow runs with their states are recorded as usual; their names are kept by the replay
    (``fewer_requests``), their logs go to the log file only (``logs_to_file_only``), runs
    on one unit are not tagged, artifacts are rendered and not sent
    (``tasks.publish.unsent``). A later replay in the same process (tests) uses the server
    the first one started."""

    LEFT_OUT = ("EVENT_PERSISTER", "TASK_RUN_RECORDER", "TRIGGERS")
    _running: dict[str, object] = {}  # the server started for an earlier replay, kept
    _early: dict[str, _Start] = {}  # started by start_early, not yet waited for

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
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        running = self._running.get("server")
        if running is not None and running[0].poll() is None:
            return running[1]
        limit = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        deadline = time.monotonic() + limit  # for an early start and its replacement together
        early = self._early.pop("server", None)
        if early is None or not early.answered(deadline):
            start = _Start.prepare(_environment_here())
            start.serve(max(deadline - time.monotonic(), 1.0), limit)
        else:
            start = early
        self._running["server"] = (start.process, start.api)
        return start.api

    @classmethod
    def start_early(cls) -> bool:
        """Start the server's process now, before this process loads Prefect (0.7-0.8 s),
        for a command about to replay (``rectify simulate``, ``rectify demo``): only when
        Prefect is not loaded here yet (its settings are then this environment's and its
        profile's, which the server reads as well) and ``PREFECT_API_URL`` is not in the
        environment. The replay's ``OwnServer`` waits for it instead of starting one (or
        starts one as before if it did not come up); a replay pointed at a server after all
        (``PREFECT_API_URL`` in a Prefect profile) stops it (``discard_early``)."""
        if "prefect" in sys.modules or os.environ.get("PREFECT_API_URL"):
            return False
        if cls._early or cls._running:
            return False
        start = _Start.prepare(dict(os.environ))
        start.spawn()
        cls._early["server"] = start
        return True

    @classmethod
    def discard_early(cls) -> None:
        """Stop the server ``start_early`` started, when the replay will not use it."""
        early = cls._early.pop("server", None)
        if early is not None:
            stop(early.process, 5)

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
            if key != "PREFECT_API_URL" and not key.startswith(DATABASE_SETTINGS)
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
        # Not told that Prefect collects usage data (over the progress bar), as this process
        # is once its logs go to the file: the server may start before that (start_early).
        env.setdefault("DO_NOT_TRACK", "1")
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
        """This process's Prefect client pointed at the server, once it answers (``settings``)."""
        with changed_settings(self.settings()):
            yield

    def settings(self) -> dict:
        """The Prefect settings of a client of the server, once it answers: its address, and
        no asking for its version: the server runs this interpreter's own Prefect, so the
        check cannot fail, and its first answer takes the server ~0.2 s (a cost of that route
        alone, paid while the replay waits)."""
        from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED

        return {PREFECT_API_URL: self.ready(), PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED: False}


class _Start:
    """A start of the server: its database (a copy of the kept one when there is a whole
    one) in a temporary home, its environment and, once spawned, its process and address;
    once it answers, a copy of a new database it has migrated is kept."""

    def __init__(self, env: dict[str, str], database: Path, template: Path, copied: bool):
        self.env, self.database, self.template, self.copied = env, database, template, copied
        self.process: subprocess.Popen | None = None
        self.api = ""

    @classmethod
    def prepare(cls, base: dict[str, str]) -> _Start:
        """A new temporary home, removed at exit, and the server's environment over ``base``."""
        home = Path(tempfile.mkdtemp(prefix="rectify-replay-prefect-"))
        atexit.register(shutil.rmtree, home, True)  # after the server's own stop (LIFO)
        database = home / "prefect.db"
        version = prefect_version()
        template = get_settings().home / "cache" / f"prefect-{version}.db"
        copied = _migrated(template) or _unpacked(shipped(version), template)
        if copied:
            shutil.copyfile(template, database)
        else:  # none yet, or not a whole migrated database: made again
            template.unlink(missing_ok=True)
        return cls(OwnServer.environment(base, database, copied), database, template, copied)

    def spawn(self) -> None:
        """Prefect's API in a process of its own on a free port, as Prefect starts its
        temporary server, without loading Prefect's server module here (1.2 s of this
        process's start, beside the flows' loading), nor Prefect; stopped at exit."""
        port = _free_port()
        app_dir = Path(importlib.util.find_spec("prefect").origin).parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"]
            + ["--app-dir", str(app_dir)]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error"]
            + ["--lifespan", "on"],
            env=self.env,
        )
        atexit.register(stop, self.process, 5)
        self.api = f"http://127.0.0.1:{port}/api"

    def answered(self, deadline: float) -> bool:
        """Whether the spawned server answers by ``deadline`` (``time.monotonic()``), its
        new database then kept (``keep``); if it ends first or does not answer, its process
        is stopped."""
        assert self.process is not None
        if answers(self.api, self.process, deadline, every=0.05):
            self.keep()
            return True
        stop(self.process, 5)
        return False

    def serve(self, limit: float, named: float | None = None) -> None:
        """Spawn the server and wait until it answers within ``limit`` seconds (``named``:
        the limit the error names, when part of it went to an early start). Another port is
        tried when the process ends at once with uvicorn's 3 (a port taken since it was
        found free, or a start that failed: three tries)."""
        deadline = time.monotonic() + limit
        for _ in range(3):
            self.spawn()
            if self.answered(deadline):
                return
            if self.process.returncode != 3 or time.monotonic() >= deadline:
                break
        if time.monotonic() >= deadline:
            raise RuntimeError(f"回放用的 Prefect 服务未能在 {named or limit:.0f} 秒内启动")
        raise RuntimeError(
            f"回放用的 Prefect 服务启动失败（退出码 {self.process.returncode}），详见上方输出"
        )

    def keep(self) -> None:
        """Keep a copy of a new database the answering server has migrated."""
        if not self.copied:
            _keep_copy(self.database, self.template)


def prefect_version() -> str:
    """The installed Prefect's version, read without loading Prefect."""
    return importlib.metadata.version("prefect")


def _environment_here() -> dict[str, str]:
    """This process's environment and the Prefect settings it runs with (a server started
    from here reads the same settings)."""
    from prefect.settings import get_current_settings

    settings = get_current_settings().to_environment_variables(exclude_unset=True)
    return {**os.environ, **settings}


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _whole(template: Path) -> Iterator[Path]:
    """A file to write a database for ``template`` to: it becomes ``template`` (a rename)
    only if it is a whole migrated database once written, and is removed otherwise."""
    template.parent.mkdir(parents=True, exist_ok=True)
    partial = template.with_name(f"{template.name}.{os.getpid()}.part")
    try:
        yield partial
        if _migrated(partial):
            os.replace(partial, template)
    finally:
        partial.unlink(missing_ok=True)


def _keep_copy(database: Path, template: Path) -> None:
    """Copy the server's new database (migrated, nothing run yet) to ``template``, whole or
    not at all: SQLite's backup of a database in use (``_whole``)."""
    if not database.is_file():
        return
    try:
        with (
            _whole(template) as partial,
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, nothing beside it
    except (OSError, sqlite3.Error):  # only a slower start next time
        pass


SHIPPED = Path(__file__).with_name("databases")


def shipped(version: str) -> Path:
    """Where the engine ships a new database of this Prefect version (packed with gzip)."""
    return SHIPPED / f"prefect-{version}.db.gz"


def place_shipped(database: Path) -> bool:
    """Put the new database the engine ships for the installed Prefect at ``database``
    (whole or not at all); whether a migrated database is there now."""
    return _unpacked(shipped(prefect_version()), database)


def _unpacked(packed: Path, template: Path) -> bool:
    """Unpack ``packed`` to ``template``, whole or not at all; whether a migrated database
    is there now."""
    if not packed.is_file():
        return False
    try:
        with _whole(template) as partial, gzip.open(packed) as source, open(partial, "wb") as copy:
            shutil.copyfileobj(source, copy)
    except (OSError, EOFError, zlib.error):  # only the migrations run, as without it
        pass
    return _migrated(template)


def make_database(template: Path) -> None:
    """Make a new Prefect database at ``template`` as the first replay on a home does: a
    server started on a new database (Prefect's migrations, its block types registered),
    copied once it answers. For ``python -m rectify.runtime.replay_runs.ship``."""
    home = Path(tempfile.mkdtemp(prefix="rectify-new-prefect-"))
    try:
        database = home / "prefect.db"
        env = OwnServer.environment(_environment_here(), database, False)
        start = _Start(env, database, template, copied=False)
        start.serve(300)  # its database kept at ``template`` once it answers
        stop(start.process, 20)
    finally:
        shutil.rmtree(home, ignore_errors=True)


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
