"""Feedback import (导入反馈意见): importing a feedback file as a flow, so the UI shows it."""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.states import Failed

from flows.common import resolve_at
from tasks.feedback_import import import_feedback


@flow(name="feedback-import", flow_run_name="导入反馈意见 {path}")
def feedback_import(path: str, replace: bool = False, as_of: dt.datetime | None = None):
    result = import_feedback(path, replace, resolve_at(as_of))
    if not result["done"]:
        errors = "\n".join(f"- `{e}`" for e in result["errors"])
        create_markdown_artifact(
            f"## 导入被拒绝:{path}\n\n未写入任何数据。\n\n{errors}\n",
            key="feedback-import-refused",
            description=f"反馈意见导入被拒绝：{path}（{len(result['errors'])} 处错误）",
        )
        return Failed(
            message=f"{len(result['errors'])} error(s) in {path}; nothing imported", data=result
        )
    create_markdown_artifact(
        f"## 已导入 {result['inspection_id']}\n\n{result['aspects']} 个方面 {result['problems']} 个问题 "
        f"{result['measures']} 项措施;整改方案审议时限 {result['plan_due']}\n",
        key=f"feedback-import-{result['inspection_id']}",
        description=f"反馈意见已导入：{result['inspection_id']}",
    )
    return result
