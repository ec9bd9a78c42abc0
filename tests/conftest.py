from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from models import create_schema, get_engine, reset_engine
from rectify.clues.sealing import KEY_SETTING, new_key_text
from rectify.core.settings import reset_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SPEC_EXAMPLE = EXAMPLES / "binhai-minimal.yaml"


# The suite runs on a temporary SQLite file per test; with RECTIFY_TEST_DATABASE_URL
# (postgresql+psycopg://…) it runs on that PostgreSQL database, emptied before each test.
POSTGRES_URL = os.environ.get("RECTIFY_TEST_DATABASE_URL")


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A fresh database for one test (a SQLite file, not :memory: — tasks run in threads)."""
    monkeypatch.setenv("RECTIFY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(KEY_SETTING, new_key_text())  # the clues' key (a test may drop it)
    if POSTGRES_URL:
        monkeypatch.setenv("RECTIFY_DATABASE_URL", POSTGRES_URL)
    else:
        monkeypatch.delenv("RECTIFY_DATABASE_URL", raising=False)
    fresh_database()
    yield tmp_path / "home" / "rectify.db"
    reset_engine()
    reset_settings()


def fresh_database() -> None:
    """The database the environment names, empty at the newest schema (PostgreSQL: emptied)."""
    reset_settings()
    reset_engine()
    if POSTGRES_URL:
        with get_engine().begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    create_schema()


def dump_database() -> dict[str, list[tuple]]:
    """Every row of every table, for before/after comparisons."""
    engine = get_engine()
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(engine).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()
            out[table] = sorted(tuple(map(str, r)) for r in rows)
    return out


@pytest.fixture
def spec_file(tmp_path) -> Path:
    target = tmp_path / "binhai.yaml"
    shutil.copy(SPEC_EXAMPLE, target)
    return target


@pytest.fixture(scope="session", autouse=True)
def stop_temporary_prefect_servers():
    """Stop the temporary Prefect servers a test started (Prefect stops them at exit, when
    pytest has already closed the stream its logger writes to: a "Logging error" there)."""
    yield
    server = sys.modules.get("prefect.server.api.server")
    # None, or a module whose import was cut short (no server was started from it)
    started = getattr(server, "SubprocessASGIServer", None)
    if started is not None:
        for instance in list(started._instances.values()):
            instance.stop()


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (it takes ~13 s to start)."""
    import os

    from prefect.testing.utilities import prefect_test_harness

    from rectify.runtime.simulation import prepare_embedded_prefect

    prepare_embedded_prefect()  # the same embedded server as `rectify simulate` uses
    with prefect_test_harness(server_startup_timeout=120):
        yield
    os.environ.pop("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", None)
