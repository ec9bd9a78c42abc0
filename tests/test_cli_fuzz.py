"""Every command (read from the app, so a new one is covered without being named here) driven
with malformed arguments and malformed files: never a traceback, never a hang, a Chinese
message with exit status 1 (refused) or 2 (usage error), and the database unchanged but for
the refusals the audit log records."""

from __future__ import annotations

import re
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import typer.testing
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from models import create_schema, get_engine, reset_engine
from rectify.cli import app
from rectify.clues.sealing import KEY_SETTING, new_key_text
from rectify.core.settings import reset_settings
from tests.cli_tree import Command, commands
from tests.conftest import POSTGRES_URL, SPEC_EXAMPLE

runner = CliRunner()
HAN = re.compile(r"[\u4e00-\u9fff]")
SECONDS = 20  # far above any refusal; a hang is what it catches
DATES = {"at", "as_of", "due", "new_due", "checkpoint", "start", "day"}
# Commands that run for long (a server, a whole simulation) when given nothing wrong: only
# values that must be refused are tried on them.
LONG_RUNNING = {("serve",), ("demo",)}

ALIAS_BOMB = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
FILES = {  # the first two are tried in the fast tier, all of them in the slow one
    "alias-bomb.yaml": ALIAS_BOMB.encode(),
    "binary.yaml": bytes(range(256)) * 64,
    "empty.yaml": b"",
    "huge-line.yaml": b"inspection: " + b"x" * 3_000_000,
    "bad-utf8.yaml": b"inspection:\n  id: \xff\xfe\xfa\n",
    "list.yaml": b"- 1\n- 2\n",
    "wrong-types.json": b'{"inspection": 42, "departments": "x", "clues": 7, "year": []}',
    "not-a-zip.xlsx": b"not a zip at all",
    "not-a-zip.docx": b"PK\x03\x04 truncated",
}
TEXTS = ["", "不存在的编号\x00", "x" * 10_000, "'; DROP TABLE x; --"]
BAD_DATES = ["2024-02-30", "yesterday", "0001-01-01T00:00"]
BAD_INTS = ["x", "-1", "99999999999999999999", "1.5"]


class Hang(BaseException):
    """A command ran past SECONDS (a BaseException: no handler turns it into an exit)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def hang(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# options naming a file the command writes (not one it reads)
OUTPUTS = ("out", "xlsx")


def bad_values(param, files: Path) -> list[tuple[str, bool]]:
    """Malformed values for ``param``, each with whether it must be refused."""
    desc = param.type_descriptor
    if getattr(param, "is_flag", False):
        return []
    if desc.is_path and param.name in OUTPUTS:
        return [(str(files), True), (str(files / "empty.yaml" / "x.out"), True)]
    if desc.is_path:
        paths = [files / name for name in FILES] + [files / "missing.yaml", files]
        return [(str(p), True) for p in paths]
    if desc.is_choice:
        return [("zzz", True), ("", True)]
    if desc.annotation is int:
        return [(v, True) for v in BAD_INTS]
    if param.name in DATES:
        return [(v, True) for v in BAD_DATES]
    return [(v, False) for v in TEXTS]


def invocation(command: Command, values: dict) -> list[str]:
    args = list(command.path)
    for param in command.params:
        if param.name not in values:
            continue
        if param.param_type_name == "argument":
            args.append(values[param.name])
        else:
            args += [param.opts[0], values[param.name]]
    return args


def cases(command: Command, files: Path, tried: int | None) -> list[tuple[list[str], bool]]:
    """(arguments, must be refused): the required parameters filled with their first
    malformed value, then each parameter given each of its malformed values in turn (the
    first ``tried`` of them; all when None)."""
    required = {p.name: bad_values(p, files)[0][0] for p in command.params if p.required}
    out = [(invocation(command, required) + ["--no-such-option"], True)]
    out.append((invocation(command, required) + ["surplus-argument"], True))
    if required:
        out.append((invocation(command, required), True))
    for param in command.params:
        for value, must in bad_values(param, files)[:tried]:
            must = must or bool(required)
            if command.path in LONG_RUNNING and not must:
                continue
            out.append((invocation(command, {**required, param.name: value}), must))
    return out


def state() -> dict[str, list]:
    """Every row of every table, the audit log's refusals left out."""
    engine = get_engine()
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(engine).get_table_names()):
            query = f'SELECT * FROM "{table}"'
            if table == "auditevent":
                query += " WHERE outcome <> 'refused'"
            out[table] = sorted(map(str, conn.execute(text(query)).fetchall()))
    return out


def counts() -> dict[str, int]:
    """How many rows each table holds (the audit log's refusals left out): cheap, each case."""
    engine = get_engine()
    with engine.connect() as conn:
        return {
            table: conn.execute(
                text(
                    f'SELECT count(*) FROM "{table}"'
                    + (" WHERE outcome <> 'refused'" if table == "auditevent" else "")
                )
            ).scalar_one()
            for table in inspect(engine).get_table_names()
        }


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Iterator[Path]:
    """One database holding an imported inspection, and the malformed files."""
    if POSTGRES_URL:
        pytest.skip("the fuzz runs on its own SQLite file")
    root = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RECTIFY_HOME", str(root / "home"))
        mp.setenv(KEY_SETTING, new_key_text())
        mp.delenv("RECTIFY_DATABASE_URL", raising=False)
        # The app built into its Click command once, not for each of the ~600 invocations.
        mp.setattr(
            typer.testing, "_get_command", lambda _app, built=typer.main.get_command(app): built
        )
        reset_settings()
        reset_engine()
        create_schema()
        spec = root / "binhai.yaml"
        shutil.copy(SPEC_EXAMPLE, spec)
        assert runner.invoke(app, ["import", str(spec)]).exit_code == 0
        files = root / "files"
        files.mkdir()
        for name, content in FILES.items():
            (files / name).write_bytes(content)
        before = state()
        yield files
        assert state() == before
        reset_engine()
        reset_settings()


@pytest.mark.parametrize("command", commands(), ids=lambda c: " ".join(c.path))
def test_malformed_input_is_refused_in_one_message(imported, command):
    """Two malformed values of each parameter (the fast tier)."""
    assert_refused_in_one_message(cases(command, imported, tried=2))


@pytest.mark.slow
@pytest.mark.parametrize("command", commands(), ids=lambda c: " ".join(c.path))
def test_every_malformed_input_is_refused_in_one_message(imported, command):
    """Every malformed value and file of each parameter."""
    assert_refused_in_one_message(cases(command, imported, tried=None))


def assert_refused_in_one_message(cases: list[tuple[list[str], bool]]) -> None:
    before = counts()
    wrong = []
    for args, must_refuse in cases:
        with deadline(SECONDS):
            result = runner.invoke(app, args, terminal_width=200)
        shown = [a[:40] for a in args]
        output = result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            wrong.append(f"{shown}: raised {result.exception!r}")
        elif "Traceback" in output:
            wrong.append(f"{shown}: a traceback on the terminal")
        elif result.exit_code not in ((1, 2) if must_refuse else (0, 1, 2)):
            wrong.append(f"{shown}: exit status {result.exit_code}: {output[:300]}")
        elif result.exit_code and not HAN.search(output):
            wrong.append(f"{shown}: no Chinese message: {output[:300]}")
        elif counts() != before:
            wrong.append(f"{shown}: the database changed")
            before = counts()
    assert not wrong, "\n".join(wrong)
