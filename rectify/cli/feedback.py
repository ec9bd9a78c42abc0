"""``rectify init``, ``upgrade`` and ``import``: the database and the feedback file
(反馈意见) that starts a rectification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from models import create_schema
from rectify.cli.common import AtOpt, console, fail_with, parse_at, warn
from rectify.clues import ClueKeyError, ensure_clue_key
from rectify.core.settings import get_settings
from rectify.feedback.service import import_file


def init() -> None:
    """Create the database (SQLite file by default; RECTIFY_DATABASE_URL to change it) and,
    when none is configured, the clue key (问题线索密钥) in the home directory."""
    try:
        where, created = ensure_clue_key()
    except ClueKeyError as exc:
        fail_with([], exc.message)
    create_schema()
    console.print(f"database ready: {get_settings().resolved_database_url}", highlight=False)
    if created:
        console.print(
            f"已生成问题线索密钥：{where}（仅本人可读，请妥善备份；丢失后已存线索无法读取）",
            highlight=False,
        )
    else:
        console.print(f"问题线索密钥：{where}", highlight=False)


def upgrade() -> None:
    """Apply the schema migrations (SQLite or PostgreSQL) up to the newest revision."""
    # Alembic is loaded only when the schema is touched, not for every command's --help.
    from models.migrate import current_revision

    create_schema()
    console.print(
        f"database at revision {current_revision()}: {get_settings().resolved_database_url}",
        highlight=False,
    )


def import_feedback(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="feedback file .yaml/.json/.xlsx")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="update an imported inspection, keeping its history")
    ] = False,
    at: AtOpt = None,
) -> None:
    """Import a feedback file (all or nothing)."""
    outcome = import_file(file, replace=replace, at=parse_at(at, get_settings().timezone))
    if not outcome.done:
        fail_with(outcome.errors, f"refused: nothing was imported ({len(outcome.errors)} error(s))")
    verb = "replaced" if outcome.replaced else "imported"
    console.print(
        f"{verb} {outcome.inspection_id}: {outcome.aspects} aspects, {outcome.problems} problems, "
        f"{outcome.measures} measures; plan due {outcome.plan_due}",
        highlight=False,
    )
    for line in outcome.notes:
        console.print(f"  {line}", highlight=False)
    warn(outcome.warnings)
