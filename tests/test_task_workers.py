"""The dispatch's batches taken by two task workers (`rectify worker`, RECTIFY_TASK_WORKERS):
every unit's dispatch recorded and its notices written exactly once, the same notices
as the flow running its batches itself. On SQLite, or on PostgreSQL with
RECTIFY_TEST_DATABASE_URL (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from models import CycleRun, Notice, session_scope
from rectify.core.settings import reset_settings
from rectify.feedback.service import import_file
from rectify.problems.actions import ApprovePlan
from rectify.problems.service import act
from rectify.runtime.server import drain_prefect, embedded_server
from tests.conftest import ROOT, fresh_database
from tests.receivers import free_port

sys.path.insert(0, str(ROOT / "benchmarks"))
from province import APPROVED, DISPATCH_AT, feedback  # noqa: E402

pytestmark = pytest.mark.slow
UNITS = 5  # in batches of 2: three task runs for two workers
BATCHES = 3


def _province(home: Path, monkeypatch) -> list[str]:
    """A fresh database under ``home`` (or the emptied PostgreSQL one) with ``UNITS`` units,
    their plans approved."""
    home.mkdir(parents=True)
    monkeypatch.setenv("RECTIFY_HOME", str(home))
    fresh_database()
    rng = random.Random(1)
    ids = []
    for n in range(UNITS):
        path = home / f"u{n}.yaml"
        path.write_text(
            yaml.safe_dump(feedback(n, rng, None), allow_unicode=True), encoding="utf-8"
        )
        assert import_file(path, at=APPROVED - dt.timedelta(days=30)).done
        ids.append(f"prov-u{n:03d}")
        act(ids[-1], ApprovePlan(by="p0", meeting="党组会"), APPROVED)
    return ids


def _notices() -> Counter:
    with session_scope() as session:
        return Counter(
            (n.inspection_id, n.dedupe_key, n.person_key, n.role, n.subject, n.body)
            for n in session.exec(select(Notice))
        )


def _dispatches() -> Counter:
    """The dispatches recorded: per unit and day, with what each found."""
    with session_scope() as session:
        return Counter(
            (c.inspection_id, c.period, tuple(sorted(c.summary.items())))
            for c in session.exec(select(CycleRun).where(CycleRun.kind == "dispatch"))
        )


def _batch_runs(batches: int) -> Counter:
    """The dispatch's batch task runs the server recorded, by final state: a batch run twice
    (taken by two workers) would be one more."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    async def read() -> list:
        async with get_client() as client:
            return await client.read_task_runs(
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="半月调度"))
            )

    deadline = time.monotonic() + 30
    while True:  # the server records task runs from their events, a moment later
        states = Counter(str(r.state_type.value) for r in asyncio.run(read()) if r.state_type)
        if states["COMPLETED"] >= batches or time.monotonic() > deadline:
            return states
        time.sleep(0.5)


def _dispatch(workers: int, tmp_path: Path, monkeypatch) -> tuple[dict, Counter, Counter]:
    """The dispatch of 16 December on a fresh province, its batches taken by ``workers`` task
    workers (0: run by the flow itself), on a Prefect server of its own."""
    from flows.half_monthly_dispatch import half_monthly_dispatch

    home = tmp_path / f"home-{workers}"
    ids = _province(home, monkeypatch)
    monkeypatch.setenv("RECTIFY_BATCH_SIZE", "2")
    monkeypatch.setenv("RECTIFY_TASK_WORKERS", "true" if workers else "false")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / f"prefect-{workers}"))
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "true")
    for name in ("PREFECT_LOCAL_STORAGE_PATH", "PREFECT_RESULTS_LOCAL_STORAGE_PATH"):
        monkeypatch.delenv(name, raising=False)  # the default: <RECTIFY_HOME>/task-runs
    reset_settings()
    with embedded_server("127.0.0.1", free_port()) as api:
        env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_LOGGING_LEVEL": "WARNING"}
        command = [str(Path(sys.executable).parent / "rectify"), "worker"]
        procs = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        try:
            time.sleep(5 if workers else 0)  # each worker listening
            result = half_monthly_dispatch(as_of=DISPATCH_AT)
            drain_prefect()  # this process's events sent while the server answers
            runs = _batch_runs(BATCHES)
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=30)
    assert sorted(result["dispatched"]) == ids
    assert runs == Counter({"COMPLETED": BATCHES}), runs  # each batch run once
    return result, _notices(), _dispatches()


def test_two_task_workers_dispatch_every_unit_once_as_the_flow_alone(db, tmp_path, monkeypatch):
    alone, alone_notices, alone_dispatches = _dispatch(0, tmp_path, monkeypatch)
    split, split_notices, split_dispatches = _dispatch(2, tmp_path, monkeypatch)

    ids = [f"prov-u{n:03d}" for n in range(UNITS)]
    assert split_dispatches == alone_dispatches  # the same findings
    assert sorted(unit for unit, _, _ in split_dispatches) == ids
    assert set(split_dispatches.values()) == {1}
    assert split_notices == alone_notices  # the same notices, none twice (a Counter)
    assert set(split_notices.values()) == {1}
    assert {notice[0] for notice in split_notices} == set(ids)  # every unit told
    assert split["notices"] == alone["notices"] == len(split_notices) > 0


def test_a_flow_with_no_task_worker_fails_after_its_wait_and_says_so(db, tmp_path, monkeypatch):
    from flows.half_monthly_dispatch import half_monthly_dispatch

    ids = _province(tmp_path / "province", monkeypatch)
    monkeypatch.setenv("RECTIFY_BATCH_SIZE", "2")
    monkeypatch.setenv("RECTIFY_TASK_WORKERS", "true")
    monkeypatch.setenv("RECTIFY_TASK_WORKERS_WAIT", "3")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "true")
    reset_settings()
    started = time.monotonic()
    with embedded_server("127.0.0.1", free_port()):
        state = half_monthly_dispatch(as_of=DISPATCH_AT, return_state=True)
        drain_prefect()
    message = state.message or ""
    assert state.is_failed()
    assert "3 个批次中有 3 个在 3 秒内未由任务工作进程完成" in message, message
    assert "rectify worker" in message
    assert time.monotonic() - started < 120  # not waiting for ever
    assert not _notices() and ids  # no batch ran: nothing written
