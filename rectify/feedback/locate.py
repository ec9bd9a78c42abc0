"""Read YAML, JSON and XLSX feedback files into plain data plus a map from each field's path
to where it stands in the file, so every error can name file, line or row, and field."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rectify.core.inputs import InputRefused, check_nodes, compose_yaml, read_text

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data read from a file and the location of every path in it."""

    file: str
    data: Any
    where: dict[Path_, str] = field(default_factory=dict)

    def locate(self, path: Sequence[str | int]) -> str:
        """The location of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.where:
                return self.where[path]
            path = path[:-1]
        return self.where.get((), "")


class FileError(Exception):
    """A file that could not be read at all (syntax), with its location."""


def dotted(path: Sequence[str | int]) -> str:
    """A path inside a file as people read it: ``aspects[0].title``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def read_file(path: Path) -> Located:
    """``read_located``, with a file that cannot be read at all (missing, unreadable, not
    UTF-8) told as a ``FileError`` too."""
    try:
        return read_located(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(f"{path}: cannot read the file: {exc}") from None


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
    raise FileError(f"{path}: unsupported file type {suffix!r} (use .yaml, .json or .xlsx)")


def _read_yaml(path: Path, text: str) -> Located:
    node = compose_yaml(path, text)
    if node is None:
        raise FileError(f"{path}:line 1: the file is empty")
    located = Located(str(path), None)
    located.data = _convert(node, (), located, yaml.SafeLoader(""))
    return located


def _convert(node: yaml.Node, path: Path_, out: Located, loader: yaml.SafeLoader) -> Any:
    out.where.setdefault(path, f"line {node.start_mark.line + 1}")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node, loader))
            out.where[path + (key,)] = f"line {key_node.start_mark.line + 1}"
            if key in result:
                out.where[path + (key, "__duplicate__")] = f"line {key_node.start_mark.line + 1}"
            result[key] = _convert(value_node, path + (key,), out, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), out, loader) for i, item in enumerate(node.value)]
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError):
        # e.g. 2024-02-30 matches the timestamp pattern but is no real date: keep the text
        # and let validation report it at its line.
        return node.value


def _read_json(path: Path) -> Located:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(f"{path}:line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputRefused(path, "", "嵌套层数过多；未读取") from None
    check_nodes(path, data)
    try:
        # JSON is YAML: composing it keeps the line of every field.
        located = _read_yaml(path, text)
    except (FileError, InputRefused):
        located = Located(str(path), data, {(): "line 1"})
    # The values as JSON reads them (YAML would read the number 1e-05 as the text "1e-05");
    # JSON has no dates: strings stay strings, the schema parses and checks them.
    located.data = data
    return located
