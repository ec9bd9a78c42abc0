"""Typer's own texts in Chinese: "Usage:", the panel titles, the help option, and the usage
errors ("Missing argument", "No such option", "Invalid value for …").

Typer (0.29) carries its own copy of Click (``typer._click``) whose texts are written in
English in the code, not looked up through ``gettext``; :func:`install` therefore sets the
usage prefix, the help option's text and Typer's panel titles, translates the few texts
Typer still looks up (``typer.core._``), and rewrites a usage error's message through
:data:`ERRORS` just before Typer prints it. A text no pattern knows stays as written."""

from __future__ import annotations

import re
from typing import Any

HELP_TEXT = "显示本帮助并退出。"
USAGE_PREFIX = "用法："
USAGE_PIECES = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]…"}

# The texts Typer looks up with gettext, and its panel titles and hints (read at import).
TEXTS = {
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}",
    "Arguments": "参数",
    "required": "必填",
}
RICH_CONSTANTS = {
    "DEPRECATED_STRING": "（已弃用）",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

# The value types the help shows beside each option (<str>, <int>, …); a flag shows none.
TYPE_LABELS = {
    "str": "文字",
    "int": "整数",
    "int range": "整数",
    "float": "数值",
    "path": "路径",
    "file": "文件",
    "directory": "目录",
    "list[str]": "文字，可多个",
    "bool": "",
}

# A usage error's message, piece by piece: (pattern, replacement), applied in order.
ERRORS: list[tuple[str, str]] = [
    (r"^Missing argument (.+)\.$", r"缺少参数 \1。"),
    (r"^Missing option (.+)\.$", r"缺少选项 \1。"),
    (r"^Missing parameter: (.+)$", r"缺少参数：\1"),
    (r"^Missing (\w+) (.+)\.$", r"缺少 \2。"),
    (r"^No such option: (\S+)", r"没有选项：\1"),
    (r"\(Possible options: (.+)\)$", r"（可能是：\1）"),
    (r"\. Did you mean (.+)\?$", r"，是否要用 \1？"),
    (r"^(没有命令 '[^']*')$", r"\1。"),
    (r"^Option (.+) does not take a value\.$", r"选项 \1 不带值。"),
    (r"^Option (.+) requires an argument\.$", r"选项 \1 需要一个值。"),
    (r"^Option (.+) requires (\d+) arguments\.$", r"选项 \1 需要 \2 个值。"),
    (r"^Argument (.+) takes (\d+) values\.$", r"参数 \1 需要 \2 个值。"),
    (r"^Got unexpected extra argument\(s\) \((.*)\)$", r"多余的参数（\1）"),
    (r"^Invalid value for (.+?): ", r"\1 的值无效："),
    (r"^Invalid value: ", r"值无效："),
    (r"Value error, ", ""),
    (r"Input should be a valid integer(, unable to parse string as an integer)?", "应为整数"),
    (r"Input should be a valid number(, unable to parse string as a number)?", "应为数字"),
    (r"Input should be a valid boolean(, unable to interpret input)?", "应为是或否"),
    (r"Input should be a valid string", "应为文字"),
    (r"(\S+) is not one of (.+)\.$", r"\1 不在可选值 \2 中。"),
    (r"Value (.+) is not a valid (\w+)\.$", r"\1 不是有效的 \2。"),
    (r"(?:file|directory|path) ('.*') does not exist\.$", r"文件 \1 不存在。"),
    (r"(?:file|directory|path) ('.*') is a directory\.$", r"\1 是目录，不是文件。"),
    (r"(?:file|directory|path) ('.*') is a file\.$", r"\1 是文件，不是目录。"),
    (r"(?:file|directory|path) ('.*') is not readable\.$", r"文件 \1 不可读。"),
    (r"(?:file|directory|path) ('.*') is not writable\.$", r"文件 \1 不可写。"),
    (r"^Could not open file (.+?): (.*)$", r"无法打开文件 \1：\2"),
]


def translate_error(message: str) -> str:
    """A usage error's message in Chinese, as far as :data:`ERRORS` knows its pieces."""
    for pattern, replacement in ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


def install() -> None:
    """Put the Chinese texts in place of Typer's English ones (once per process)."""
    from typer import core, rich_utils
    from typer._click import decorators, formatting

    if getattr(rich_utils.rich_format_error, "chinese", False):
        return
    core._ = lambda text: TEXTS.get(text, text)  # type: ignore[attr-defined]
    english_type = core._TyperParameter.display_type

    def display_type(self: Any, ctx: Any) -> str:
        label = english_type(self, ctx)[1:-1]
        chinese = TYPE_LABELS.get(label, label)
        return f"<{chinese}>" if chinese else ""

    core._TyperParameter.display_type = display_type  # type: ignore[method-assign]
    for name, text in RICH_CONSTANTS.items():
        setattr(rich_utils, name, text)

    english_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese in USAGE_PIECES.items():
            args = args.replace(english, chinese)
        english_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    english_help_option = decorators.help_option

    def help_option(param_decls: list[str]) -> Any:
        def add(command: Any) -> Any:
            command = english_help_option(param_decls)(command)
            command.params[-1].help = HELP_TEXT
            return command

        return add

    decorators.help_option = help_option

    english_error = rich_utils.rich_format_error

    def rich_format_error(error: Any) -> None:
        text = translate_error(error.format_message())
        error.format_message = lambda: text
        english_error(error)

    rich_format_error.chinese = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = rich_format_error
