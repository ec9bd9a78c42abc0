"""The production setup for real: prefect.yaml deployed with `prefect deploy` to a process
work pool, two workers started as separate processes, the same dispatch asked for twice at
once. Each dispatch is effective once: one cycle recorded, every notice written and
delivered once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL
from sqlmodel import select

from models import CycleRun, Notice, session_scope
from tests.conftest import ROOT
from tests.test_flows import inspection, receivers  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def _prefect(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


async def _runs_of(deployment_name: str, parameters: dict, count: int):
    async with get_client() as client:
        deployment = await client.read_deployment_by_name(deployment_name)
        return [
            (await client.create_flow_run_from_deployment(deployment.id, parameters=parameters)).id
            for _ in range(count)
        ]


async def _states(ids):
    async with get_client() as client:
        return [(await client.read_flow_run(i)).state for i in ids]


def test_two_workers_two_identical_dispatches_one_effect(inspection, receivers, tmp_path):  # noqa: F811
    _, http = receivers
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "RECTIFY_PROJECT_DIR": str(ROOT),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    created = _prefect(
        "work-pool", "create", "rectify", "--type", "process", "--overwrite", env=env
    )
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = _prefect("--no-prompt", "deploy", "--name", "half-monthly-dispatch", env=env)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr

    ids = asyncio.run(
        _runs_of(
            "half-monthly-dispatch/half-monthly-dispatch",
            {"as_of": "2024-10-16T09:00:00+08:00"},
            2,
        )
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", "rectify"],
            cwd=ROOT,
            env={**env, "PREFECT_WORKER_NAME": f"worker-{n}"},
            stdout=logs[n].open("w"),
            stderr=subprocess.STDOUT,
        )
        for n in range(2)
    ]
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            states = asyncio.run(_states(ids))
            if all(s and s.is_final() for s in states):
                break
            time.sleep(1)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    output = "\n".join(log.read_text()[-4000:] for log in logs)
    assert [s.type.value for s in states] == ["COMPLETED", "COMPLETED"], output
    with session_scope() as session:
        cycles = session.exec(select(CycleRun).where(CycleRun.kind == "dispatch")).all()
        notices = session.exec(select(Notice)).all()
    assert [c.period for c in cycles] == ["2024-10-16"]
    assert notices and all(n.status == "sent" for n in notices)
    assert len({n.dedupe_key for n in notices}) == len(notices)
    received = Counter(m.key for m in http.messages)
    expected = {n.dedupe_key for n in notices if any("json://" in c for c in n.contacts)}
    assert set(received) == expected and set(received.values()) == {1}
