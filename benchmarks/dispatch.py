"""Benchmark: the half-monthly dispatch of a synthetic province, and 5 000 digests delivered.

Province: 500 units × 40 problems × 3 measures = 60 000 measures, 5 000 people (see
province.py). For 1k, 10k and 60k measures it times, each in a fresh process on a copy of the
same database:

- ``bare``  — the dispatch's own functions called without Prefect (the lower bound);
- ``flow``  — the ``half-monthly-dispatch`` flow on a Prefect server (one task per batch);
- ``naive`` — a Prefect flow with one task per measure (benchmarks/naive.py); at 60k it runs
  a sample of measures and the time is extrapolated (printed as such).

It prints wall time, peak RSS, SQL statements on the engine's database, the ratios and the
targets; then 5 000 digests delivered to a local HTTP receiver in its own process.

    .venv/bin/python benchmarks/dispatch.py [--sizes 1000,10000,60000] [--naive-sample 10000]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
MEASURES_PER_UNIT = 120
SETTLE_S = 5
MODES = ("bare", "flow", "flow-day", "naive")
TARGETS = {"vs_bare": 1.5, "vs_naive": 50.0, "rss_mb": 400, "deliver_s": 10.0, "repeats": 1}


# ----------------------------------------------------------------------------- child side


def child(mode: str, sample: int) -> dict:
    """Runs in its own process, on the database under RECTIFY_HOME."""
    from province import DISPATCH_AT
    from sqlalchemy import event

    from models import get_engine

    engine = get_engine()
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*args) -> None:
        statements[0] += 1

    import breakdown
    from naive import all_measure_ids, naive_dispatch

    from flows.half_monthly_dispatch import half_monthly_dispatch
    from models import session_scope
    from rectify.core.settings import get_settings
    from rectify.notices.sender import deliver_due
    from tasks.context import each_inspection
    from tasks.dispatch import dispatch_one
    from tasks.inspections import list_inspections
    from tasks.policies import policies_of

    if mode == "flow-day":  # the dashboards the 09:00 deadline watch publishes, untimed
        from tasks.dashboard import refresh_dashboards

        refresh_dashboards.fn(list_inspections.fn(DISPATCH_AT), DISPATCH_AT)
        time.sleep(SETTLE_S)  # the server stores their events
    breakdown.install()
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    rss_before = _rss_mb()
    started = time.perf_counter()
    size = get_settings().batch_size
    if profile:
        profile.enable()
    if mode == "bare":  # in batches of the same size as the flow's tasks
        ids = list_inspections.fn(DISPATCH_AT)
        due = [i for i, p in policies_of.fn(ids).items() if 16 in p.dispatch_days]
        step = size or len(due) or 1
        results = []
        for start in range(0, len(due), step):
            results += each_inspection(due[start : start + step], DISPATCH_AT, dispatch_one)
        deliver_due(DISPATCH_AT, sessions=session_scope, capture=True)
        notices, extra = sum(r.get("notices", 0) for r in results), {}
    elif mode in ("flow", "flow-day"):
        result = half_monthly_dispatch(as_of=DISPATCH_AT, capture=True)
        notices, extra = result["notices"], {}
    else:
        ids = all_measure_ids()
        chosen = ids[:sample] if sample else ids
        notices = naive_dispatch(DISPATCH_AT, chosen)
        extra = {"sampled": len(chosen), "of": len(ids)}
    wall = time.perf_counter() - started
    if profile:
        profile.disable()
        profile.dump_stats(f"{os.environ['BENCH_PROFILE']}-{mode}.prof")
    return {
        **breakdown.report(),
        "mode": mode,
        "wall": wall,
        "statements": statements[0],
        "notices": notices,
        "rss_before": rss_before,
        "rss_peak": _rss_mb(),
        "batch_size": size,
        **extra,
    }


def child_deliver(port: int, count: int) -> dict:
    import datetime as dt

    from models import Notice, create_schema, session_scope
    from rectify.core.settings import get_settings
    from rectify.notices.sender import deliver_due

    create_schema()
    now = dt.datetime(2024, 12, 16, 2, 0, tzinfo=dt.UTC)
    with session_scope() as session:
        for n in range(count):
            session.add(
                Notice(
                    dedupe_key=f"bench|dispatch|p{n}|2024-12-16",
                    inspection_id="bench",
                    kind="dispatch",
                    person_key=f"p{n}",
                    role="responsible_person",
                    period="2024-12-16",
                    subject="半月调度提醒",
                    body="问题1:按计划推进\n" * 20,
                    problems=["1"],
                    contacts=[f"json://127.0.0.1:{port}/p{n}"],
                    created_at=now,
                    deliver_after=now,
                )
            )
    started = time.perf_counter()
    report = deliver_due(now, sessions=session_scope)  # as many threads as the setting says
    wall = time.perf_counter() - started
    threads = get_settings().send_threads
    return {"wall": wall, "sent": report.sent, "failed": report.failed, "concurrency": threads}


def _rss_mb() -> float:
    """This process's peak resident memory since it started its program. ``ru_maxrss`` is
    not that: Linux carries over the peak of the process it was forked from (542 MB in every
    child once the parent had built the 600 000-measure province), so /proc's VmHWM first."""
    try:
        return peak_rss_mb("self")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb(pid: int | str) -> float:
    """The peak resident memory of a running process (VmHWM; ``"self"``: this one)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ---------------------------------------------------------------------------- parent side


def run_child(home: Path, env: dict, *args: str) -> dict:
    copy = Path(tempfile.mkdtemp(prefix="rectify-bench-"))
    try:
        if home is not None:
            shutil.copy(home / "rectify.db", copy / "rectify.db")
        out = subprocess.run(
            [sys.executable, __file__, "--child", *args],
            env={**env, "RECTIFY_HOME": str(copy)},
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(copy, ignore_errors=True)


@contextmanager
def prefect_server():
    """A Prefect server of its own (API and UI process, SQLite) for one benchmark run."""
    from rectify.runtime.server import embedded_server

    home = Path(tempfile.mkdtemp(prefix="rectify-bench-prefect-"))
    os.environ["PREFECT_HOME"] = str(home)
    try:
        with embedded_server("127.0.0.1", free_port()) as api:
            yield api
    finally:
        shutil.rmtree(home, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="60000,600000", help="'': the delivery alone")
    parser.add_argument("--naive-sample", type=int, default=10000)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    if args.child:
        mode, *rest = args.child
        if mode == "deliver":
            result = child_deliver(int(rest[0]), int(rest[1]))
        else:
            result = child(mode, int(rest[0]) if rest else 0)
        print(json.dumps(result))
        return

    import breakdown
    import machine
    from province import build

    print(machine.line(), flush=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    homes = {}
    for size in sizes:
        units = max(1, round(size / MEASURES_PER_UNIT))
        started = time.perf_counter()
        homes[size] = build(units, CACHE / f"province-{units}")
        print(
            f"province of {units} units ready ({time.perf_counter() - started:.0f} s)", flush=True
        )

    base_env = {
        **os.environ,
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PYTHONPATH": f"{HERE}{os.pathsep}{HERE.parent}",
    }
    rows = []
    for size in sizes:
        for mode in MODES:
            sample = args.naive_sample if mode == "naive" and size > args.naive_sample else 0
            # A fresh Prefect server for each run: a server still digesting the events of
            # the previous run (thousands of task runs) would slow the next one down.
            with prefect_server() as api:
                env = {**base_env, "PREFECT_API_URL": api}
                env["BENCH_SERVER_PIDS"] = " ".join(map(str, breakdown.server_pids()))
                result = run_child(homes[size], env, mode, str(sample))
            if mode == "naive" and sample:
                result["wall"] *= result["of"] / result["sampled"]
                result["extrapolated"] = True
            rows.append({"size": size, **result})
            print(
                f"  {size:>6} {mode:<5} {result['wall']:8.1f} s"
                f"{' (extrapolated)' if result.get('extrapolated') else ''}",
                flush=True,
            )
    receiver_port = free_port()
    receiver = subprocess.Popen(
        [sys.executable, str(HERE / "receiver.py"), str(receiver_port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    receiver.stdout.readline()
    try:
        delivery = run_child(None, base_env, "deliver", str(receiver_port), "5000")
        with urllib.request.urlopen(f"http://127.0.0.1:{receiver_port}/count") as r:
            delivery |= json.loads(r.read())
    finally:
        receiver.terminate()
    if rows:
        print_table(rows)
        print_breakdown(rows)
    print_delivery(delivery)


def check(label: str, value: float, op: str, target: float) -> None:
    """One figure with its target, met or NOT MET."""
    ok = value <= target if op == "<=" else value >= target
    print(f"{label:<44} {value:8.2f}  target {op} {target:<6} {'met' if ok else 'NOT MET'}")


def print_breakdown(rows: list[dict]) -> None:
    """Where each run's time went beyond its own work (benchmarks/breakdown.py)."""
    print()
    print(
        f"{'measures':>8} {'mode':<8} | {'wall s':>6} | {'client CPU s':>12} | "
        f"{'server CPU s':>12} | {'artifacts':>9} | {'in artifact calls s':>19} | "
        f"{'API calls':>9} | {'in API calls s':>14} | events"
    )
    for r in rows:
        if r["mode"] == "naive":
            continue
        events = ", ".join(f"{k} {v}" for k, v in sorted(r["events"].items())) or "none"
        print(
            f"{r['size']:>8} {r['mode']:<8} | {r['wall']:6.1f} | {r['client_cpu']:12.1f} | "
            f"{r['server_cpu']:12.1f} | {r['artifacts']:>9} | "
            f"{r['artifact_seconds']:19.1f} | "
            f"{r['api_calls']:>9} | {r['api_seconds']:14.1f} | {events}"
        )
    for r in rows:
        if r["mode"].startswith("flow"):
            calls = "; ".join(f"{k} {n} ({s:.1f} s)" for k, (n, s) in r["api"].items())
            print(f"API calls of {r['mode']} at {r['size']}: {calls}")
    print("(artifact calls overlap the work: they run on a background thread)")


