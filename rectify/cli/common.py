"""What every command shares: the consoles, the common options (--inspection, --at, --by,
--as-of), reading instants and dates in the inspection's zone, the one way a command
refuses (the reason on stderr, exit status 1; a usage error 2) and the one line an error
nobody expected ends in (its traceback in the log file; on the terminal with --debug)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Column, Table
from typer._click import Context
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from models import create_schema, session_scope
from rectify.audit.guard import Outcome
from rectify.core.clock import local_date, parse_instant, utc_now
from rectify.core.errors import Refusal
from rectify.core.settings import get_settings
from rectify.problems.tree import get_inspection
from rectify.runtime.logs import print_traceback, write_traceback

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

InspectionOpt = Annotated[
    str | None, typer.Option("--inspection", "-i", help="巡察编号；只有一次巡察时可省略")
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="操作时间（当地时间），YYYY-MM-DD[THH:MM]；默认为现在"),
]
ByOpt = Annotated[str, typer.Option("--by", help="操作人编号")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="截至日期 YYYY-MM-DD；默认为今天")]


def figures_table(
    *headers: str,
    wide: tuple[str, ...] = (),
    ids: tuple[str, ...] = (),
    clip: bool = False,
    title: str | None = None,
) -> Table:
    """A table of figures whose headers are never cut, even on an 80-column terminal: each
    figure column as wide as its header, an ``ids`` column as wide as its longest value (an
    id is never broken), the ``wide`` (text) columns share what is left, wrapped (or, when
    ``clip``, each word cut to its line with "…"); ``title`` above it, on the left."""
    columns = [
        Column(h, overflow="ellipsis" if clip else "fold", min_width=cell_len(h))
        if h in wide
        else Column(h, no_wrap=True, min_width=cell_len(h))
        if h in ids
        else Column(h, width=max(cell_len(h), 4), no_wrap=True)
        for h in headers
    ]
    return Table(
        *columns,
        box=box.MINIMAL,
        show_edge=False,
        padding=(0, 0),
        title=title,
        title_justify="left",
        title_style="bold",
    )


def refusal_line(code: str | None, message: str) -> str:
    """The one line a refusal prints: 拒绝（code）：reason; the English code stays for scripts."""
    return f"拒绝（{code}）：{message}" if code else f"拒绝：{message}"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` in red on stderr and exit with ``code`` (2: a bad option)."""
    err.print(message, style="red", highlight=False, markup=False)
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
        fail(refusal_line(refusal.code, refusal.message))


def report_outcome(outcome: Outcome) -> None:
    """Print an action's outcome: its message, or its refusal (exit 1)."""
    if not outcome.done:
        fail(refusal_line(outcome.code, outcome.message))
    console.print(outcome.message, highlight=False)


def warn(lines: list[str]) -> None:
    """Print warnings in yellow on stderr."""
    for line in lines:
        err.print(line, style="yellow", highlight=False, markup=False)


def zone(inspection_id: str | None) -> str:
    """The inspection's time zone, or the configured one when there is no such inspection."""
    create_schema()  # a command run before `rectify init` finds an empty database, not none
    try:
        with session_scope() as session:
            return get_inspection(session, inspection_id).timezone
    except Refusal:
        return get_settings().timezone


def parse_at(value: str | None, tz: str) -> dt.datetime:
    """``--at`` read in zone ``tz``; now when not given."""
    try:
        return parse_instant(value, tz)
    except (ValueError, OverflowError):
        fail(f"--at：{value!r} 不是有效的日期或时间（应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）", 2)


def parse_day(value: str | None, name: str, tz: str) -> dt.date:
    """Option ``name``'s date; today in zone ``tz`` when not given."""
    if value is None:
        return local_date(utc_now(), tz)
    try:
        return dt.date.fromisoformat(value)
    except (ValueError, OverflowError):
        fail(f"{name}：{value!r} 不是有效的日期（应为 YYYY-MM-DD）", 2)


# What a command may raise on purpose: an exit, an abort, a usage error (exit status 2);
# and a closed pipe (`rectify audit | head`), which Typer ends quietly.
# Typer carries its own copy of Click (typer._click): its exceptions are Typer's.
EXPECTED = (ClickException, typer.Exit, typer.Abort, EOFError, KeyboardInterrupt)
EXPECTED += (BrokenPipeError,)


def crash(exc: BaseException, command: str, *, debug: bool) -> NoReturn:
    """End an error nobody expected in one line naming the log file that holds its traceback
    (the traceback on stderr as well with ``debug``); exit status 1."""
    path = write_traceback(exc, command)
    if debug:
        print_traceback(exc)
    where = f"完整的错误信息已写入 {path}" if path else "错误信息无法写入日志文件"
    fail(f"内部错误（{type(exc).__name__}），命令未完成；{where}（加 --debug 可在终端显示）")


class RectifyGroup(TyperGroup):
    """The top command group: a refusal raised anywhere ends in its one line (exit 1), any
    other error nobody expected in :func:`crash`."""

    def make_context(self, info_name: str | None, args: list[str], *a: Any, **kw: Any):
        """The context, keeping the command line as typed for the log file."""
        typed = " ".join([info_name or "rectify", *args])
        ctx = super().make_context(info_name, args, *a, **kw)
        ctx.meta["rectify.typed"] = typed
        return ctx

    def invoke(self, ctx: Context) -> Any:
        """Run the command line, ending any error in one line."""
        try:
            return super().invoke(ctx)
        except EXPECTED:
            raise
        except Refusal as refusal:
            fail(refusal_line(refusal.code, refusal.message))
        except Exception as exc:  # the one place every unexpected error ends
            debug = bool(ctx.params.get("debug"))
            crash(exc, ctx.meta.get("rectify.typed", "rectify"), debug=debug)
