"""How a refusal of a file is worded for the office (文件错误提示): one located format for
every file the engine reads, ``<file>:第 4 行，字段 clock.until：结束时间不晚于开始时间``, and
pydantic's and the YAML parser's English turned into Chinese. Field names stay as written in
the file; the error ``type`` of a check pydantic has no Chinese for is kept as a stable code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any


def line(number: int) -> str:
    """A line of a text file, as a location: ``第 4 行``."""
    return f"第 {number} 行"


def dotted(path: Sequence[str | int]) -> str:
    """A path inside a file as people read it: ``aspects[0].title`` (empty for the whole file)."""
    out = ""
    for part in path:
        if part == "":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def located(file: str, where: str, field: str, message: str) -> str:
    """The one format of a refusal: ``<file>:<where>，字段 <field>：<message>``; the parts not
    known are left out (``<file>：<message>`` when nothing inside the file is)."""
    place = "，".join(part for part in (where, f"字段 {field}" if field else "") if part)
    return f"{file}:{place}：{message}" if place else f"{file}：{message}"


def show(value: Any) -> str:
    """A value as a message quotes it: text in “”, shortened; lists and mappings by kind."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"“{value if len(value) <= 40 else value[:40] + '…'}”"
    if isinstance(value, dt.date | int | float):
        return str(value)
    if isinstance(value, dict):
        return "一个映射"
    if isinstance(value, list | tuple):
        return "一个列表"
    return type(value).__name__