def print_delivery(delivery: dict) -> None:
    check("5 000 digests delivered (s)", delivery["wall"], "<=", TARGETS["deliver_s"])
    # each sending thread may have one row delivered and not recorded when the sender dies
    check("repeats a kill may cause (threads)", delivery["concurrency"], "<=", TARGETS["repeats"])
    print(
        f"delivery: {delivery['sent']} sent, {delivery['failed']} failed, receiver got "
        f"{delivery['posts']} posts ({delivery['keys']} distinct keys), "
        f"{delivery['sent'] / delivery['wall']:.0f}/s with {delivery['concurrency']} threads"
    )


def print_table(rows: list[dict]) -> None:
    by = {(r["size"], r["mode"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    print()
    print(
        f"{'measures':>8} | {'bare s':>7} | {'flow s':>7} | {'on its day s':>12} | "
        f"{'naive s':>9} | {'flow/bare':>9} | "
        f"{'naive/flow':>10} | {'stmts bare':>10} | {'stmts flow':>10} | {'stmts naive':>11} | "
        f"{'RSS flow MB':>11} | {'notices':>7}"
    )
    for size in sizes:
        bare, flow, naive = by[size, "bare"], by[size, "flow"], by[size, "naive"]
        naive_s = f"{naive['wall']:.1f}{'*' if naive.get('extrapolated') else ''}"
        naive_stmts = f"{naive['statements']}{'*' if naive.get('extrapolated') else ''}"
        print(
            f"{size:>8} | {bare['wall']:7.1f} | {flow['wall']:7.1f} | "
            f"{by[size, 'flow-day']['wall']:12.1f} | {naive_s:>9} | "
            f"{flow['wall'] / bare['wall']:9.2f} | {naive['wall'] / flow['wall']:10.1f} | "
            f"{bare['statements']:>10} | {flow['statements']:>10} | {naive_stmts:>11} | "
            f"{flow['rss_peak']:11.0f} | {flow['notices']:>7}"
        )
    print(
        "* naive at this size: a sample of measures, time scaled to all; statements of the sample"
    )
    print(
        "flow: on a fresh Prefect server; on its day: after the dashboards of the 09:00 "
        "deadline watch (not timed); the dispatch itself publishes one summary"
    )
    print()
    for size in sizes:  # every size: a fixed cost weighs most on the smallest
        bare, naive = by[size, "bare"], by[size, "naive"]
        for mode, label in (("flow", "flow"), ("flow-day", "flow on its day")):
            wall = by[size, mode]["wall"]
            check(f"{label} / bare at {size}", wall / bare["wall"], "<=", TARGETS["vs_bare"])
            check(f"naive / {label} at {size}", naive["wall"] / wall, ">=", TARGETS["vs_naive"])
    for size in sizes:
        for mode in ("bare", "flow"):
            rss = by[size, mode]["rss_peak"]
            check(f"peak RSS of {mode} at {size} (MB)", rss, "<=", TARGETS["rss_mb"])
    # statements grow with the number of batches only: the same per batch at every size
    per_batch = {}
    for size in sizes:
        flow = by[size, "flow"]
        batches = -(-size // MEASURES_PER_UNIT // (flow["batch_size"] or size))
        per_batch[size] = flow["statements"] / max(batches, 1)
        print(f"statements of the flow at {size}: {flow['statements']} in {batches} batches")
    low = min(per_batch.values())
    check("statements per batch, largest / smallest", max(per_batch.values()) / low, "<=", 1.5)


if __name__ == "__main__":
    main()
