"""``rectify serve --demo`` from a fresh home: the seconds from the command's start to the
first deployment listed by the API and to the first dashboard artifact (``dashboard-…``),
against the 30 s target; then the replay's end (the chart artifact), if it comes within
``--wait`` seconds.

    python benchmarks/demo_start.py [--wait 600]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TARGET_SECONDS = 30.0
RECTIFY = Path(sys.executable).with_name("rectify")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(api: str, path: str, body: dict) -> list:
    request = urllib.request.Request(
        f"{api}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def artifacts(api: str, prefix: str) -> list:
    return post(api, "/artifacts/filter", {"artifacts": {"key": {"like_": prefix}}, "limit": 5})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait", type=float, default=0, help="also wait for the replay's end")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="rectify-demo-bench-"))
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "RECTIFY_HOME": str(home), "PREFECT_HOME": str(home / "prefect")}
    for name in ("RECTIFY_DATABASE_URL", "PREFECT_API_URL"):
        env.pop(name, None)
    log = open(home / "serve.log", "wb")
    start = time.monotonic()
    process = subprocess.Popen(
        [str(RECTIFY), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    found: dict[str, float] = {}
    deadline = start + max(120.0, args.wait)
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if "deployment" not in found and post(api, "/deployments/filter", {"limit": 1}):
                    found["deployment"] = time.monotonic() - start
                if "dashboard" not in found and artifacts(api, "dashboard-%"):
                    found["dashboard"] = time.monotonic() - start
                if args.wait and "chart" not in found and artifacts(api, "dashboard-chart-%"):
                    found["chart"] = time.monotonic() - start
            except OSError:
                pass
            wanted = {"deployment", "dashboard"} | ({"chart"} if args.wait else set())
            if wanted <= set(found):
                break
            time.sleep(0.25)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
    for what in ("deployment", "dashboard", "chart"):
        if what in found:
            mark = "" if what == "chart" else (" ok" if found[what] <= TARGET_SECONDS else " OVER")
            print(f"first {what:<10} {found[what]:6.1f} s  (target {TARGET_SECONDS:.0f} s){mark}")
        elif what != "chart" or args.wait:
            print(f"first {what:<10} not seen; see {home / 'serve.log'}")
            return
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
