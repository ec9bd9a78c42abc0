"""The look-back review (回头看): each closed problem whose review is due is assigned to a
reviewer (审核人) who is not its responsible person, spreading the work, and announced to
the reviewer and the office (整改办)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rectify.notices.planning.common import Digests, Item, NoticePlan, with_role
from rectify.problems.rules.views import PersonView, ProblemView


@dataclass(frozen=True)
class ClosedProblem:
    """A closed (已销号) problem and when its review falls due."""

    problem: ProblemView
    closed_on: dt.date
    review_due: dt.date
    assigned: bool  # a reviewer was already assigned for this closing


def review_assignments(
    closed: Iterable[ClosedProblem], people: Mapping[str, PersonView], today: dt.date
) -> tuple[list[NoticePlan], dict[str, str]]:
    """Assign each closed problem whose review is due to a reviewer who is not its
    responsible person, spreading the work; announce to the reviewers and the office."""
    digests = Digests()
    reviewers = with_role(people, "reviewer")
    office = with_role(people, "unit_office")
    load: dict[str, int] = defaultdict(int)
    assigned: dict[str, str] = {}
    for c in sorted(closed, key=lambda c: (c.review_due, c.problem.ref)):
        if c.assigned or today < c.review_due:
            continue
        eligible = [r for r in reviewers if r not in c.problem.responsible_people]
        if not eligible:
            continue
        reviewer = min(eligible, key=lambda r: (load[r], r))
        load[reviewer] += 1
        assigned[c.problem.ref] = reviewer
        item = Item(
            c.problem.ref,
            c.problem.title,
            f"{c.closed_on}销号,回头看已到期",
            c.review_due,
            None,
            f"审核人:{people[reviewer].name}",
        )
        digests.add("review_due", reviewer, "reviewer", item)
        digests.add_to_all("review_due", [k for k in office if k != reviewer], "unit_office", item)
    return digests.plans(), assigned
