"""The clue file (问题线索文件, docs/clues-format.md): its schema and its validation, every
violation listed in one pass with its file, line and field, as for a feedback file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints

from rectify.clues.rules import BODY_KIND_LABELS, CLASS_LABELS, BodyKind, ClueClass
from rectify.core.messages import located
from rectify.feedback.locate import FileError, Located, read_file
from rectify.feedback.schema import (
    Contacts,
    InspectionId,
    Key,
    RealDate,
    Strict,
    Text,
    coerce_ref,
)
from rectify.feedback.validate import (
    NOT_A_MAPPING,
    FeedbackErrors,
    date_or_none,
    dict_or_empty,
    list_or_empty,
    parse_reporting,
    report_duplicate_keys,
)


class ClueErrors(FeedbackErrors):
    """Every violation found in one clue file; nothing was written."""


def _choice(labels: Mapping[Any, str]) -> Callable[[Any], Any]:
    """Accept a key (``further``) or its Chinese label (``进一步了解关注类``)."""
    by_label = {label: key.value for key, label in labels.items()}
    return lambda value: by_label.get(value, value) if isinstance(value, str) else value


Number = Annotated[
    str,
    BeforeValidator(coerce_ref),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^\S+$"),
]


class ContactIn(Strict):
    id: Key
    name: Text
    contacts: Contacts = []


class BodyIn(Strict):
    id: Key
    name: Text
    kind: Annotated[BodyKind, BeforeValidator(_choice(BODY_KIND_LABELS))]
    contact: ContactIn


class TransferIn(Strict):
    to: Key
    date: RealDate
    due: RealDate


class ClueIn(Strict):
    number: Number
    clue_class: Annotated[ClueClass, BeforeValidator(_choice(CLASS_LABELS))] = Field(alias="class")
    summary: Text
    registered_on: RealDate
    transfer: TransferIn | None = None


# How many days after its registration a clue is to be transferred, unless the file says.
TRANSFER_WITHIN_DAYS = 15


class ClueFile(Strict):
    inspection: InspectionId
    readers: list[Key] | None = None  # office staff; given: replaces the readers; omitted: kept
    transfer_within: int = Field(default=TRANSFER_WITHIN_DAYS, ge=1, le=365)
    bodies: list[BodyIn] = []
    clues: list[ClueIn] = Field(min_length=1)


@dataclass(frozen=True)
class KnownFacts:
    """What the store already holds for the file's inspection."""

    people: frozenset[str]  # every person key of the inspected unit, active or not
    office: frozenset[str]  # the active office staff of the inspection
    numbers: frozenset[str]  # clue numbers already registered
    bodies: frozenset[str]  # receiving bodies already known


def read_clue_file(path: Path) -> Located:
    """The clue file's YAML with every value's line, or ``ClueErrors`` saying why not."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ClueErrors(
            [located(str(path), "", "", "问题线索文件应为 YAML 文件（.yaml 或 .yml）")]
        )
    try:
        file = read_file(path)
    except FileError as exc:
        raise ClueErrors([str(exc)]) from None
    if not isinstance(file.data, dict):
        raise ClueErrors([file.error((), NOT_A_MAPPING)])
    return file


def validate_clue_file(located: Located, known: KnownFacts) -> ClueFile:
    """The schema, then the cross-field rules and the store's facts, all in one pass; raise
    ``ClueErrors`` listing every violation with its file, line and field."""
    errors: list[str] = []

    def report(where: tuple, message: str) -> None:
        errors.append(located.error(where, message))

    report_duplicate_keys(located, report)
    parsed = parse_reporting(ClueFile, located, report)
    _cross_checks(located.data, known, report)
    if errors or parsed is None:
        raise ClueErrors(errors)
    return parsed


def _items(value: Any) -> list[tuple[int, dict]]:
    return [
        (i, v)
        for i, v in enumerate(value if isinstance(value, list) else [])
        if isinstance(v, dict)
    ]


def _key(value: Any) -> str | None:
    """An id as the schema will store it, or None (another type is a schema error already)."""
    return value if isinstance(value, str) else None


def _number(value: Any) -> str | None:
    value = coerce_ref(value)
    return value.strip() if isinstance(value, str) else None


def _keyed(
    value: Any, field: str, key: Callable[[Any], str | None]
) -> tuple[list[tuple[int, dict, str | None]], Counter]:
    """The mappings of a list, each with its ``field`` read by ``key``, and how often each
    key is given."""
    items = [(i, item, key(item.get(field))) for i, item in _items(value)]
    return items, Counter(k for _, _, k in items)


def _check_readers(data: dict, known: KnownFacts, report) -> None:
    """Readers are office staff of the inspection: never one of the unit's people."""
    for i, key in enumerate(list_or_empty(data.get("readers"))):
        if _key(key) is None or key in known.office:
            continue
        if key in known.people:
            report(
                ("readers", i),
                f"{key} 是被巡察单位的人员：问题线索只属巡察办，只有巡察办工作人员可以阅看",
            )
        else:
            report(("readers", i), f"本巡察的巡察办没有编号为 {key} 的工作人员")


def _cross_checks(data: dict, known: KnownFacts, report) -> None:
    bodies, counts = _keyed(data.get("bodies"), "id", _key)
    for i, body, key in bodies:
        if key is not None and counts[key] > 1:
            report(("bodies", i, "id"), f"承办单位编号 {key} 重复")
        contact = _key(dict_or_empty(body.get("contact")).get("id"))
        if contact in known.people:
            report(
                ("bodies", i, "contact", "id"),
                f"{contact} 是被巡察单位的人员：承办单位的联系人须是被巡察单位以外的人",
            )
    body_ids = (set(counts) - {None}) | known.bodies
    _check_readers(data, known, report)
    clues, numbers = _keyed(data.get("clues"), "number", _number)
    for i, clue, number in clues:
        if number is not None and numbers[number] > 1:
            report(("clues", i, "number"), f"线索编号 {number} 在本文件中重复")
        elif number in known.numbers:
            report(("clues", i, "number"), f"线索编号 {number} 已登记过")
        transfer = dict_or_empty(clue.get("transfer"))
        to = _key(transfer.get("to"))
        if to is not None and to not in body_ids:
            report(("clues", i, "transfer", "to"), f"没有编号为 {to} 的承办单位")
        registered, on, due = (
            date_or_none(clue.get("registered_on")),
            date_or_none(transfer.get("date")),
            date_or_none(transfer.get("due")),
        )
        if registered and on and on < registered:
            report(("clues", i, "transfer", "date"), "移交日期早于登记日期（registered_on）")
        if on and due and due <= on:
            report(("clues", i, "transfer", "due"), "限期办结日期不晚于移交日期")
