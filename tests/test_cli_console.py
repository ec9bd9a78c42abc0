"""The installed ``rectify`` command, run as a user runs it (a process of its own): quiet by
default, one line for a malformed file or an error nobody expected, never a traceback or a
hang. Slow: each run starts a Python process (and ``demo`` a whole simulation)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, SPEC_EXAMPLE
from tests.test_cli_fuzz import ALIAS_BOMB

pytestmark = pytest.mark.slow
RECTIFY = str(Path(sys.executable).parent / "rectify")


def run(args: list[str], home: Path, timeout: float = 60, **env: str):
    environment = {
        **os.environ,
        "RECTIFY_HOME": str(home),
        "PREFECT_HOME": str(home / "prefect"),
        "COLUMNS": "100",
        **env,
    }
    environment.pop("RECTIFY_DATABASE_URL", None)
    environment.pop("PREFECT_API_URL", None)
    environment.update(env)
    return subprocess.run(
        [RECTIFY, *args], env=environment, capture_output=True, text=True, timeout=timeout
    )


def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "alias-bomb.yaml": ALIAS_BOMB.encode(),
        "binary.yaml": bytes(range(256)) * 64,
        "bad-utf8.yaml": b"inspection:\n  id: \xff\xfe\n",
    }
    for name, content in made.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in made}


CASES = [
    # (arguments with {file} for the malformed file, exit status, what the last line says)
    (["import", "alias-bomb.yaml"], 1, "拒绝：未导入任何内容"),
    (["calendar", "load", "binary.yaml"], 1, "拒绝（invalid_file）："),
    (["simulate", "bad-utf8.yaml", "--out", "out"], 1, "拒绝（invalid_file）：未运行推演"),
    (["clue", "import", "alias-bomb.yaml", "--actor", "office_head"], 1, "拒绝"),
    (["status", "--as-of", "2024-02-30"], 2, "--as-of：'2024-02-30' 不是有效的日期"),
    (["nosuch"], 2, "没有命令 'nosuch'。"),
]


@pytest.mark.parametrize(("args", "status", "said"), CASES, ids=lambda v: str(v))
def test_a_malformed_input_ends_in_a_chinese_line(tmp_path, args, status, said):
    made = files(tmp_path)
    args = [str(made[a]) if a in made else str(tmp_path / a) if a == "out" else a for a in args]
    result = run(args, tmp_path / "home")
    output = result.stdout + result.stderr
    assert result.returncode == status, output
    assert said in output and "Traceback" not in output, output


def test_an_unexpected_error_ends_in_one_line_naming_the_log_file(tmp_path):
    """A database file that is no database: one line, the traceback in the log file."""
    home = tmp_path / "home"
    (tmp_path / "x.db").write_bytes(b"not a database, " * 512)
    broken = {"RECTIFY_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = run(["status"], home, **broken)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("内部错误（DatabaseError）"), result.stderr
    log = home / "logs" / "rectify.log"
    assert str(log) in lines[0] and "Traceback" in log.read_text(encoding="utf-8")
    debug = run(["--debug", "status"], home, **broken)
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr


def test_demo_is_quiet(tmp_path):
    """`rectify demo` prints a summary, not Prefect's run logs (they go to the log file)."""
    home = tmp_path / "home"
    scenario_dir = tmp_path / "examples"
    shutil.copytree(EXAMPLES, scenario_dir)
    assert SPEC_EXAMPLE.exists()
    scenario = str(scenario_dir / "binhai-scenario.yaml")
    # The temporary Prefect server may take longer than Prefect's 20 s on a busy test machine.
    slow_start = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    result = run(["demo", "--scenario", scenario], home, 900, **slow_start)
    output = (result.stdout + result.stderr).splitlines()
    assert result.returncode == 0, "\n".join(output[-20:])
    assert len(output) < 30, "\n".join(output)
    assert any(line.startswith("演示数据已载入") for line in output), output
    log = (home / "logs" / "rectify.log").read_text(encoding="utf-8")
    assert "Flow run" in log and "Finished in state Completed()" in log


def test_a_replay_on_its_own_server_leaves_nothing_in_prefects_home(tmp_path):
    """`rectify simulate` without PREFECT_API_URL runs on a temporary Prefect server of its
    own: its database is a temporary file, gone at the end (nothing in PREFECT_HOME), made
    from a new database kept in ~/.rectify/cache by the first replay; a second replay, from
    that copy, writes the same outputs byte for byte."""
    home, temp = tmp_path / "home", tmp_path / "tmp"
    temp.mkdir()
    slow_start = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120", "TMPDIR": str(temp)}
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        result = run(
            ["simulate", str(EXAMPLES / "wulong-scenario.yaml"), "--out", str(out)],
            home,
            600,
            **slow_start,
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
        outputs.append({f.name: f.read_bytes() for f in sorted(out.iterdir())})
        kept = list((home / "cache").glob("prefect-*.db"))
        assert len(kept) == 1 and kept[0].stat().st_size > 0
        assert not (home / "prefect" / "prefect.db").exists()
        assert not list(temp.glob("rectify-replay-prefect-*"))  # removed at the end
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {"summary.json", "notices.jsonl", "runs.jsonl", "report.md"}
