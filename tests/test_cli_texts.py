"""The command line speaks Chinese: every command's help, Typer's own texts, usage errors and
refusals; an error nobody expected ends in one Chinese line naming the log file."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from rectify.cli import app
from rectify.cli.click_zh import translate_error
from rectify.core.errors import Refusal
from tests.cli_tree import commands

runner = CliRunner()
HAN = re.compile(r"[\u4e00-\u9fff]")
# Typer's and Click's English, as a user would meet it on the terminal.
ENGLISH = (
    "Usage:",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "[default:",
    "[required]",
    "Error",
    "Missing",
    "No such",
    "Invalid value",
    "Try '",
)


@pytest.mark.parametrize(
    "command", commands(include_groups=True), ids=lambda c: " ".join(c.path) or "rectify"
)
def test_every_help_is_chinese(command):
    result = runner.invoke(app, [*command.path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output
    assert not [text for text in ENGLISH if text in result.output], result.output
    assert HAN.search(command.command.help or ""), f"{command.path}: help not in Chinese"
    for param in command.params:
        text = getattr(param, "help", None) or ""
        assert HAN.search(text), f"{command.path} {param.name}: help not in Chinese: {text!r}"


USAGE_ERRORS = [
    # (arguments, what the user reads)
    (["import"], "缺少参数 '文件'。"),
    (["import", "--bogus"], "没有选项：--bogus"),
    (["impor"], "没有命令 'impor'，是否要用 'import'？"),
    (["nosuch"], "没有命令 'nosuch'。"),
    (["calendar", "add", "2024-01-01", "x"], "'天数' 的值无效：应为整数"),
    (["import", "/no/such/file.yaml"], "文件 '/no/such/file.yaml' 不存在。"),
    (["progress", "1"], "缺少选项 '--by'。"),
    (["status", "--json=3"], "选项 '--json' 不带值。"),
    (["report", "--format"], "选项 '--format' 需要一个值。"),
    (["clue", "feedback", "1", "--actor", "a", "--disposal", "zzz"], "'zzz' 不在可选值"),
    (["status", "--as-of", "2024-02-30"], "--as-of：'2024-02-30' 不是有效的日期"),
    (["approve-plan", "--by", "x", "--at", "yesterday"], "--at：'yesterday' 不是有效的日期或时间"),
    (["audit", "--limit", "0"], "'--limit' 的值无效"),
    (
        ["calendar", "add", "2024-01-01", "99999999999999999999"],
        "天数：99999999999999999999 超出日历范围",
    ),
]


@pytest.mark.parametrize(
    ("args", "said"), USAGE_ERRORS, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_a_usage_error_is_told_in_chinese_with_status_2(db, args, said):
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 2, result.output
    assert said in result.output, result.output
    assert not [text for text in ENGLISH if text in result.output], result.output


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Missing option '--by' / '-b'.", "缺少选项 '--by' / '-b'。"),
        (
            "No such option: --x (Possible options: --at, --by)",
            "没有选项：--x （可能是：--at, --by）",
        ),
        ("Got unexpected extra argument(s) (a b)", "多余的参数（a b）"),
        ("Option '--n' requires 2 arguments.", "选项 '--n' 需要 2 个值。"),
        (
            "Something Typer says that no pattern knows",
            "Something Typer says that no pattern knows",
        ),
    ],
)
def test_usage_error_messages_translate_piece_by_piece(english, chinese):
    assert translate_error(english) == chinese


def test_a_refusal_keeps_its_code_for_scripts(db, spec_file):
    assert runner.invoke(app, ["import", str(spec_file)]).exit_code == 0
    result = runner.invoke(app, ["approve-plan", "--by", "nobody", "--meeting", "党组会"])
    assert result.exit_code == 1
    assert result.output.startswith("拒绝（unknown_person）："), result.output


def test_an_unexpected_error_ends_in_one_line_naming_the_log_file(db, monkeypatch):
    from rectify.problems import service

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "status", broken)
    result = runner.invoke(app, ["status", "--as-of", "2024-08-01"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("内部错误（RuntimeError），命令未完成；完整的错误信息已写入 ")
    log = db.parent / "logs" / "rectify.log"
    assert str(log) in lines[0]
    written = log.read_text(encoding="utf-8")
    assert " status --as-of 2024-08-01\n" in written and "disk on fire" in written
    assert "Traceback (most recent call last)" in written

    shown = runner.invoke(app, ["--debug", "status", "--as-of", "2024-08-01"])
    assert shown.exit_code == 1
    assert "Traceback (most recent call last)" in shown.output and "disk on fire" in shown.output


def test_a_refusal_raised_anywhere_ends_in_its_one_line(db, monkeypatch):
    from rectify.problems import service

    def refuses(*args, **kwargs):
        raise Refusal("busy", "数据库正忙")

    monkeypatch.setattr(service, "status", refuses)
    result = runner.invoke(app, ["status"])
    assert (result.exit_code, result.output) == (1, "拒绝（busy）：数据库正忙\n")
