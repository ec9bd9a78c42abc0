"""Plain data read from a file with the place of every field in it (字段位置), so every
refusal can name its file, line or row, and field (``rectify.core.messages.located``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rectify.core.inputs import compose_yaml
from rectify.core.messages import dotted, line, located

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

    def error(self, path: Sequence[str | int], message: str, where: str | None = None) -> str:
        """A refusal at ``path``: ``<file>:第 4 行，字段 clock.until：<message>`` (``where``
        given: that location instead of the path's own)."""
        return located(self.file, where or self.locate(path), dotted(path), message)


def located_yaml(path: Path, text: str) -> Located | None:
    """``text`` (the YAML file ``path``) read within the input limits, keeping the line of
    every field; None for an empty document. ``InputRefused`` as ``compose_yaml`` raises it."""
    node = compose_yaml(path, text)
    if node is None:
        return None
    out = Located(str(path), None)
    out.data = _convert(node, (), out, yaml.SafeLoader(""))
    return out


def _convert(node: yaml.Node, path: Path_, out: Located, loader: yaml.SafeLoader) -> Any:
    out.where.setdefault(path, line(node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node, loader))
            out.where[path + (key,)] = line(key_node.start_mark.line + 1)
            if key in result:
                out.where[path + (key, "__duplicate__")] = line(key_node.start_mark.line + 1)
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
