"""The limits every file the engine reads passes first (输入限制): its size on disk, its size
unpacked (XLSX, DOCX), how many nodes, rows or cells it holds, how deep it nests — and YAML
without anchors and aliases (``&a`` / ``*a``), so a small file cannot expand into a huge one.

A file over a limit is refused before it is parsed, with ``InputRefused`` naming the file and,
where known, the line and field. The limits are settings (``RECTIFY_MAX_INPUT_BYTES``,
``RECTIFY_MAX_INPUT_NODES``, ``RECTIFY_MAX_UNPACKED_BYTES``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from rectify.core.messages import dotted, line, located, yaml_problem
from rectify.core.settings import get_settings

# Nesting deeper than this is no office file; it would exhaust the parser's recursion.
MAX_DEPTH = 64


class InputRefused(ValueError):
    """A file refused by a limit, or not readable at all: ``path:where：message`` (the one
    format of ``rectify.core.messages.located``)."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        self.path, self.where, self.message = str(path), where, message
        super().__init__(located(self.path, where, "", message))

    @property
    def located(self) -> str:
        """The message with its location but without the path (for callers that print it)."""
        return f"{self.where}：{self.message}" if self.where else self.message


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(path: Path, size: int | None = None) -> None:
    """Refuse a file larger than ``max_input_bytes`` (its size on disk unless given)."""
    limit = get_settings().max_input_bytes
    size = path.stat().st_size if size is None else size
    if size > limit:
        raise InputRefused(
            path,
            "",
            f"文件过大（{_mb(size)}），上限为 {_mb(limit)}（设置 RECTIFY_MAX_INPUT_BYTES）；未读取",
        )


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refused unread when it is larger than ``max_input_bytes``."""
    check_size(path)
    with open(path, "rb") as fh:
        data = fh.read(get_settings().max_input_bytes + 1)  # one that grew, or has no size
    check_size(path, len(data))
    return data


def read_text(path: Path) -> str:
    """``read_bytes`` decoded as UTF-8 (``UnicodeDecodeError`` as usual)."""
    return read_bytes(path).decode("utf-8")


def check_archive(path: Path) -> None:
    """Refuse an XLSX or DOCX package whose members unpack to more than
    ``max_unpacked_bytes`` (a zip bomb) or that holds more members than ``max_input_nodes``.
    A file that is no zip at all is left to the reader to report."""
    check_size(path)
    settings = get_settings()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return
    if len(members) > settings.max_input_nodes:
        raise InputRefused(
            path,
            "",
            f"压缩包内有 {len(members)} 个文件，超过上限 {settings.max_input_nodes}；未读取",
        )
    # zipfile never unpacks more than a member's declared size, so the sum bounds the work.
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.max_unpacked_bytes:
        raise InputRefused(
            path,
            "",
            f"解压后过大（{_mb(unpacked)}），上限为 {_mb(settings.max_unpacked_bytes)}"
            "（设置 RECTIFY_MAX_UNPACKED_BYTES），疑为压缩炸弹；未读取",
        )


def too_many() -> str:
    """The refusal text for a file holding more than ``max_input_nodes`` items."""
    limit = get_settings().max_input_nodes
    return (
        f"内容过多（超过 {limit} 项：节点、行或单元格），上限见设置 RECTIFY_MAX_INPUT_NODES；未读取"
    )


class CellBudget:
    """Counts the rows and cells read from one workbook; refuses past ``max_input_nodes``
    (a row counts at least one, so a million empty rows are refused too)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.limit = get_settings().max_input_nodes
        self.used = 0

    def rows(self, ws, **kwargs: Any) -> Iterator[tuple]:
        """``ws.iter_rows(values_only=True, **kwargs)``, refused when the sheet's declared size
        or the cells actually read pass the limit."""
        if ws.max_row and ws.max_column and ws.max_row * ws.max_column > self.limit:
            raise InputRefused(
                self.path,
                f"工作表 {ws.title}",
                f"声明的范围 {ws.max_row} 行 × {ws.max_column} 列；{too_many()}",
            )
        start = kwargs.get("min_row", 1)
        for number, row in enumerate(ws.iter_rows(values_only=True, **kwargs), start=start):
            self.used += max(1, len(row))
            if self.used > self.limit:
                raise InputRefused(self.path, f"工作表 {ws.title}，{line(number)}", too_many())
            yield row


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it


