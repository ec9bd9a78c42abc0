"""Benchmark: the half-monthly dispatch split across Prefect task workers on PostgreSQL.

The synthetic province (province.py: 5 000 units × 40 problems × 3 measures = 600 000
measures) is built once on SQLite, copied into a throwaway PostgreSQL server started here
(its own data directory and free port), and each mode runs on a fresh copy of it
(``CREATE DATABASE … TEMPLATE``), with a fresh Prefect server whose own database is on the
same PostgreSQL server (postgresql+asyncpg), every process fresh:

- ``0`` — the flow runs its batches itself, in turn (RECTIFY_TASK_WORKERS off);
- ``1``, ``2`` — the flow hands each batch to the server and that many task workers
  (``rectify.runtime.workers.serve_batches``, one batch at a time each) take them.

It prints wall time, the batches' own time (from their task runs), peak RSS of the flow and
of each worker, the notices written, the speed-up of 2 workers over 1, and the load average.

    .venv/bin/python benchmarks/workers.py [--size 600000] [--workers 0,1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from dispatch import (  # noqa: E402
    CACHE,
    MEASURES_PER_UNIT,
    _rss_mb,
    free_port,
    peak_rss_mb,
    prefect_server,
)

# ----------------------------------------------------------------------------- child side


def child_flow() -> dict:
    """The dispatch flow, in this process, on the database and server of the environment."""
    import asyncio

    from province import DISPATCH_AT

    from flows.half_monthly_dispatch import half_monthly_dispatch

    started = time.perf_counter()
    state = half_monthly_dispatch(as_of=DISPATCH_AT, capture=True, return_state=True)
    wall = time.perf_counter() - started
    result = state.result()
    batches = asyncio.run(_batch_times(state.state_details.flow_run_id))
    return {
        "wall": wall,
        "notices": result["notices"],
        "units": len(result["dispatched"]),
        "rss_flow": _rss_mb(),
        "batches": batches,
    }


async def _batch_times(flow_run_id) -> list[float]:
    """Each batch's own run time, as its task run recorded it (the recorder may lag)."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async with get_client() as client:
        for _ in range(30):
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            done = [r for r in runs if r.name.startswith("半月调度") and r.end_time]
            if done and all(r.state and r.state.is_final() for r in done):
                return [r.total_run_time.total_seconds() for r in done]
            await asyncio.sleep(1)
    return []


def child_worker() -> None:
    from rectify.runtime.workers import serve_batches

    serve_batches(limit=1)


