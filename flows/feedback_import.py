"""Feedback import (导入反馈意见): importing a feedback file as a flow, so the UI shows it."""

from __future__ import annotations

import datetime as dt
import hashlib

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.states import Failed

from flows.common import resolve_at
from rectify.core.settings import get_settings
from tasks.feedback_import import import_feedback


@flow(name="feedback-import", flow_run_name="导入反馈意见 {path}")
def feedback_import(
    path: str = "", replace: bool = False, as_of: dt.datetime | None = None, pasted_yaml: str = ""
):
    """导入反馈意见文件（YAML 或 XLSX），全部导入或全部不导入。

    Args:
        path: 服务器上反馈意见文件的路径（与“粘贴的 YAML”二选一）
        replace: 是否替换已导入的同一巡察（仅在尚无任何办理记录时允许）
        as_of: 导入时间（默认现在）
        pasted_yaml: 直接粘贴的反馈意见 YAML 全文（与“路径”二选一）
    """
    if bool(path) == bool(pasted_yaml):
        return Failed(message="请填写文件路径或粘贴 YAML 全文，二者只填其一")
    path = path or save_pasted(pasted_yaml)
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


def save_pasted(text: str) -> str:
    """Keep pasted YAML as a file under ``<home>/pasted/`` (its lines are the file's lines in
    a refusal), and return its path."""
    folder = get_settings().home / "pasted"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    target = folder / f"feedback-{digest}.yaml"
    target.write_text(text, encoding="utf-8")
    return str(target)
