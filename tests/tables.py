"""Table-driven rule tests: a table is a sequence of rows ``(case, *inputs, expectation)``
and one runner per table takes them through ``pytest.mark.parametrize(..., cases(TABLE))``,
each run named by its row's case."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Refused:
    """The expectation of a row the rules refuse: the refusal's stable code, and a fragment
    its message (read by people) must contain, if the row names one."""

    code: str
    says: str = ""


def cases(table: Iterable[Sequence]) -> list:
    """The rows of ``table`` as pytest parameters, each with its case as the test id."""
    rows = list(table)
    names = [row[0] for row in rows]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    assert not duplicated, f"case names repeat: {duplicated}"
    return [pytest.param(*row[1:], id=row[0]) for row in rows]