# ---------------------------------------------------------------------------- parent side


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@contextmanager
def postgres():
    """A throwaway PostgreSQL server (own data directory, free port); yields its base URL."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = Path(tempfile.mkdtemp(prefix="rectify-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    subprocess.run(
        _as_postgres(str(pgbin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [str(pgbin / "pg_ctl"), "-D", str(data), "-o", options, "-l", f"{data}/log", "-w"]
    subprocess.run(_as_postgres(*start, "start"), check=True, capture_output=True)
    try:
        yield f"postgres@127.0.0.1:{port}"
    finally:
        stop = [str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]
        subprocess.run(_as_postgres(*stop), capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def psql(base: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"postgresql+psycopg://{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


def copy_province(sqlite_home: Path, url: str) -> None:
    """Every row of the SQLite province into the (empty) PostgreSQL database at ``url``."""
    from sqlalchemy import Integer, create_engine, insert, select, text
    from sqlmodel import SQLModel

    from models import create_schema, reset_engine
    from rectify.core.settings import reset_settings

    os.environ["RECTIFY_DATABASE_URL"] = url
    reset_settings()
    reset_engine()
    create_schema()
    reset_engine()
    source = create_engine(f"sqlite:///{sqlite_home / 'rectify.db'}")
    target = create_engine(url)
    with source.connect() as src, target.begin() as dst:
        for table in SQLModel.metadata.sorted_tables:
            rows = src.execution_options(yield_per=10_000).execute(select(table))
            for part in rows.partitions():
                dst.execute(insert(table), [dict(r._mapping) for r in part])
            if "id" in table.c and isinstance(table.c.id.type, Integer):
                dst.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f'(SELECT coalesce(max(id), 0) + 1 FROM "{table.name}"), false)'
                    )
                )
    source.dispose()
    target.dispose()
    del os.environ["RECTIFY_DATABASE_URL"]


def run_mode(base: str, workers: int, env: dict) -> dict:
    """One dispatch on a fresh copy of the province, with ``workers`` task workers (0: none)."""
    name = f"engine_{workers}"
    psql(base, f"CREATE DATABASE {name} TEMPLATE province")
    psql(base, f"CREATE DATABASE prefect_{workers}")
    os.environ["PREFECT_API_DATABASE_CONNECTION_URL"] = (
        f"postgresql+asyncpg://{base}/prefect_{workers}"
    )
    storage = Path(tempfile.mkdtemp(prefix="rectify-bench-storage-"))
    env = {
        **env,
        "RECTIFY_DATABASE_URL": f"postgresql+psycopg://{base}/{name}",
        "RECTIFY_TASK_WORKERS": "true" if workers else "false",
        "PREFECT_LOCAL_STORAGE_PATH": str(storage),
    }
    with prefect_server() as api:
        env["PREFECT_API_URL"] = api
        procs = [
            subprocess.Popen([sys.executable, __file__, "--child", "worker"], env=env)
            for _ in range(workers)
        ]
        try:
            time.sleep(5 if workers else 0)  # each worker connected and listening
            out = subprocess.run(
                [sys.executable, __file__, "--child", "flow"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                raise SystemExit(f"the flow with {workers} workers failed:\n{out.stderr[-3000:]}")
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result["rss_workers"] = [peak_rss_mb(p.pid) for p in procs]
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=30)
    shutil.rmtree(storage, ignore_errors=True)
    result["load"] = os.getloadavg()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=600_000, help="measures (60000 to try)")
    parser.add_argument("--workers", default="0,1,2", help="task workers per mode; 0: none")
    parser.add_argument("--child", choices=["flow", "worker"])
    args = parser.parse_args()
    if args.child == "worker":
        child_worker()
        return
    if args.child == "flow":
        print(json.dumps(child_flow()))
        return

    import machine
    from province import build

    print(machine.line(), flush=True)
    units = max(1, round(args.size / MEASURES_PER_UNIT))
    started = time.perf_counter()
    home = build(units, CACHE / f"province-{units}")
    print(f"province of {units} units ready ({time.perf_counter() - started:.0f} s)", flush=True)
    env = {
        **os.environ,
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PYTHONPATH": f"{HERE}{os.pathsep}{HERE.parent}",
    }
    rows = {}
    with postgres() as base:
        psql(base, "CREATE DATABASE province")
        started = time.perf_counter()
        copy_province(home, f"postgresql+psycopg://{base}/province")
        print(f"copied to PostgreSQL ({time.perf_counter() - started:.0f} s)", flush=True)
        for workers in [int(n) for n in args.workers.split(",")]:
            rows[workers] = run_mode(base, workers, env)
            print_row(workers, rows[workers])
    report(rows, args.size)


def print_row(workers: int, row: dict) -> None:
    batches = row["batches"]
    per_batch = sum(batches) / len(batches) if batches else float("nan")
    rss = ", ".join(f"{r:.0f}" for r in row["rss_workers"]) or "—"
    load = " ".join(f"{x:.2f}" for x in row["load"])
    print(
        f"  {workers} task workers: {row['wall']:7.1f} s, {len(batches)} batches of "
        f"{per_batch:.2f} s each, {row['notices']} notices to {row['units']} units, "
        f"peak RSS flow {row['rss_flow']:.0f} MB, workers [{rss}] MB (load {load})",
        flush=True,
    )


def report(rows: dict, size: int) -> None:
    print()
    print(f"dispatch of {size} measures on PostgreSQL (Prefect server on PostgreSQL too)")
    if 1 in rows and 2 in rows:
        print(f"speed-up of 2 task workers over 1: {rows[1]['wall'] / rows[2]['wall']:.2f}×")
    if 0 in rows and 1 in rows:
        print(f"1 task worker / the flow alone: {rows[1]['wall'] / rows[0]['wall']:.2f}×")
    notices = {n: r["notices"] for n, r in rows.items()}
    same = len(set(notices.values())) == 1
    print(f"notices written: {notices} ({'the same' if same else 'NOT the same'} in every mode)")
    print(f"cores: {os.cpu_count()}; load average now: {os.getloadavg()}")


if __name__ == "__main__":
    main()
