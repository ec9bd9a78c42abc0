"""``rectify worker``: a task worker that runs the scheduled flows' batches handed to the
Prefect server (``RECTIFY_TASK_WORKERS=true``)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from models import create_schema
from rectify.cli.common import console, fail

NO_SERVER = "未设置 PREFECT_API_URL：任务工作进程须连接 Prefect 服务器（rectify serve 所启动的）"


def worker(
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="同时运行的批次数（每批次占一个数据库连接）")
    ] = 1,
) -> None:
    """启动任务工作进程：领取并运行各计划流程交给服务器的批次（RECTIFY_TASK_WORKERS=true）。"""
    if not os.environ.get("PREFECT_API_URL"):
        fail(NO_SERVER)
    create_schema()
    from rectify.runtime.workers import serve_batches

    console.print(
        f"任务工作进程已启动：{os.environ['PREFECT_API_URL']}，同时运行 {limit} 个批次（Ctrl-C 停止）",
        highlight=False,
    )
    serve_batches(limit)