def choices(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as ``a、b、c``."""
    items = re.findall(r"'((?:[^'\\]|\\.)*)'|(-?\d+)", expected)
    return "、".join(text or number for text, number in items) or expected


PATTERNS = {
    r"^[a-z0-9-]+$": "只能由小写字母、数字和连字符（-）组成",
    r"^[a-z0-9_]+$": "只能由小写字母、数字和下划线（_）组成",
    r"^\S+$": "不能含空格",
}

# pydantic's error type → the Chinese for it; ``{got}`` is the value given, the other names
# are the error's context.
TYPE_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段（格式中没有这一项）",
    "string_type": "应为文本，实为 {got}",
    "string_too_long": "最多 {max_length} 个字符，实为 {got}",
    "int_type": "应为整数，实为 {got}",
    "int_parsing": "应为整数，实为 {got}",
    "int_from_float": "应为整数，实为 {got}",
    "float_type": "应为数字，实为 {got}",
    "float_parsing": "应为数字，实为 {got}",
    "bool_type": "应为 true 或 false，实为 {got}",
    "bool_parsing": "应为 true 或 false，实为 {got}",
    "date_type": "应为日期（YYYY-MM-DD），实为 {got}",
    "date_parsing": "不是有效的日期（应为 YYYY-MM-DD），实为 {got}",
    "date_from_datetime_parsing": "不是有效的日期（应为 YYYY-MM-DD），实为 {got}",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不含时刻，实为 {got}",
    "datetime_type": "应为日期时间（YYYY-MM-DDTHH:MM），实为 {got}",
    "datetime_parsing": "不是有效的日期时间（应为 YYYY-MM-DDTHH:MM），实为 {got}",
    "datetime_from_date_parsing": "不是有效的日期时间（应为 YYYY-MM-DDTHH:MM），实为 {got}",
    "list_type": "应为列表，实为 {got}",
    "dict_type": "应为映射（字段: 值），实为 {got}",
    "model_type": "应为映射（字段: 值），实为 {got}",
    "model_attributes_type": "应为映射（字段: 值），实为 {got}",
    "greater_than": "应大于 {gt}，实为 {got}",
    "greater_than_equal": "应不小于 {ge}，实为 {got}",
    "less_than": "应小于 {lt}，实为 {got}",
    "less_than_equal": "应不大于 {le}，实为 {got}",
    "literal_error": "应为 {expected} 之一，实为 {got}",
    "enum": "应为 {expected} 之一，实为 {got}",
}


def pydantic_message(err: dict) -> str:
    """One pydantic error (``ValidationError.errors()``) in Chinese, without its location.
    Our own validators raise Chinese already (``value_error``); an error type not in the
    table still says the value given and keeps the type as a stable code."""
    kind, ctx, given = err["type"], dict(err.get("ctx") or {}), err.get("input")
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx['min_length']} 个字符"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length')} 项，实为 {ctx.get('actual_length')} 项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项，实为 {ctx.get('actual_length')} 项"
    if kind == "string_pattern_mismatch":
        rule = PATTERNS.get(str(ctx.get("pattern")), f"不符合格式 {ctx.get('pattern')}")
        return f"{rule}，实为 {show(given)}"
    if "expected" in ctx:
        ctx["expected"] = choices(str(ctx["expected"]))
    template = TYPE_MESSAGES.get(kind)
    if template is None:
        return f"取值不符合要求，实为 {show(given)}（{kind}）"
    try:
        return template.format(got=show(given), **ctx)
    except (KeyError, IndexError):
        return f"取值不符合要求，实为 {show(given)}（{kind}）"


TAB = "含有制表符（Tab）：YAML 只能用空格缩进"

# libyaml's (and PyYAML's) common problems, by how they begin → the Chinese for them.
YAML_PROBLEMS = (
    ("mapping values are not allowed", "此处不能出现“键: 值”（冒号后缺空格，或缩进不对？）"),
    ("found a tab character", TAB),
    ("could not find expected ':'", "找不到应有的冒号（:）：这一项应写成“键: 值”"),
    ("did not find expected key", "缩进不对，或一行写了多于一个值：这里应是下一个键"),
    ("did not find expected '-' indicator", "列表项应以“- ”开头（缩进不对？）"),
    ("did not find expected ',' or ']'", "方括号列表没有闭合：缺少“,”或“]”"),
    ("expected ',' or ']'", "方括号列表没有闭合：缺少“,”或“]”"),
    ("did not find expected ',' or '}'", "花括号映射没有闭合：缺少“,”或“}”"),
    ("expected ',' or '}'", "花括号映射没有闭合：缺少“,”或“}”"),
    ("found unexpected end of stream", "文件在引号闭合之前结束：缺少配对的引号"),
    ("found unknown escape character", "双引号文本中有未知的转义字符（\\ 后面的字符）"),
    ("did not find expected <document start>", "缩进不对：顶层的键应从行首写起"),
    ("expected '<document start>'", "缩进不对：顶层的键应从行首写起"),
    ("expected <block end>", "缩进不对，或一行写了多于一个值"),
    ("but found another document", "文件中有多个文档（---）：只应有一个"),
    ("found undefined tag handle", "含有未定义的标签（!…）"),
    ("found duplicate", "YAML 指令（%YAML）重复"),
    ("did not find expected node content", "缺少内容：此处应有一个值"),
    ("block sequence entries are not allowed", "此处不能出现列表项（“- ”）：缩进不对？"),
    ("unacceptable character", "含有不允许的控制字符"),
    ("control characters are not allowed", "含有不允许的控制字符"),
)


def yaml_problem(problem: str, char: str = "") -> str:
    """A YAML syntax problem in Chinese (``char``: the character where it was found); one not
    in the table keeps the parser's words."""
    if problem.startswith("found character"):  # that cannot start any token
        if char == "\t" or "'\\t'" in problem:
            return TAB
        return f"含有不能开始一项内容的字符{f' {char}' if char.strip() else ''}（如 @ 或 `，可给文本加引号）"
    for start, chinese in YAML_PROBLEMS:
        if problem.startswith(start) or start in problem:
            return chinese
    return f"无法解析（{problem}）"


JSON_PROBLEMS = (
    ("Expecting value", "此处应有一个值"),
    ("Expecting property name", "此处应有一个用双引号括起的键"),
    ("Expecting ',' delimiter", "缺少逗号（,）"),
    ("Expecting ':' delimiter", "缺少冒号（:）"),
    ("Unterminated string", "文本缺少闭合的双引号"),
    ("Invalid control character", "文本中有不允许的控制字符"),
    ("Invalid \\escape", "文本中有未知的转义字符（\\ 后面的字符）"),
    ("Extra data", "内容结束后还有多余的内容"),
)


def json_problem(problem: str) -> str:
    """A JSON syntax problem (``JSONDecodeError.msg``) in Chinese."""
    for start, chinese in JSON_PROBLEMS:
        if problem.startswith(start):
            return chinese
    return f"无法解析（{problem}）"


def unreadable(exc: Exception) -> str:
    """Why a file could not be read at all (missing, a directory, no right, not UTF-8)."""
    if isinstance(exc, UnicodeDecodeError):
        return f"不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节起无法解码），无法读取"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个目录，不是文件"
    if isinstance(exc, PermissionError):
        return "没有读取这个文件的权限"
    return f"无法读取文件（{getattr(exc, 'strerror', None) or exc}）"
