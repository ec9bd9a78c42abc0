"""Benchmark: 5 000 digests delivered through the sender (Apprise ``json://``, the outbox's
claims, retries and outcomes) to a local HTTP receiver in its own process
(benchmarks/receiver.py: one asyncio loop, keep-alive, it reads each post and answers 200).

Each window (``--in-flight``: notices in flight at once, the ``send_threads`` setting; the
sender runs one thread more) runs in a fresh process on a fresh SQLite outbox, against a
fresh receiver; it prints the wall time, the rate, the CPU time of the sender and of the
receiver (both share the machine's cores) and the target. ``--profile`` prints the sender's top
functions by cumulative time (cProfile). The repeats per kill are measured by the 20-kill
test (``tests/test_faults.py``, slow tier), which prints them; the bound they follow is
one per sending thread and kill (docs/production.md).

    .venv/bin/python benchmarks/delivery.py [--in-flight 1,2] [--count 5000] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_S = 10.0
COUNT = 5000


def child_deliver(port: int, count: int, threads: int, profile: bool) -> dict:
    """Runs in its own process: fills a fresh outbox with ``count`` digests and sends them."""
    import datetime as dt

    from models import Notice, create_schema, session_scope
    from rectify.notices.sender import deliver_due

    create_schema()
    now = dt.datetime(2024, 12, 16, 2, 0, tzinfo=dt.UTC)
    digest = {
        "inspection_id": "bench",
        "kind": "dispatch",
        "role": "responsible_person",
        "period": "2024-12-16",
        "subject": "半月调度提醒",
        "body": "问题1：按计划推进\n" * 20,
        "problems": ["1"],
        "created_at": now,
        "deliver_after": now,
    }
    with session_scope() as session:
        session.add_all(
            Notice(
                **digest,
                dedupe_key=f"bench|dispatch|p{n}|2024-12-16",
                person_key=f"p{n}",
                contacts=[f"json://127.0.0.1:{port}/p{n}"],
            )
            for n in range(count)
        )
    profilers = _profile_workers() if profile else None
    cpu, started = time.process_time(), time.perf_counter()
    report = deliver_due(now, sessions=session_scope, concurrency=threads)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profilers:
        import io
        import pstats

        out = io.StringIO()
        stats = pstats.Stats(*profilers, stream=out).sort_stats(
            os.environ.get("BENCH_SORT", "tottime")
        )
        stats.print_stats(40)
        if os.environ.get("BENCH_CALLERS"):
            stats.print_callers(os.environ["BENCH_CALLERS"])
        print(out.getvalue(), file=sys.stderr)
    return {"wall": wall, "cpu": cpu, "sent": report.sent, "failed": report.failed}


def _profile_workers() -> list:
    """Profile the CPU time of each sending thread (cProfile sees one thread only): the sender's
    per-row function runs under a profiler of its thread."""
    import cProfile
    import threading

    from rectify.notices import sender

    profilers, local, original = [], threading.local(), sender._deliver

    def deliver(*args):
        if not hasattr(local, "profiler"):
            local.profiler = cProfile.Profile(time.thread_time)  # CPU, not waits
            profilers.append(local.profiler)
        local.profiler.enable()
        try:
            return original(*args)
        finally:
            local.profiler.disable()

    sender._deliver = deliver
    return profilers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _count(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/count") as answer:
        return json.loads(answer.read())


def deliver(
    threads: int, count: int = COUNT, profile: bool = False, source: Path | None = None
) -> dict:
    """One run: a fresh receiver, a fresh sender process and outbox; its figures. ``source``:
    another checkout's code to run instead of this one (an earlier commit, for a ratio
    measured in the same minutes)."""
    port = free_port()
    receiver = subprocess.Popen(
        [sys.executable, str(HERE / "receiver.py"), str(port)], stdout=subprocess.PIPE, text=True
    )
    receiver.stdout.readline()
    try:
        before = _count(port)["cpu"]
        with tempfile.TemporaryDirectory() as home:
            env = {
                **os.environ,
                "RECTIFY_HOME": home,
                "PREFECT_HOME": home,
                "PREFECT_LOGGING_LEVEL": "WARNING",
                "PYTHONPATH": f"{HERE}{os.pathsep}{source or HERE.parent}",
            }
            args = ["--child", str(port), str(count), str(threads)] + (["--profile"] * profile)
            out = subprocess.run(
                [sys.executable, __file__, *args],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        if out.returncode:
            raise SystemExit(f"the sender failed:\n{out.stderr[-3000:]}")
        if profile:
            print(out.stderr)
        result = json.loads(out.stdout.splitlines()[-1])
        counted = _count(port)
    finally:
        receiver.terminate()
        receiver.wait()
    return {
        **result,
        "threads": threads,
        "posts": counted["posts"],
        "keys": counted["keys"],
        "receiver_cpu": counted["cpu"] - before,
    }


def print_delivery(run: dict, count: int = COUNT) -> None:
    """One run's figures and its target, met or NOT MET."""
    ok = run["wall"] <= TARGET_S
    print(
        f"{count} digests, {run['threads']} in flight: {run['wall']:.2f} s "
        f"(target <= {TARGET_S:.0f} s: {'met' if ok else 'NOT MET'}), "
        f"{run['sent'] / run['wall']:.0f}/s, {run['sent']} sent, {run['failed']} failed; "
        f"receiver got {run['posts']} posts ({run['keys']} distinct keys); CPU: sender "
        f"{run['cpu']:.2f} s ({1000 * run['cpu'] / max(run['sent'], 1):.2f} ms a notice), "
        f"receiver {run['receiver_cpu']:.2f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--in-flight", default="1,2", help="windows to run, comma-separated")
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--before", type=Path, help="also run this checkout's code, first")
    args = parser.parse_args()
    if args.child:
        port, count, threads = map(int, args.child)
        print(json.dumps(child_deliver(port, count, threads, args.profile)))
        return
    print(
        f"load average: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores); receiver: "
        "benchmarks/receiver.py, one asyncio loop in its own process (keep-alive, reads each "
        "post, answers 200)",
        flush=True,
    )
    for threads in (int(t) for t in args.in_flight.split(",")):
        if args.before:
            print(f"  {args.before}:", end=" ")
            print_delivery(deliver(threads, args.count, args.profile, args.before), args.count)
        print_delivery(deliver(threads, args.count, args.profile), args.count)
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(
        "repeats per kill (target <= 1 on average): measured by the 20-kill test of "
        "tests/test_faults.py (slow tier), which prints them; bound: one per notice in flight"
    )


if __name__ == "__main__":
    main()
