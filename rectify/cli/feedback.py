"""``rectify init``, ``upgrade`` and ``import``: the database and the feedback file
(反馈意见) that starts a rectification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from models import create_schema
from rectify.cli.common import AtOpt, console, fail_with, parse_at, refusal_line, warn
from rectify.clues import ClueKeyError, ensure_clue_key
from rectify.core.settings import get_settings
from rectify.feedback.service import import_file


def init() -> None:
    """建立数据库；未配置问题线索密钥时在主目录生成密钥。

    数据库默认为 SQLite 文件，可用 RECTIFY_DATABASE_URL 指定。"""
    try:
        where, created = ensure_clue_key()
    except ClueKeyError as exc:
        fail_with([], exc.message)
    create_schema()
    console.print(f"数据库已就绪：{get_settings().resolved_database_url}", highlight=False)
    if created:
        console.print(
            f"已生成问题线索密钥：{where}（仅本人可读，请妥善备份；丢失后已存线索无法读取）",
            highlight=False,
        )
    else:
        console.print(f"问题线索密钥：{where}", highlight=False)


def upgrade() -> None:
    """将数据库结构升级到最新版本（SQLite 或 PostgreSQL）。"""
    # Alembic is loaded only when the schema is touched, not for every command's --help.
    from models.migrate import current_revision

    create_schema()
    console.print(
        f"数据库结构版本 {current_revision()}：{get_settings().resolved_database_url}",
        highlight=False,
    )


def import_feedback(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, metavar="文件", help="反馈意见文件（.yaml/.json/.xlsx）"
        ),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="更新已导入的巡察，保留其历史记录")
    ] = False,
    at: AtOpt = None,
) -> None:
    """导入反馈意见文件（全部导入或全部不导入）。"""
    outcome = import_file(file, replace=replace, at=parse_at(at, get_settings().timezone))
    if not outcome.done:
        n = len(outcome.errors)
        fail_with(outcome.errors, refusal_line(None, f"未导入任何内容（{n} 处错误）"))
    verb = "已替换" if outcome.replaced else "已导入"
    console.print(
        f"{verb} {outcome.inspection_id}：{outcome.aspects} 个方面，{outcome.problems} 个问题，"
        f"{outcome.measures} 项整改措施；整改方案时限 {outcome.plan_due}",
        highlight=False,
    )
    for line in outcome.notes:
        console.print(f"  {line}", highlight=False)
    warn(outcome.warnings)
