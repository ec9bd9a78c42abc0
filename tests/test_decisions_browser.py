"""The office decides an application for sign-off in the Prefect UI, in a real browser: the
engine's embedded server (API and UI), the ``sign-off-decision`` deployment served by a
runner, the decision watch starting the run that waits; Playwright on Debian's Chromium
opens the waiting run, fills the Resume form and submits it; the problem is then closed and
the audit log shows the decision with its flow run. A screenshot of each step is kept in
the test's tmp_path (pytest keeps the last runs' tmp_paths, failed or not)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from models import AuditEvent, session_scope
from rectify.cli import app
from rectify.problems.service import status
from rectify.problems.tree import get_inspection
from tests.conftest import ROOT
from tests.test_decisions import INSPECTION, applied  # noqa: F401 (a fixture)

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium"),
]
SERVE = (
    "from prefect import serve\n"
    "from deployments import by_name\n"
    "spec = by_name('sign-off-decision')\n"
    "serve(spec.load_flow().to_deployment(name=spec.name), pause_on_shutdown=False)\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout: float = 120, every: float = 1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def run_state(run_id):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id).state


def deployment_ready() -> bool:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name("sign-off-decision/sign-off-decision")
        except ObjectNotFound:
            return False
    return True


@pytest.fixture
def server(tmp_path, monkeypatch):
    """The embedded server and a runner serving the decision deployment."""
    from rectify.runtime.server import embedded_server

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv("PREFECT_RUNNER_POLL_FREQUENCY", "2")
    port = free_port()
    monkeypatch.setenv("PREFECT_UI_API_URL", f"http://127.0.0.1:{port}/api")  # the UI's API
    with embedded_server("127.0.0.1", port) as api:
        env = {**os.environ, "PREFECT_API_URL": api, "PYTHONPATH": str(ROOT)}
        log = open(tmp_path / "runner.log", "wb")
        runner = subprocess.Popen(
            [sys.executable, "-c", SERVE], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_for("the decision deployment", deployment_ready)
            yield api.removesuffix("/api")
        finally:
            runner.terminate()
            runner.wait(timeout=30)
            log.close()


def test_the_office_confirms_a_sign_off_in_the_prefect_ui(applied, server, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from flows.decisions import decision_watch

    shots = tmp_path / "screenshots"
    shots.mkdir()
    watch = decision_watch(inspection_id=INSPECTION)
    (run_id,) = watch["runs"]
    wait_for("the run to wait for the decision", lambda: run_state(run_id).is_paused(), 180)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{server}/runs/flow-run/{run_id}")
            page.get_by_text("销号审核 滨海新区生态环境局党组 问题 1").first.wait_for()
            page.screenshot(path=shots / "1-waiting-run.png", full_page=True)
            page.get_by_role("button", name="Resume").first.click()
            page.get_by_text("学习贯彻不深不透").first.wait_for()
            page.screenshot(path=shots / "2-resume-form.png", full_page=True)
            fill_decision(page, decision="确认销号", by="xcb_li", reason="经审核，同意销号")
            page.screenshot(path=shots / "3-filled.png", full_page=True)
            page.get_by_role("button", name="Submit").click()
            wait_for("the decision to be applied", lambda: run_state(run_id).is_completed(), 180)
            page.reload()
            page.get_by_text("Completed").first.wait_for()
            page.screenshot(path=shots / "4-decided.png", full_page=True)
        finally:
            page.screenshot(path=shots / "last.png", full_page=True)
            (shots / "last.html").write_text(page.content(), encoding="utf-8")
            browser.close()

    with session_scope() as s:
        # Today where the inspection is (Asia/Shanghai): from 16:00 UTC on, a day after the
        # machine's own date, and the decision was applied on that day.
        zone = ZoneInfo(get_inspection(s, INSPECTION).timezone)
        figures = status(INSPECTION, as_of=dt.datetime.now(zone).date(), session=s)
        event = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert figures["closed"] == 1
    assert (event.action, event.outcome, event.actor) == ("sign_off", "done", "xcb_li")
    assert event.details["channel"] == f"flow-run:{run_id}"
    listed = CliRunner().invoke(app, ["audit", "--limit", "1"]).output
    assert f"xcb_li（flow-run:{run_id}） sign_off 1 完成" in listed


def fill_decision(page, *, decision: str, by: str, reason: str) -> None:
    """Fill the Resume form: two choices and a text area. Prefect's select button opens its
    options from the keyboard (a mouse click opens and closes it at once)."""

    def field(label: str):
        return page.locator(".schema-form-property", has_text=label).first

    for label, value in (("审核决定", decision), ("决定人（巡察办督查人员）", by)):
        button = field(label).locator("button.p-select-button__control")
        button.focus()
        button.press("ArrowDown")
        page.locator(".p-select-option").filter(has_text=value).first.click()
    field("理由或审核意见").locator("textarea").fill(reason)
