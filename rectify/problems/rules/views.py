"""Plain, immutable views of stored data that the rules decide on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rectify.core.states import ProblemState


@dataclass(frozen=True)
class PersonView:
    """A person as the rules see them: of the inspected unit (``side="unit"``: leader, deputy,
    unit_office) or of the inspection office (``side="office"``: supervisor, clues)."""

    key: str
    name: str
    roles: frozenset[str] = frozenset()
    side: str = "unit"

    @property
    def is_office(self) -> bool:
        """Whether this person is of the inspection office (巡察办)."""
        return self.side == "office"


@dataclass(frozen=True)
class MeasureView:
    position: int
    text: str
    lead_leader: str
    responsible_leader: str
    department: str
    responsible_person: str
    due: dt.date | None  # None for a long-term measure
    checkpoint: dt.date | None = None
    completed: bool = False  # reported completed (措施完成) since the problem last reopened

    @property
    def worked_to(self) -> dt.date | None:
        """The date the measure is worked towards: its due, or a long-term measure's
        checkpoint (reminded before it, never overdue after it)."""
        return self.due if self.due is not None else self.checkpoint

    @property
    def is_open(self) -> bool:
        """Whether the measure is still to be done: not completed (a completed measure is
        never reminded, lagging or overdue)."""
        return not self.completed


@dataclass(frozen=True)
class ProblemView:
    ref: str
    title: str
    state: ProblemState
    measures: tuple[MeasureView, ...] = field(default_factory=tuple)
    checkpoint: dt.date | None = None  # the next long-term checkpoint, if declared
    # awaiting confirmation: the state the unit applied for sign-off (申请销号) from
    applied_from: ProblemState | None = None

    @property
    def open_measures(self) -> tuple[MeasureView, ...]:
        """The measures not yet completed: the ones reminded, supervised and overdue."""
        return tuple(m for m in self.measures if m.is_open)

    @property
    def responsible_people(self) -> frozenset[str]:
        return frozenset(m.responsible_person for m in self.measures)

    @property
    def involved_people(self) -> frozenset[str]:
        return frozenset(
            key
            for m in self.measures
            for key in (m.lead_leader, m.responsible_leader, m.responsible_person)
        )

    def date_ahead(self, on: dt.date) -> dt.date | None:
        """The nearest date on or after ``on`` that an open measure is worked towards (a
        due, or a long-term measure's checkpoint)."""
        return min(
            (m.worked_to for m in self.open_measures if m.worked_to and m.worked_to >= on),
            default=None,
        )

    @property
    def latest_due(self) -> dt.date | None:
        dues = [m.due for m in self.measures if m.due is not None]
        return max(dues) if dues else None
