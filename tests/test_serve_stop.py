"""``rectify serve`` stopped by a service manager (SIGTERM) as by Ctrl-C: the Prefect server
it started stops with it and frees its port, and the command ends within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.receivers import free_port

pytestmark = pytest.mark.slow


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.parametrize(
    ("sig", "demo"),
    [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGTERM, True)],
    ids=["SIGTERM", "Ctrl-C", "SIGTERM during the demo"],
)
def test_a_stopped_serve_leaves_no_server_behind(tmp_path: Path, sig, demo):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_URL")}
    env |= {"RECTIFY_HOME": str(tmp_path), "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("RECTIFY_DATABASE_URL", None)
    rectify = str(Path(sys.executable).parent / "rectify")
    serve = subprocess.Popen(
        [rectify, "serve", "--port", str(port), *(["--demo"] if demo else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    health = f"http://127.0.0.1:{port}/api/health"
    try:
        deadline = time.monotonic() + 120
        while not answers(health):
            assert serve.poll() is None and time.monotonic() < deadline, "the server never answered"
            time.sleep(0.5)
        time.sleep(3)  # the deployments being served
        serve.send_signal(sig)
        assert serve.wait(timeout=60) is not None
        gone = time.monotonic() + 10
        while answers(health) and time.monotonic() < gone:
            time.sleep(0.5)
        assert not answers(health)  # the Prefect server stopped with the command
    finally:
        if serve.poll() is None:
            serve.kill()
