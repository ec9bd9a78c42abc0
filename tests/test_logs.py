"""Quiet runs: what Prefect would print on the terminal goes to the log file instead
(``--verbose``: to both), and the terminal handlers are back when the run ends."""

from __future__ import annotations

import io
import logging

import pytest
from prefect.logging.handlers import PrefectConsoleHandler

from rectify.runtime.logs import prefect_logs_to_file


@pytest.fixture
def terminal():
    """Prefect's console handler on the root logger, as Prefect configures it, writing to a
    buffer that stands for the terminal."""
    screen = io.StringIO()
    handler = PrefectConsoleHandler(stream=screen)
    root = logging.getLogger()
    root.addHandler(handler)
    yield screen, handler
    root.removeHandler(handler)


@pytest.mark.parametrize(("verbose", "on_terminal"), [(False, False), (True, True)])
def test_run_logs_go_to_the_log_file(db, terminal, verbose, on_terminal):
    screen, handler = terminal
    with prefect_logs_to_file(verbose=verbose) as path:
        run = {"flow_run_name": "期限检查 binhai 2024-06-27", "flow_run_id": "1"}
        logging.getLogger("prefect.flow_runs").warning("期限检查 finished", extra=run)
    assert ("期限检查 finished" in screen.getvalue()) == on_terminal
    assert handler in logging.getLogger().handlers  # back after the run
    assert path == db.parent / "logs" / "rectify.log"
    assert "期限检查 finished" in path.read_text(encoding="utf-8")
