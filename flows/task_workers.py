"""The scheduled flows' batches as background task runs (``RECTIFY_TASK_WORKERS=true``): each
batch is handed to the Prefect server, any task worker (``rectify worker``) takes it, and the
flow waits for all of them before its summary and delivery.

What this needs of Prefect:

- a real Prefect server (``PREFECT_API_URL``), with its task-run recorder, that the flow and
  the workers share: a flow on Prefect's temporary in-process server has nobody to hand to;
- a storage the flow and the workers share, where a batch's parameters and its result are
  kept: by default ``<RECTIFY_HOME>/task-runs`` (one machine: every process sets the same
  RECTIFY_HOME or PREFECT_LOCAL_STORAGE_PATH); on several machines a shared file-system
  block named by PREFECT_TASK_SCHEDULING_DEFAULT_STORAGE_BLOCK and
  PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK (docs/production.md).

Batches run at the same time in different workers: each covers its own inspections and
writes only their rows (cycle, notices, marks, dashboards); a repeated batch is kept from
writing or sending twice by the cycle record and the notices' dedupe keys.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prefect import get_run_logger, tags
from prefect.futures import wait
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_LOCAL_STORAGE_PATH,
    PREFECT_TASK_SCHEDULING_DEFAULT_STORAGE_BLOCK,
    temporary_settings,
)

from rectify.core.settings import get_settings

STORAGE_SETTINGS = ("PREFECT_LOCAL_STORAGE_PATH", "PREFECT_RESULTS_LOCAL_STORAGE_PATH")
NO_SERVER = (
    "RECTIFY_TASK_WORKERS 已开启，但未设置 PREFECT_API_URL：批次须交给 Prefect 服务器，"
    "由任务工作进程（rectify worker）领取；请先启动服务器（rectify serve）并设置其地址"
)
NOT_TAKEN = (
    "{total} 个批次中有 {n} 个在 {s:.0f} 秒内未由任务工作进程完成：请确认 rectify worker 在运行"
    "（等待时限 RECTIFY_TASK_WORKERS_WAIT）；再次运行时，已写入的通知不会重复发送"
)


def on_task_workers(ids: list[str], size: int, task, kind: str, *args) -> list[dict]:
    """``task(batch, *args)`` on the inspections in batches of ``size``, each batch a
    background task run any task worker may take; the results in the batches' order."""
    if not PREFECT_API_URL.value():
        raise RuntimeError(NO_SERVER)
    futures = []
    with shared_storage():
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            one = [f"inspection:{batch[0]}"] if len(batch) == 1 else []
            with tags(kind, *one):
                futures.append(task.delay(batch, *args))
        get_run_logger().info(
            f"已将 {len(futures)} 个批次交给任务工作进程，等待全部完成（须有 rectify worker 在运行）"
        )
        waited = get_settings().task_workers_wait or None
        if unfinished := wait(futures, timeout=waited).not_done:
            raise RuntimeError(NOT_TAKEN.format(n=len(unfinished), total=len(futures), s=waited))
        return [row for future in futures for row in future.result()]


@contextmanager
def shared_storage() -> Iterator[None]:
    """Keep the batches' parameters and results under ``<RECTIFY_HOME>/task-runs`` unless
    Prefect is told where (a storage path or a storage block): the same place for the flow
    and the workers of one machine, whatever their PREFECT_HOME."""
    told = any(os.environ.get(name) for name in STORAGE_SETTINGS)
    if told or PREFECT_TASK_SCHEDULING_DEFAULT_STORAGE_BLOCK.value():
        yield
        return
    path = get_settings().home / "task-runs"
    with temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: path}):
        yield
