"""``rectify audit`` and ``audit verify``: the audit log (审计日志), newest first, and the
check of its hash chain."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError

from models import create_schema, session_scope
from rectify.audit.log import verify
from rectify.cli.common import InspectionOpt, console, fail, fail_with
from rectify.reports.audit_trail import audit_rows, count_events

audit_app = typer.Typer(help="审计日志（只增不改，哈希链防篡改）。", invoke_without_command=True)
OUTCOMES = {"done": "完成", "refused": "拒绝"}


@audit_app.callback()
def audit(
    ctx: typer.Context,
    inspection: InspectionOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="最多显示的条数")] = 50,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="查阅人编号：巡察办及其授权人员可看到问题线索事件的全文"),
    ] = None,
) -> None:
    """审计日志，最新的在前：每一次操作（完成或被拒绝）及其理由。

    涉及问题线索的事件，只有巡察办或其授权人员（--actor）能看到线索编号和理由。"""
    if ctx.invoked_subcommand is not None:
        return
    create_schema()
    try:
        with session_scope() as session:
            rows = audit_rows(session=session, actor=actor, inspection_id=inspection, limit=limit)
    except (ValueError, SQLAlchemyError):  # a row edited outside the engine: named below
        _unreadable_rows()
    for e in rows:
        reason = f"（{e.code}）：{e.reason.splitlines()[0]}" if e.reason else ""
        console.print(
            f"#{e.id} {e.at:%Y-%m-%d %H:%M}Z {e.inspection_id or '-'} {e.actor or '-'}"
            + (f"（{e.channel}）" if e.channel else "")
            + f" {e.action}{f' {e.subject}' if e.subject else ''}"
            + f" {OUTCOMES.get(e.outcome, e.outcome)}{reason}",
            highlight=False,
            markup=False,
        )


def _check() -> tuple[list[str], int]:
    """Every place the chain does not hold, and how many events the log holds."""
    try:
        with session_scope() as session:
            return verify(session), count_events(session=session)
    except SQLAlchemyError as exc:  # the table itself altered: no row to name
        fail(
            f"无法读取审计日志（{type(exc).__name__}：{getattr(exc, 'orig', exc)}），已被篡改或损坏"
        )


def _unreadable_rows() -> NoReturn:
    """The listing met a row it cannot read: name it (and any other break in the chain)."""
    problems, count = _check()
    fail_with(
        problems,
        f"无法列出审计日志：{count} 条记录中有无法读取的记录，已被篡改或损坏"
        "（rectify audit verify 逐条检查）",
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """检查审计日志的哈希链。

    指出被修改、插入或删除的事件；无法读取的记录（JSON 损坏、必填项为空）一并视为被篡改。"""
    create_schema()
    problems, count = _check()
    if problems:
        fail_with(problems, f"审计日志不完整：{count} 条记录中发现 {len(problems)} 处问题")
    console.print(f"审计日志完整：共 {count} 条记录，哈希链无断裂", highlight=False)
