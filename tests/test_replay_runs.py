"""What a replay changes in how its runs talk to Prefect (rectify.runtime.replay_runs), and
that each change holds inside the replay only: after it, runs have Prefect's defaults."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from prefect import task
from prefect.context import TaskRunContext
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_CLIENT_CSRF_SUPPORT_ENABLED,
    PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED,
    PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    PREFECT_LOGGING_TO_API_ENABLED,
    PREFECT_SERVER_CSRF_PROTECTION_ENABLED,
    temporary_settings,
)

from rectify.runtime.replay_runs import replay_runs

OFFLINE = {  # a client is made, never used: no server is asked anything
    PREFECT_API_URL: "http://127.0.0.1:9/api",
    PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED: False,
}


def heartbeat_off(inside, outside, **_):
    assert inside["heartbeat"] is None
    assert outside["heartbeat"] == outside["heartbeat_before"]


def one_client(inside, **_):
    assert inside["client"] is inside["client_again"]
    assert inside["client"] is not None


def no_csrf_token_from_own_server(inside, outside, **_):
    assert inside["csrf"] is False
    assert outside["csrf"] is True


def no_events_to_own_server(inside, outside, **_):
    assert inside["events"] is False
    assert outside["events"] is True


def events_as_usual(inside, **_):
    assert inside["events"] is True


def no_trace_spans(inside, outside, **_):
    assert inside["tracing"] is False
    assert outside["tracing"] is True


def tasks_as_plain_calls(inside, outside, **_):
    assert inside["task"] == (4, False)  # the function's result, no task run around it
    assert outside["plain"] is False


def csrf_token_as_usual(inside, **_):
    assert inside["csrf"] is True


def no_ui_links_on_own_server(inside, outside, **_):
    assert inside["view_at"] is None and outside["view_at"] == "http://127.0.0.1:9/runs/flow-run/1"


def ui_links_as_usual(inside, **_):
    assert inside["view_at"] == "http://127.0.0.1:9/runs/flow-run/1"


def logs_not_sent_to_own_server(inside, outside, **_):
    assert inside["logs_to_api"] is False and outside["logs_to_api"] is True


def logs_sent_as_usual(inside, **_):
    assert inside["logs_to_api"] is True


def storage_read_once(inside, outside, reads, **_):
    assert inside["storage"] == ["block"] * 3
    assert reads == [1]  # three runs, one request
    assert outside["storage_reader_restored"]


CASES = [
    # (what, own server, server's CSRF protection, check)
    ("no heartbeats", True, False, heartbeat_off),
    ("one client for every run", True, False, one_client),
    ("own server without CSRF: no token asked", True, False, no_csrf_token_from_own_server),
    ("a server it was pointed at: tokens as usual", False, False, csrf_token_as_usual),
    ("own server: no events", True, False, no_events_to_own_server),
    ("a server it was pointed at: events as usual", False, False, events_as_usual),
    ("no trace spans", False, False, no_trace_spans),
    ("own server: tasks as plain calls", True, False, tasks_as_plain_calls),
    ("own server with CSRF protection: tokens as usual", True, True, csrf_token_as_usual),
    ("default result storage read once", False, False, storage_read_once),
    ("own server: no 'View at' links to a UI it has not", True, False, no_ui_links_on_own_server),
    ("a server it was pointed at: 'View at' links as usual", False, False, ui_links_as_usual),
    ("own server: the logs to the log file only", True, False, logs_not_sent_to_own_server),
    ("a server it was pointed at: the logs sent as usual", False, False, logs_sent_as_usual),
]


@task
def double(x: int) -> tuple[int, bool]:
    """Twice ``x``, and whether it ran as a task run."""
    return 2 * x, TaskRunContext.get() is not None


class StartedServer:
    """The replay's own server, already answering at the OFFLINE address (its start is the
    replays' own: tests/test_simulate.py)."""

    def settings(self):
        return {}


