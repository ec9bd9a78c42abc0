"""How fast this machine runs plain Python, printed beside every benchmark's figures: the same
code measured on two machines of this workplace differed by 2.6 times (the Wulong replay's
own CPU: 7.1 s on the machine of the November figures, 19.5 s on that of December), so a
time target reads only beside this figure.

    .venv/bin/python benchmarks/machine.py

The reference: the best of three runs of a fixed loop (additions, a dict and a list, as the
engine's rules do), in this process; other processes on the machine slow it down. On the
machine of 7 December 2026, quiet: 0.34-0.37 s.
"""

from __future__ import annotations

import time


def reference_seconds(repeat: int = 3) -> float:
    """The best of ``repeat`` runs of the fixed loop, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        _loop()
        best = min(best, time.perf_counter() - started)
    return best


def _loop() -> int:
    total = 0
    seen: dict[int, int] = {}
    kept: list[int] = []
    for i in range(3_000_000):
        total += i
        seen[i & 1023] = i
        if i & 255 == 0:
            kept.append(total)
    return total + len(seen) + len(kept)


def line() -> str:
    """The line the benchmarks print."""
    seconds = reference_seconds()
    return f"machine: the reference Python loop takes {seconds:.2f} s (benchmarks/machine.py)"


if __name__ == "__main__":
    print(line())
