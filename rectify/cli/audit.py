"""``rectify audit`` and ``audit verify``: the audit log (审计日志), newest first, and the
check of its hash chain."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from models import create_schema, session_scope
from rectify.audit.log import verify
from rectify.cli.common import InspectionOpt, console, fail, fail_with
from rectify.reports.audit_trail import audit_rows, count_events

audit_app = typer.Typer(
    help="The audit log (append-only, hash-chained).", invoke_without_command=True
)


@audit_app.callback()
def audit(
    ctx: typer.Context,
    inspection: InspectionOpt = None,
    limit: int = 50,
    actor: Annotated[
        str | None, typer.Option(help="who reads: the office sees problem-clue events in full")
    ] = None,
) -> None:
    """The audit log, newest first: every action, done or refused, with its reason. Events
    about problem clues show their clue number and reason only to the office or an
    authorised reader (--actor)."""
    if ctx.invoked_subcommand is not None:
        return
    create_schema()
    with session_scope() as session:
        rows = audit_rows(session=session, actor=actor, inspection_id=inspection, limit=limit)
    for e in rows:
        reason = f" — {e.code}: {e.reason.splitlines()[0]}" if e.reason else ""
        console.print(
            f"#{e.id} {e.at:%Y-%m-%d %H:%M}Z {e.inspection_id or '-'} {e.actor or '-'}"
            + (f"（{e.channel}）" if e.channel else "")
            + f" {e.action} {e.subject or ''} {e.outcome}{reason}",
            highlight=False,
            markup=False,
        )


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain: any edited, inserted or deleted event is named, and any row that
    cannot be read (malformed JSON, a NULL where a value must be) as tampered."""
    create_schema()
    try:
        with session_scope() as session:
            problems = verify(session)
            count = count_events(session=session)
    except SQLAlchemyError as exc:  # the table itself altered: no row to name
        fail(
            f"无法读取审计日志（{type(exc).__name__}：{getattr(exc, 'orig', exc)}），已被篡改或损坏"
        )
    if problems:
        fail_with(
            problems, f"the audit log does not hold: {len(problems)} problem(s) in {count} events"
        )
    console.print(f"the audit log holds: {count} events, chain intact", highlight=False)
