"""Benchmark: a 3-month, 31-problem simulation (the Wulong scenario of seed 002).

Prints wall time, flow runs, notices and time per run; the target is well under a minute.
Run: .venv/bin/python benchmarks/simulate.py
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60


def main() -> None:
    from rectify.runtime.simulation import load_scenario, prepare_embedded_prefect, simulate

    prepare_embedded_prefect()
    scenario = load_scenario(ROOT / "examples" / "wulong-scenario.yaml")
    started = time.perf_counter()
    result = simulate(scenario)
    wall = time.perf_counter() - started
    runs = len(result.runs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s = result.summary
    print(f"{'scenario':<28}wulong-scenario.yaml (3 months, {s['problems']} problems)")
    print(
        f"{'wall time (incl. server)':<28}{wall:8.1f} s   target < {TARGET_SECONDS} s   ratio {wall / TARGET_SECONDS:.2f}"
    )
    print(f"{'flow runs':<28}{runs:8d}   {wall / runs * 1000:.0f} ms per run")
    print(f"{'notices':<28}{len(result.notices):8d}")
    print(f"{'peak RSS':<28}{peak_mb:8.0f} MB")
    print(
        f"{'final counts':<28}closed {s['closed']}, long-term {s['long_term']}, overdue {s['overdue']}"
    )


if __name__ == "__main__":
    main()