@pytest.mark.parametrize(
    ("own_server", "protected", "check"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_replay_runs(monkeypatch, own_server, protected, check):
    import prefect.events.utilities as events
    import prefect.results as results
    from prefect.client.orchestration import get_client
    from prefect.utilities.urls import url_for

    from rectify.runtime.replay_runs import runs as module

    reads: list[int] = []

    def read_from_server():
        reads.append(1)
        return "block"

    monkeypatch.setattr(results, "_read_server_default_result_storage_block_id", read_from_server)
    settings = {**OFFLINE, PREFECT_SERVER_CSRF_PROTECTION_ENABLED: protected}
    with temporary_settings(updates=settings):
        before = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value()
        with replay_runs(StartedServer() if own_server else None):
            inside = {
                "heartbeat": PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value(),
                "client": get_client(sync_client=True),
                "client_again": get_client(sync_client=True),
                "csrf": PREFECT_CLIENT_CSRF_SUPPORT_ENABLED.value(),
                "events": events.should_emit_events(),
                "tracing": PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY.value(),
                "task": double(2) if own_server else None,
                "storage": [
                    results._read_server_default_result_storage_block_id() for _ in range(3)
                ],
                "view_at": url_for("flow-run", obj_id="1"),
                "logs_to_api": PREFECT_LOGGING_TO_API_ENABLED.value(),
            }
        outside = {
            "heartbeat_before": before,
            "heartbeat": PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value(),
            "csrf": PREFECT_CLIENT_CSRF_SUPPORT_ENABLED.value(),
            "events": events.should_emit_events(),
            "tracing": PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY.value(),
            "plain": module._plain_tasks.get(),
            "storage_reader_restored": (
                results._read_server_default_result_storage_block_id is read_from_server
            ),
            "view_at": url_for("flow-run", obj_id="1"),
            "logs_to_api": PREFECT_LOGGING_TO_API_ENABLED.value(),
        }
    check(inside=inside, outside=outside, reads=reads)


@pytest.mark.parametrize("own_server", [True, False], ids=["own server", "pointed at a server"])
def test_on_its_own_server_a_flow_is_created_once_and_a_runs_name_kept_here(
    monkeypatch, own_server
):
    import httpx
    from prefect.client.orchestration import SyncPrefectClient, get_client

    sent: list[tuple[str, str]] = []
    stored = {"name": "crimson-fox", "state": "Running"}  # the run as the server has it

    def answer(self, method, path, params=None, path_params=None, **kwargs):
        sent.append((method, path))
        body = kwargs.get("json") or {}
        if method == "PATCH":
            stored.update(body)
            return httpx.Response(204)
        if method == "GET":
            return httpx.Response(200, json=stored)
        if path == "/flow_runs/":  # the run as created: its generated name, Pending
            return httpx.Response(201, json={"id": "1c2d", "name": "amber-owl", "state": "Pending"})
        return httpx.Response(201, json={"name": body.get("name"), "n": len(sent)})

    monkeypatch.setattr(SyncPrefectClient, "request", answer)
    run = {"id": "0b6f"}
    with temporary_settings(updates=OFFLINE):
        with replay_runs(StartedServer() if own_server else None):
            client = get_client(sync_client=True)
            flows = [
                client.request("POST", "/flows/", json={"name": name}).json()
                for name in ("deadline-watch", "deadline-watch", "monthly-supervision")
            ]
            client.request("PATCH", "/flow_runs/{id}", path_params=run, json={"name": "期限检查"})
            read_back = client.request("GET", "/flow_runs/{id}", path_params=run).json()
            new = {"id": "1c2d"}
            client.request("POST", "/flow_runs/", json={"flow_id": "f"})
            client.request("PATCH", "/flow_runs/{id}", path_params=new, json={"name": "回头看"})
            new_read = [
                client.request("GET", "/flow_runs/{id}", path_params=new).json() for _ in range(2)
            ]
        after = get_client(sync_client=True).request("POST", "/flows/", json={"name": "x"})
    assert read_back == {"name": "期限检查", "state": "Running"}  # as Prefect reads it back
    # a new run is read from the server, as its start left it (Running), never from the
    # answer to its creation (Pending)
    assert new_read == [{"name": "回头看", "state": "Running"}] * 2
    assert sent.count(("GET", "/flow_runs/{id}")) == 3
    if own_server:  # the second deadline-watch answered with the first answer, no PATCH
        assert flows[1] == flows[0] and sent.count(("POST", "/flows/")) == 3
        assert ("PATCH", "/flow_runs/{id}") not in sent and stored["name"] == "crimson-fox"
    else:
        assert flows[1] != flows[0] and sent.count(("POST", "/flows/")) == 4
        assert stored["name"] == "回头看"  # both names sent, the last one kept
    assert after.json()["name"] == "x"


OFFICE_DATABASE = {  # what an office's shell may hold (docs/production.md), under both names
    "PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://office-db.example/prefect",
    "PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://office-db.example/prefect",
    "PREFECT_SERVER_DATABASE_HOST": "office-db.example",
    "PREFECT_API_DATABASE_MIGRATE_ON_START": "false",
    "PREFECT_SERVER_UI_ENABLED": "true",
    "PREFECT_API_URL": "http://office-db.example:4200/api",
}


@pytest.mark.parametrize("copied", [True, False], ids=["on the kept copy", "a new database"])
def test_the_replays_own_server_uses_its_own_database_never_the_offices(
    monkeypatch, tmp_path, copied
):
    import os

    from prefect.settings import Settings

    from rectify.runtime.replay_runs import OwnServer

    database = tmp_path / "prefect.db"
    env = OwnServer.environment({**os.environ, **OFFICE_DATABASE}, database, copied)
    monkeypatch.setattr(os, "environ", env)  # as the server's process reads its settings
    server = Settings().server
    assert server.database.connection_url.get_secret_value() == f"sqlite+aiosqlite:///{database}"
    assert server.database.migrate_on_start is not copied  # a copy is migrated already
    assert server.register_blocks_on_start is not copied
    assert server.ui.enabled is False and server.analytics_enabled is False
    assert server.services.event_persister.enabled is False
    assert "PREFECT_API_URL" not in env and "office-db.example" not in repr(env)


def test_a_kept_database_is_started_on_only_when_its_migrations_made_it(tmp_path):
    import sqlite3
    from contextlib import closing

    from rectify.runtime.replay_runs.own_server import _keep_copy, _migrated

    made = tmp_path / "made.db"
    with closing(sqlite3.connect(made)) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version VALUES ('7a73514ca2d6')")
        db.commit()
    empty, garbage = tmp_path / "empty.db", tmp_path / "garbage.db"
    empty.write_bytes(b"")
    garbage.write_bytes(b"not a database at all" * 100)
    assert [_migrated(p) for p in (made, empty, garbage, tmp_path / "none.db")] == [
        True,
        False,
        False,
        False,
    ]
    for source, kept in ((empty, False), (tmp_path / "none.db", False), (made, True)):
        template = tmp_path / "cache" / f"from-{source.name}"
        _keep_copy(source, template)
        assert template.is_file() is kept and _migrated(template) is kept
        assert not list(template.parent.glob("*.part*"))


def test_a_flows_parameter_model_is_built_once_and_checks_as_before(monkeypatch):
    import prefect.flows as flows
    from prefect import flow
    from prefect.exceptions import ParameterTypeError

    @flow
    def watch(as_of: dt.datetime, inspection_id: str = "x") -> None: ...

    built = []
    build = flows.ValidatedFunction
    monkeypatch.setattr(
        flows, "ValidatedFunction", lambda *a, **k: built.append(1) or build(*a, **k)
    )
    with temporary_settings(updates=OFFLINE), replay_runs(None):
        checked = [
            watch.validate_parameters({"as_of": f"2024-07-0{day}T09:00:00+08:00"})
            for day in (1, 1, 2)
        ]
        with pytest.raises(ParameterTypeError):
            watch.validate_parameters({"as_of": "下周一"})
        other = threading.Thread(  # another thread, outside the block: built as before
            target=lambda: watch.validate_parameters({"as_of": "2024-07-03T09:00:00+08:00"})
        )
        other.start()
        other.join()
    assert len(built) == 2  # once for four checks in the block, once in the other thread
    assert checked[0]["as_of"] == dt.datetime(
        2024, 7, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert checked[2]["as_of"].day == 2 and checked[2]["inspection_id"] == "x"
    watch.validate_parameters({"as_of": "2024-07-01T09:00:00+08:00"})
    assert len(built) == 3  # after the replay, built for every run again


EARLY_START = """
import os, signal, sys
from rectify.runtime.replay_runs import OwnServer
from rectify.runtime.simulation import prepare_embedded_prefect

prepare_embedded_prefect()
seen = [OwnServer.start_early(), OwnServer.start_early()]  # one early server, not two
early = OwnServer._early["server"].process
OwnServer.discard_early()  # the replay was pointed at a server after all
seen.append(early.poll() is not None and not OwnServer._early)
seen.append(OwnServer.start_early())
early = OwnServer._early["server"].process
if sys.argv[1] == "kill":
    os.kill(early.pid, signal.SIGKILL)  # an early start that never comes up
server = OwnServer()
api = server.ready()  # the replay starts its server as before, or uses the early one
import urllib.request
with urllib.request.urlopen(api + "/health", timeout=10) as answer:
    seen.append(answer.status == 200)
from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED
with server.pointed_at():  # its own Prefect: no version asked for
    seen.append((PREFECT_API_URL.value(), PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED.value()))
seen.append(PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED.value())  # as before, after
seen.append(OwnServer._running["server"][0].pid != early.pid)  # replaced, or not
seen.append(OwnServer.start_early())  # a server is running: none more
seen.append("prefect" in sys.modules and OwnServer.start_early())  # Prefect loaded: none
print(seen)
"""
PREFECT_FIRST = """
import prefect
from rectify.runtime.replay_runs import OwnServer
print(OwnServer.start_early())
"""


@pytest.mark.slow
@pytest.mark.parametrize("early", ["comes up", "kill"], ids=["used", "replaced"])
def test_a_replays_server_started_early_is_used_stopped_or_replaced(tmp_path, early):
    """``rectify simulate`` starts its server's process before Prefect loads. The replay
    waits for that one; one that does not come up is replaced by a start as before; a
    replay pointed at a server stops it; and nothing starts early once Prefect is loaded
    (its settings may then differ from the environment's) or a server is running."""
    import os
    import subprocess
    import sys

    from rectify.runtime.replay_runs import OwnServer

    assert OwnServer.start_early() is False  # Prefect is loaded in the tests
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "RECTIFY_"))  # PREFECT_API_URL among them
    }
    env |= {"RECTIFY_HOME": str(tmp_path / "home"), "PREFECT_HOME": str(tmp_path / "prefect")}
    loaded = subprocess.run(  # Prefect loaded first: its settings may differ from the env
        [sys.executable, "-c", PREFECT_FIRST], env=env, capture_output=True, text=True, check=False
    )
    assert loaded.stdout.strip().splitlines()[-1] == "False", loaded.stderr[-3000:]
    done = subprocess.run(
        [sys.executable, "-c", EARLY_START, early],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = done.stdout.strip().splitlines()[-1]
    replaced = "True" if early == "kill" else "False"
    assert seen.startswith("[True, False, True, True, True, (") and seen.endswith(
        f"', False), True, {replaced}, False, False]"
    )
    assert "('http://127.0.0.1:" in seen
