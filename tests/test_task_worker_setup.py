"""What a provincial office meets when it turns the task workers on (RECTIFY_TASK_WORKERS,
`rectify worker`) with part of the setup missing, and where the batches' parameters and
results are kept by default. The run itself: tests/test_task_workers.py (slow)."""

from __future__ import annotations

import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_LOCAL_STORAGE_PATH, temporary_settings
from typer.testing import CliRunner

from flows.common import in_batches
from flows.task_workers import shared_storage
from rectify.cli import app
from rectify.core.settings import reset_settings
from rectify.runtime.workers import batch_tasks
from tasks.dispatch import dispatch

runner = CliRunner()


def _worker_without_server(monkeypatch) -> str:
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 1
    return result.output


def _flow_without_server(monkeypatch) -> str:
    monkeypatch.setenv("RECTIFY_TASK_WORKERS", "true")
    reset_settings()
    with pytest.raises(RuntimeError) as refused:
        in_batches(["a", "b"], dispatch, "dispatch", None)
    return str(refused.value)


REFUSALS = [  # (what the office does without a Prefect server, what it reads)
    (_worker_without_server, "未设置 PREFECT_API_URL：任务工作进程须连接 Prefect 服务器"),
    (_flow_without_server, "RECTIFY_TASK_WORKERS 已开启，但未设置 PREFECT_API_URL"),
]


@pytest.mark.parametrize(("attempt", "message"), REFUSALS)
def test_task_workers_without_a_server_say_so(attempt, message, db, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(updates={PREFECT_API_URL: None}):
        assert message in attempt(monkeypatch)


STORAGE = [  # (environment, where the batches' parameters and results are kept)
    ({}, "{home}/task-runs"),
    ({"PREFECT_LOCAL_STORAGE_PATH": "/srv/shared"}, "/srv/shared"),
    ({"PREFECT_RESULTS_LOCAL_STORAGE_PATH": "/srv/shared"}, "/srv/shared"),
]


@pytest.mark.parametrize(("environment", "expected"), STORAGE)
def test_flow_and_workers_keep_batches_in_one_place(environment, expected, db, monkeypatch):
    for name in ("PREFECT_LOCAL_STORAGE_PATH", "PREFECT_RESULTS_LOCAL_STORAGE_PATH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: "/srv/shared"}):
        with shared_storage():
            used = str(PREFECT_LOCAL_STORAGE_PATH.value())
    assert used == expected.format(home=db.parent)


def test_a_worker_takes_every_batch_a_scheduled_flow_hands_over():
    """A batch nobody serves would keep its flow waiting: the worker serves each task that
    the scheduled flows run in batches."""
    from flows import (
        deadline_watch,
        decisions,
        half_monthly_dispatch,
        lookback_review,
        monthly_supervision,
    )

    handed = {
        half_monthly_dispatch.dispatch,
        monthly_supervision.supervise,
        deadline_watch.watch_deadlines,
        lookback_review.assign_reviews,
        decisions.escalate_late_decisions,
    }
    assert {t.task_key for t in batch_tasks()} == {t.task_key for t in handed}