class _Frame:
    """One open mapping or sequence while the events are checked: where its next node sits."""

    def __init__(self, mapping: bool) -> None:
        self.mapping = mapping
        self.index = 0  # items seen (a sequence) or keys and values seen (a mapping)
        self.key: str | int = ""

    def field(self) -> str | int:
        """The field of the node about to come: a sequence index, a mapping's key, or ``""``
        for a key itself."""
        if not self.mapping:
            return self.index
        return self.key if self.index % 2 else ""

    def took(self, event: yaml.Event) -> None:
        """A node (a scalar, or a finished collection) was read at this level."""
        if self.mapping and self.index % 2 == 0:
            self.key = str(getattr(event, "value", ""))
        self.index += 1


class _EventCheck:
    """The limits checked on the parser's event stream (libyaml where available), before any
    node is built: no anchor, no alias, at most ``max_input_nodes`` nodes and ``MAX_DEPTH``
    levels; each refusal names its line and field."""

    def __init__(self, path: Path) -> None:
        self.source = path
        self.limit = get_settings().max_input_nodes
        self.count = 0
        self.frames: list[_Frame] = []

    def _refuse(self, event: yaml.Event, message: str) -> InputRefused:
        fields = [frame.field() for frame in self.frames]
        field = dotted(fields)
        where = line(event.start_mark.line + 1) + (f"，字段 {field}" if field else "")
        return InputRefused(self.source, where, message)

    def node(self, event: yaml.Event) -> None:
        """Check one node event (scalar, alias or collection start)."""
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = f"*{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"&{event.anchor}"
            raise self._refuse(event, f"不接受 YAML 锚点和别名（{mark}）；请把每处内容写全；未读取")
        self.count += 1
        if self.count > self.limit:
            raise self._refuse(event, too_many())
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(self.frames) >= MAX_DEPTH:
                raise self._refuse(event, f"嵌套超过 {MAX_DEPTH} 层；未读取")
            self.frames.append(_Frame(isinstance(event, yaml.MappingStartEvent)))
        elif self.frames:
            self.frames[-1].took(event)

    def run(self, text: str) -> None:
        """Read every event of ``text``; ``InputRefused`` at the first limit passed."""
        parser = _FAST_LOADER(text)
        try:
            while parser.check_event():
                event = parser.get_event()
                if isinstance(event, _NODE_EVENTS):
                    self.node(event)
                elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    self.frames.pop()
                    if self.frames:
                        self.frames[-1].took(event)
        finally:
            parser.dispose()


def _yaml_error(path: Path, text: str, exc: yaml.YAMLError) -> InputRefused:
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        number = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or " ")
        problem = f"含有不允许的控制字符 #x{code:04x}"
    else:
        number = mark.line + 1 if mark else 1
        lines = text.split("\n")
        at = (
            lines[mark.line][mark.column : mark.column + 1]
            if mark and mark.line < len(lines)
            else ""
        )
        problem = yaml_problem(str(getattr(exc, "problem", None) or exc), at)
    return InputRefused(path, line(number), f"不是有效的 YAML：{problem}")


def compose_yaml(path: Path, text: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (None for an empty document) within the limits;
    ``InputRefused`` for a refusal or a syntax error, with its line. The limits are checked on
    the event stream first, so a hostile file is refused before any node is built."""
    try:
        # the reader checks every character of the text (a NUL is a ReaderError here)
        yaml.reader.Reader(text)
        _EventCheck(path).run(text)
        loader = _FAST_LOADER(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, text, exc) from None
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _yaml_error(path, text, exc) from None
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    """The plain data of a YAML file, read with every limit (size, nodes, depth, no alias)."""
    text = read_text(path)
    node = compose_yaml(path, text)
    if node is None:
        return None
    return yaml.SafeLoader("").construct_document(node)


def check_nodes(path: Path, data: Any) -> None:
    """Refuse plain data (read as JSON) holding more than ``max_input_nodes`` values."""
    limit = get_settings().max_input_nodes
    if count_nodes(data, limit) > limit:
        raise InputRefused(path, "", too_many())


def count_nodes(data: Any, limit: int) -> int:
    """How many values ``data`` holds (containers and scalars), without recursion; counting
    stops once past ``limit``."""
    count, stack = 0, [data]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count
