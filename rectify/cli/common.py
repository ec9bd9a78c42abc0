"""What every command shares: the consoles, the common options (--inspection, --at, --by,
--as-of), reading instants and dates in the inspection's zone, and the one way a command
refuses: the reason on stderr and a non-zero exit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from models import session_scope
from rectify.audit.guard import Outcome
from rectify.core.clock import local_date, parse_instant, utc_now
from rectify.core.errors import Refusal
from rectify.core.settings import get_settings
from rectify.problems.tree import get_inspection

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

InspectionOpt = Annotated[
    str | None, typer.Option("--inspection", "-i", help="inspection id; optional when only one")
]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="local instant YYYY-MM-DD[THH:MM]; default now")
]
ByOpt = Annotated[str, typer.Option("--by", help="the person id acting")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` in red on stderr and exit with ``code`` (2: a bad option)."""
    err.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(code)


def fail_with(lines: list[str], message: str) -> NoReturn:
    """Print every error line as it is, then fail with ``message``."""
    for line in lines:
        err.print(line, highlight=False, markup=False)
    fail(message)


@contextmanager
def exit_on_refusal() -> Iterator[None]:
    """Turn a ``Refusal`` raised inside into its reason on stderr and exit 1."""
    try:
        yield
    except Refusal as refusal:
        fail(refusal.message)


def report_outcome(outcome: Outcome) -> None:
    """Print an action's outcome: its message, or its refusal (exit 1)."""
    if not outcome.done:
        fail(f"refused ({outcome.code}): {outcome.message}")
    console.print(outcome.message, highlight=False)


def warn(lines: list[str]) -> None:
    """Print warnings in yellow on stderr."""
    for line in lines:
        err.print(f"[yellow]{line}[/yellow]", highlight=False)


def zone(inspection_id: str | None) -> str:
    """The inspection's time zone, or the configured one when there is no such inspection."""
    try:
        with session_scope() as session:
            return get_inspection(session, inspection_id).timezone
    except Refusal:
        return get_settings().timezone


def parse_at(value: str | None, tz: str) -> dt.datetime:
    """``--at`` read in zone ``tz``; now when not given."""
    try:
        return parse_instant(value, tz)
    except ValueError as exc:
        fail(f"--at: {exc}", 2)


def parse_day(value: str | None, name: str, tz: str) -> dt.date:
    """Option ``name``'s date; today in zone ``tz`` when not given."""
    if value is None:
        return local_date(utc_now(), tz)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: not a real date {value!r} (expected YYYY-MM-DD)", 2)
