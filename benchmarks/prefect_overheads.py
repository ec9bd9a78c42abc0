"""Benchmark: the two Prefect overheads that the simulation works around, for the Prefect
installed in the interpreter that runs this script.

- heartbeat wait: a finished sync flow run waits for its heartbeat thread to wake up; timed
  as flow runs with Prefect's heartbeats and with them switched off (as the simulation runs).
- task-run recorder: on SQLite the server's task-run recorder competes with the API for the
  write lock, and a "busy" answer makes the client wait before it retries; timed as the same
  flow runs on an embedded server with the recorder and without it.

Each server setting runs in a fresh process with its own embedded server and database (the
one `rectify simulate` starts). A run is a flow of four tasks, like the simulation's.

    .venv/bin/python benchmarks/prefect_overheads.py [--runs 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from importlib.metadata import version

TASKS_PER_RUN = 4
SLOW_RUN_SECONDS = 1.5  # a run this long has waited for a retry


def child(runs: int) -> dict:
    from prefect import flow, tags, task
    from prefect.logging import disable_run_logger

    @task
    def step(i: int) -> int:
        return i * 2

    @flow(name="overhead-probe")
    def probe(n: int) -> int:
        return sum(step(i) for i in range(n))

    out = {}
    with tags("benchmark"), disable_run_logger():
        for _ in range(3):  # server start, flow registration, first imports
            with without_heartbeats():
                probe(TASKS_PER_RUN)
        for label, context in (("no heartbeats", without_heartbeats), ("heartbeats", _nothing)):
            times = []
            for _ in range(runs):
                with context():
                    started = time.perf_counter()
                    probe(TASKS_PER_RUN)
                    times.append(time.perf_counter() - started)
            out[label] = times
    return out


@contextmanager
def _nothing():
    yield


@contextmanager
def without_heartbeats():
    """Heartbeats switched off as rectify.runtime.simulation does, in a settings context."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def run_child(recorder: bool, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="prefect-overheads-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(
            PREFECT_HOME=home,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_LOGGING_LEVEL="WARNING",
            PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED="true" if recorder else "false",
        )
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--runs", str(runs)],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode:
            sys.exit(done.stderr[-3000:])
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["process"] = time.perf_counter() - started
        return result


def describe(times: list[float]) -> str:
    slow = sum(t > SLOW_RUN_SECONDS for t in times)
    return (
        f"mean {statistics.mean(times) * 1000:6.0f} ms  median {statistics.median(times) * 1000:6.0f}"
        f" ms  max {max(times) * 1000:6.0f} ms  over {SLOW_RUN_SECONDS:.1f} s: {slow}/{len(times)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.runs)))
        return
    print(f"Prefect {version('prefect')}, Python {sys.version.split()[0]}, {args.runs} runs each")
    means = {}
    for recorder in (True, False):
        result = run_child(recorder, args.runs)
        server = "recorder on " if recorder else "recorder off"
        for label in ("heartbeats", "no heartbeats"):
            means[recorder, label] = statistics.mean(result[label])
            print(f"{server}  {label:<14} {describe(result[label])}")
    heartbeat = means[False, "heartbeats"] - means[False, "no heartbeats"]
    recorder = means[True, "no heartbeats"] - means[False, "no heartbeats"]
    print(f"heartbeat wait per finished run (recorder off): {heartbeat * 1000:+.0f} ms")
    print(f"task-run recorder per run (no heartbeats):      {recorder * 1000:+.0f} ms")


if __name__ == "__main__":
    main()
