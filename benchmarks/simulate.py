"""Benchmark: the replays, each in a fresh process with a fresh Prefect home (its temporary
Prefect server started, and its database created, within the time):

- Wulong: the 3-month, 31-problem scenario of seed 002 (examples/wulong-scenario.yaml), as
  ``rectify simulate`` runs it; target ≤ 15 s.
- Binhai: the 6-month demo of seed 004 (examples/binhai-scenario.yaml), as ``rectify demo``
  replays it into the engine's database; target ≤ 30 s. ``rectify serve --demo`` replays
  the same scenario behind the served deployments (``--serve``: timed too, from the
  command's start to the chart artifact that ends the replay, by benchmarks/demo_start.py).

Each replay runs twice in one new home, each time in a fresh process: first as on a new
machine (the replay's own Prefect server creates its database, and keeps a copy in
``~/.rectify/cache``), then again (it starts from that copy, as every later replay does).
Prints both wall times with the target met / NOT MET, and for the second the flow runs,
time per run, notices, peak RSS, the process's CPU time and its Prefect server's, with the
load average.

    .venv/bin/python benchmarks/simulate.py [--only wulong|binhai] [--serve] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    # name: (scenario file, what it is, target in seconds, replayed as the demo)
    "wulong": ("wulong-scenario.yaml", "Wulong, 3 months (rectify simulate)", 15.0, False),
    "binhai": ("binhai-scenario.yaml", "Binhai demo, 6 months (rectify demo)", 30.0, True),
}


def child(name: str, out: str | None) -> dict:
    from rectify.runtime.logs import prefect_logs_to_file
    from rectify.runtime.replay_runs import OwnServer
    from rectify.runtime.simulation import (
        load_scenario,
        prepare_embedded_prefect,
        simulate,
        write_outputs,
    )

    file, _, _, in_place = SCENARIOS[name]
    started = time.perf_counter()
    prepare_embedded_prefect()
    scenario = load_scenario(ROOT / "examples" / file)
    OwnServer.start_early()  # as the command line
    with prefect_logs_to_file():  # as the command line: Prefect's terminal output to the file
        result = simulate(scenario, in_place=in_place)
    wall = time.perf_counter() - started
    if out:
        write_outputs(result, Path(out) / name)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "wall": wall,
        "runs": len(result.runs),
        "notices": len(result.notices),
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu": usage.ru_utime + usage.ru_stime,
        "server_cpu": server_cpu(),
        "summary": result.summary,
    }


def server_cpu() -> float | None:
    """The CPU seconds so far of this process's children still running: its Prefect server
    (Linux), None when unknown."""
    if not Path("/proc/self/stat").is_file():
        return None
    try:
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            if int(fields[1]) == os.getpid():
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, IndexError, ValueError):
        return None


def run_child(name: str, out: str | None, home: str, run: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL",)}
    env.update(
        RECTIFY_HOME=home,
        RECTIFY_DATABASE_URL=f"sqlite:///{home}/rectify-{run}.db",
        PREFECT_HOME=f"{home}/prefect",
    )
    args = [sys.executable, __file__, "--child", name] + (["--out", out] if out else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_twice(name: str, out: str | None) -> list[dict]:
    """The replay on a new home (its temporary Prefect server creates the database that later
    replays start from a copy of), then again in that home: each in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="rectify-simulate-bench-") as home:
        return [run_child(name, out, home, run) for run in (1, 2)]


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def report(name: str, first: dict, later: dict) -> None:
    _, label, target, _ = SCENARIOS[name]
    s = later["summary"]
    print(f"{label}: {s['problems']} problems, closed {s['closed']}, long-term {s['long_term']}")
    for what, r in (("a new home", first), ("again, same home", later)):
        mark = "met" if r["wall"] <= target else "NOT MET"
        print(f"  wall time, {what:<17} {r['wall']:7.1f} s   target ≤ {target:.0f} s: {mark}")
    r = later
    server = f"{r['server_cpu']:.1f} s" if r["server_cpu"] is not None else "unknown"
    print(
        f"  flow runs                 {r['runs']:7d}     {r['wall'] / r['runs'] * 1000:.0f} ms per run"
    )
    print(f"  notices                   {r['notices']:7d}")
    print(f"  peak RSS                  {r['peak_mb']:7.0f} MB")
    print(f"  CPU: process / server     {r['cpu']:7.1f} s / {server}")
    print(f"  load average after        {load()}")


def serve_demo() -> None:
    """``rectify serve --demo`` to the end of its replay (benchmarks/demo_start.py --wait)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "demo_start.py"), "--wait", "600"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    print("rectify serve --demo (the same replay behind the served deployments):")
    for line in done.stdout.splitlines():
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--only", choices=sorted(SCENARIOS))
    parser.add_argument("--out", help="also write each replay's outputs to DIR/<scenario>")
    parser.add_argument("--serve", action="store_true", help="also time rectify serve --demo")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.out), ensure_ascii=False, default=str))
        return
    import machine

    print(f"load average before {load()}")
    print(machine.line(), flush=True)
    for name in [args.only] if args.only else list(SCENARIOS):
        report(name, *run_twice(name, args.out))
    if args.serve:
        serve_demo()


if __name__ == "__main__":
    main()
