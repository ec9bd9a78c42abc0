"""Hostile inputs given to ``rectify import``: the time and peak memory of each refusal, each
in a child process of its own, against the targets (refused within 2 s, under 500 MB).

    python benchmarks/inputs.py

The inputs: a 1 KB YAML "billion laughs" (nine levels of nine aliases), a 200 MB file (sparse),
a YAML just under the size limit holding millions of nodes, and an XLSX zip bomb.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

TARGET_SECONDS = 2.0
TARGET_MB = 500


def alias_bomb(path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def sparse_200_mb(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)


def many_nodes(path: Path) -> None:
    """Just under 10 MB: a list of five million numbers."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("items: [")
        chunk = "0, " * 100_000
        for _ in range(33):
            fh.write(chunk)
        fh.write("0]\n")


def zip_bomb(path: Path) -> None:
    """A few hundred KB that unpack to 1 GB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (16 * 1024 * 1024)
            for _ in range(64):
                member.write(block)


INPUTS = [
    ("alias bomb (YAML)", "bomb.yaml", alias_bomb),
    ("200 MB file", "big.yaml", sparse_200_mb),
    ("5 million nodes under 10 MB", "nodes.yaml", many_nodes),
    ("zip bomb (XLSX, 1 GB unpacked)", "bomb.xlsx", zip_bomb),
]


def refuse(path: Path, home: Path) -> tuple[float, float, int, str]:
    """Seconds, peak MB and exit code of ``rectify import path`` in a child, and its message."""
    env = {**os.environ, "RECTIFY_HOME": str(home)}
    env.pop("RECTIFY_DATABASE_URL", None)
    command = [sys.executable, "-c", "from rectify.cli import app; app()", "import", str(path)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    message = child.stderr.read().decode("utf-8", "replace").strip().splitlines()[:1]
    child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, child.returncode, (message or [""])[0]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # the interpreter and the engine's imports alone, for reference
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import rectify.cli"], check=True)
        print(f"starting the command line alone: {time.perf_counter() - started:.2f} s")
        print(f"{'input':34} {'size':>10} {'time':>8} {'peak':>9}  verdict")
        for label, name, make in INPUTS:
            path = root / name
            make(path)
            seconds, peak, code, message = refuse(path, root / "home")
            size = f"{path.stat().st_size / 1024:,.0f} KB"
            ok = code == 1 and seconds < TARGET_SECONDS and peak < TARGET_MB
            verdict = (
                "ok" if ok else f"MISSED (exit {code}, targets {TARGET_SECONDS} s, {TARGET_MB} MB)"
            )
            print(f"{label:34} {size:>10} {seconds:7.2f}s {peak:7.0f}MB  {verdict}")
            print(f"    {message[:150]}")
            path.unlink()


if __name__ == "__main__":
    main()
