"""Read YAML, JSON and XLSX feedback files into plain data plus a map from each field's path
to where it stands in the file, so every error can name file, line or row, and field."""

from __future__ import annotations

import json
from pathlib import Path

from rectify.core.inputs import InputRefused, check_nodes, read_text
from rectify.core.located import Located, located_yaml
from rectify.core.messages import dotted, json_problem, line, located, unreadable

__all__ = ["FileError", "Located", "dotted", "read_file", "read_located"]


class FileError(Exception):
    """A file that could not be read at all (syntax), with its location."""


def read_file(path: Path) -> Located:
    """``read_located``, with a file that cannot be read at all (missing, unreadable, not
    UTF-8) told as a ``FileError`` too."""
    try:
        return read_located(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(located(str(path), "", "", unreadable(exc))) from None


def read_located(path: Path) -> Located:
    """Read a YAML, JSON or XLSX file, keeping the line of every value; a file past the
    input limits (``rectify.core.inputs``: size, nodes, YAML anchors and aliases) is refused
    unread, as a ``FileError`` naming its place."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            return _read_yaml(path, read_text(path))
        if suffix == ".json":
            return _read_json(path)
        if suffix == ".xlsx":
            from rectify.feedback.xlsx import read_xlsx

            return read_xlsx(path)
    except InputRefused as exc:
        raise FileError(str(exc)) from None
    kind = f"“{suffix}”" if suffix else "（无扩展名）"
    raise FileError(
        located(str(path), "", "", f"不支持的文件类型 {kind}：请用 .yaml、.json 或 .xlsx 文件")
    )


def _read_yaml(path: Path, text: str) -> Located:
    out = located_yaml(path, text)
    if out is None:
        raise FileError(located(str(path), line(1), "", "文件为空"))
    return out


def _read_json(path: Path) -> Located:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"不是有效的 JSON：{json_problem(exc.msg)}"
        raise FileError(located(str(path), line(exc.lineno), "", problem)) from None
    except RecursionError:
        raise InputRefused(path, "", "嵌套层数过多；未读取") from None
    check_nodes(path, data)
    try:
        # JSON is YAML: composing it keeps the line of every field.
        located_file = _read_yaml(path, text)
    except (FileError, InputRefused):
        located_file = Located(str(path), data, {(): line(1)})
    # The values as JSON reads them (YAML would read the number 1e-05 as the text "1e-05");
    # JSON has no dates: strings stay strings, the schema parses and checks them.
    located_file.data = data
    return located_file
