"""Sign-off between the two sides (销号审核), in the daily deadline watch: each application
for sign-off (申请销号) is told to the inspection office's supervisors (巡察办), each return
(退回) with its reason to the unit — the problem's responsible leaders (责任领导) and the
unit's rectification office (整改办). Each application and each return is told once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rectify.notices.planning.common import Digests, Item, Mark, office_supervisors, with_role
from rectify.problems.rules.escalation import Level
from rectify.problems.rules.views import PersonView, ProblemView

TOLD = Level.GREEN  # the level a one-time notice's mark is stored with


@dataclass(frozen=True)
class SignOffEvent:
    """One step of a sign-off between the two sides: the unit's application (申请销号, ``text``
    its note) or the office's return (退回, ``text`` its reason)."""

    id: int
    problem: ProblemView
    on: dt.date
    by: str  # the applicant's or the supervisor's key
    text: str = ""


def _name(people: Mapping[str, PersonView], key: str) -> str:
    person = people.get(key)
    return person.name if person else key


def sign_off_pending(
    digests: Digests,
    applications: Iterable[SignOffEvent],
    people: Mapping[str, PersonView],
    marks: set[Mark],
) -> list[Mark]:
    """Each application still undecided (``applications``: neither confirmed nor returned)
    and not yet told, to every office supervisor: one digest per supervisor listing them
    all. Without a supervisor (no office declared) nothing is told or marked."""
    supervisors = office_supervisors(people)
    new: list[Mark] = []
    for a in sorted(applications, key=lambda a: (a.on, a.problem.ref, a.id)):
        mark = Mark(f"apply:{a.id}", a.on, TOLD)
        if not supervisors or mark in marks:
            continue
        text = f"{_name(people, a.by)}于{a.on}申请销号"
        item = Item(a.problem.ref, a.problem.title, text, None, None, a.text)
        digests.add_to_all("sign_off_pending", supervisors, "office_supervisor", item)
        new.append(mark)
    return new


def sign_off_returned(
    digests: Digests,
    returns: Iterable[SignOffEvent],
    people: Mapping[str, PersonView],
    marks: set[Mark],
) -> list[Mark]:
    """Each return not yet told, with its reason, to the problem's responsible leaders and
    the unit office."""
    unit_office = with_role(people, "unit_office")
    new: list[Mark] = []
    for r in sorted(returns, key=lambda r: (r.on, r.problem.ref, r.id)):
        mark = Mark(f"return:{r.id}", r.on, TOLD)
        if mark in marks:
            continue
        text = f"巡察办于{r.on}退回销号申请"
        item = Item(r.problem.ref, r.problem.title, text, None, None, f"退回理由：{r.text}")
        leaders = sorted({m.responsible_leader for m in r.problem.measures})
        digests.add_to_all("sign_off_returned", leaders, "responsible_leader", item)
        digests.add_to_all(
            "sign_off_returned", [k for k in unit_office if k not in leaders], "unit_office", item
        )
        new.append(mark)
    return new
