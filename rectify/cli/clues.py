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
from rich.console import Console

from models import create_schema, session_scope
from rectify import clues
from rectify.audit.guard import Outcome
from rectify.cli.common import AtOpt, InspectionOpt
from rectify.core.clock import parse_instant
from rectify.core.errors import Refusal
from rectify.core.settings import get_settings
from rectify.problems.tree import get_inspection

clue_app = typer.Typer(
    help="Problem clues (问题线索): confidential, for the office and authorised people only.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

ActorOpt = Annotated[
    str, typer.Option("--actor", help="the person id acting: office or an authorised reader")
]


def _fail(message: str, code: int = 1) -> None:
    err.print(message, style="red", highlight=False, markup=False)
    raise typer.Exit(code)


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
    try:
        return parse_instant(value, tz)
    except ValueError as exc:
        _fail(f"--at: {exc}", 2)
        raise


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{name}: not a real date {value!r} (expected YYYY-MM-DD)", 2)
        raise


def _done(outcome: Outcome) -> None:
    if not outcome.done:
        for line in outcome.errors:
            err.print(line, highlight=False, markup=False)
        _fail(f"refused ({outcome.code}): {outcome.message}")
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
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="clue file (.yaml)")],
    actor: ActorOpt,
    at: AtOpt = None,
) -> None:
    """Register the clues of a clue file (docs/clues-format.md), all or nothing; office only."""
    _done(clues.import_clues(file, actor=actor, at=_instant(at)))


@clue_app.command("list")
def list_(
    actor: ActorOpt,
    inspection: InspectionOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The register: every clue, its class, body, deadline, extensions and result."""
    day = _day(as_of, "--as-of") if as_of else None
    outcome, rows = clues.list_clues(actor=actor, inspection_id=inspection, as_of=day)
    if not outcome.done:
        _fail(f"refused ({outcome.code}): {outcome.message}")
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        overdue = f" 超期{r.overdue_days}天" if r.overdue_days else ""
        lines = [f"{r.number} {r.clue_class} {r.state}{overdue}", f"  内容:{r.summary}"]
        lines.append(f"  登记:{r.registered_on}")
        if r.body:
            lines[-1] += f";移交:{r.transferred_on} {r.body}({r.body_kind}),限期办结 {r.due}"
            if r.original_due:
                lines[-1] += f"(原定 {r.original_due})"
        lines += [f"  延期:{e}" for e in r.extensions]
        if r.disposal:
            note = f":{r.feedback_note}" if r.feedback_note else ""
            lines.append(f"  办理结果:{r.feedback_on} {r.disposal}{note}")
        console.print("\n".join(lines), highlight=False, markup=False)
    console.print(outcome.message, highlight=False, markup=False)


@clue_app.command("transfer")
def transfer(
    number: Annotated[str, typer.Argument(help="the clue number")],
    actor: ActorOpt,
    to: Annotated[str, typer.Option("--to", help="the receiving body's id (纪委监委/组织部)")],
    due: Annotated[str, typer.Option("--due", help="handling deadline (限期办结) YYYY-MM-DD")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Transfer (移交) a registered clue to a receiving body with its handling deadline."""
    _step(clues.transfer_clue, number, actor, inspection, at, to=to, due=_day(due, "--due"))


@clue_app.command("feedback")
def feedback(
    number: Annotated[str, typer.Argument(help="the clue number")],
    actor: ActorOpt,
    disposal: Annotated[
        clues.Disposal,
        typer.Option(
            "--disposal",
            help="talk 谈话函询 | verify 初步核实 | case 立案审查调查 | shelve 暂存待查 | "
            "dismiss 予以了结 | organisational 组织处理",
        ),
    ],
    note: Annotated[str, typer.Option("--note", help="the body's result, in short")] = "",
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Record the body's result (办理结果反馈); the clue is closed."""
    _step(clues.record_feedback, number, actor, inspection, at, disposal=disposal, note=note)


@clue_app.command("extend")
def extend(
    number: Annotated[str, typer.Argument(help="the clue number")],
    actor: ActorOpt,
    new_due: Annotated[str, typer.Option("--new-due", help="YYYY-MM-DD")],
    reason: Annotated[str, typer.Option("--reason", help="why the body needs longer")],
    inspection: InspectionOpt = None,
    at: AtOpt = None,
) -> None:
    """Extend a transferred clue's deadline, with a reason; the first deadline is kept."""
    when = _day(new_due, "--new-due")
    _step(clues.extend_clue, number, actor, inspection, at, new_due=when, reason=reason)
