"""``rectify clue …``: the confidential problem-clue register (问题线索). Every command takes
``--actor``; anyone but the office and the people it authorised is refused, and the refusal
is audited."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from models import create_schema, session_scope
from rectify import clues
from rectify.audit.guard import Outcome
from rectify.cli.common import (
    AsOfOpt,
    AtOpt,
    InspectionOpt,
    console,
    err,
    fail,
    parse_at,
    parse_day,
    refusal_line,
)
from rectify.core.errors import Refusal
from rectify.core.settings import get_settings
from rectify.problems.tree import get_inspection

clue_app = typer.Typer(
    help="问题线索：保密，仅巡察办及其授权人员可用。",
    no_args_is_help=True,
)

ActorOpt = Annotated[str, typer.Option("--actor", help="操作人编号：巡察办人员或其授权人员")]


def _instant(value: str | None, inspection: str | None = None) -> dt.datetime:
    """``--at`` in the inspection's time zone (the configured one when it cannot be told)."""
    tz = get_settings().timezone
    if value is not None:
        create_schema()
        with session_scope() as session:
            try:
                tz = get_inspection(session, inspection).timezone
            except Refusal:
                pass
    return parse_at(value, tz)


def _day(value: str, name: str) -> dt.date:
    return parse_day(value, name, get_settings().timezone)


def _done(outcome: Outcome) -> None:
    if not outcome.done:
        for line in outcome.errors:
            err.print(line, highlight=False, markup=False)
        fail(refusal_line(outcome.code, outcome.message))
    console.print(outcome.message, highlight=False, markup=False)


def _step(
    step: Callable[..., Outcome],
    number: str,
    actor: str,
    inspection: str | None,
    at: str | None,
    **fields: Any,
) -> None:
    """Take ``step`` on the clue ``number`` at ``--at`` and print its outcome."""
    _done(
        step(number, actor=actor, inspection_id=inspection, at=_instant(at, inspection), **fields)
    )


@clue_app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, metavar="文件", help="问题线索文件（.yaml）"),
    ],
    actor: ActorOpt,
    at: AtOpt = None,
) -> None:
    """登记问题线索文件（docs/clues-format.md）中的线索，全部登记或全部不登记；仅限巡察办。"""
    _done(clues.import_clues(file, actor=actor, at=_instant(at)))


@clue_app.command("list")
def list_(
    actor: ActorOpt,
    inspection: InspectionOpt = None,
    as_of: AsOfOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """问题线索台账：每条线索的类别、承办单位、办结期限、延期和办理结果。"""
    day = _day(as_of, "--as-of") if as_of else None
    outcome, rows = clues.list_clues(actor=actor, inspection_id=inspection, as_of=day)
    if not outcome.done:
        fail(refusal_line(outcome.code, outcome.message))
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        overdue = f" 超期{r.overdue_days}天" if r.overdue_days else ""
        lines = [f"{r.number} {r.clue_class} {r.state}{overdue}", f"  内容：{r.summary}"]
        lines.append(f"  登记：{r.registered_on}")
        if r.body:
            lines[-1] += f"；移交：{r.transferred_on} {r.body}（{r.body_kind}），限期办结 {r.due}"
            if r.original_due:
                lines[-1] += f"（原定 {r.original_due}）"
        lines += [f"  延期：{e}" for e in r.extensions]
        if r.disposal:
            note = f"：{r.feedback_note}" if r.feedback_note else ""
            lines.append(f"  办理结果：{r.feedback_on} {r.disposal}{note}")
        console.print("\n".join(lines), highlight=False, markup=False)
    console.print(outcome.message, highlight=False, markup=False)


@clue_app.command("transfer")
def transfer(
    number: Annotated[str, typer.Argument(metavar="线索编号", help="线索编号")],
    actor: ActorOpt,
    to: Annotated[str, typer.Option("--to", help="承办单位编号（纪委监委、组织部）")],
    due: Annotated[str, typer.Option("--due", help="限期办结日期 YYYY-MM-DD")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """将已登记的线索移交承办单位，并限期办结。"""
    _step(clues.transfer_clue, number, actor, inspection, at, to=to, due=_day(due, "--due"))


@clue_app.command("feedback")
def feedback(
    number: Annotated[str, typer.Argument(metavar="线索编号", help="线索编号")],
    actor: ActorOpt,
    disposal: Annotated[
        clues.Disposal,
        typer.Option(
            "--disposal",
            help="处置方式：talk 谈话函询 | verify 初步核实 | case 立案审查调查 | "
            "shelve 暂存待查 | dismiss 予以了结 | organisational 组织处理",
        ),
    ],
    note: Annotated[str, typer.Option("--note", help="承办单位的办理结果摘要")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """记录承办单位的办理结果反馈；线索办结。"""
    _step(clues.record_feedback, number, actor, inspection, at, disposal=disposal, note=note)


@clue_app.command("extend")
def extend(
    number: Annotated[str, typer.Argument(metavar="线索编号", help="线索编号")],
    actor: ActorOpt,
    new_due: Annotated[str, typer.Option("--new-due", help="新的办结期限 YYYY-MM-DD")],
    reason: Annotated[str, typer.Option("--reason", help="延期理由")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """延长已移交线索的办结期限，须说明理由；原定期限保留。"""
    when = _day(new_due, "--new-due")
    _step(clues.extend_clue, number, actor, inspection, at, new_due=when, reason=reason)
