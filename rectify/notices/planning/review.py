"""The look-back review (回头看), the inspection office's: each closed problem whose review is
due is assigned to one of the office's supervisors (巡察办督查人员) who did not confirm its
sign-off, in turn across them, and announced to that reviewer. Nobody of the inspected unit
is ever assigned; without an office, nothing is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rectify.notices.planning.common import Digests, Item, NoticePlan, office_supervisors
from rectify.problems.rules.views import PersonView, ProblemView


@dataclass(frozen=True)
class ClosedProblem:
    """A closed (已销号) problem, who confirmed its sign-off and when its review falls due."""

    problem: ProblemView
    closed_on: dt.date
    review_due: dt.date
    assigned: bool  # a reviewer was already assigned for this closing
    confirmed_by: str = ""  # the supervisor who confirmed the sign-off (SignOff.by)


def review_assignments(
    closed: Iterable[ClosedProblem],
    people: Mapping[str, PersonView],
    today: dt.date,
    load: Mapping[str, int] | None = None,
) -> tuple[list[NoticePlan], dict[str, str]]:
    """Assign each closed problem whose review is due to an office supervisor who did not
    confirm its sign-off: the one with the fewest reviews so far (``load``: earlier
    assignments by reviewer), then in key order, so the reviews go round the supervisors.
    Announce each to its reviewer. Returns the plans and {problem: reviewer}."""
    digests = Digests()
    supervisors = office_supervisors(people)
    given = {key: (load or {}).get(key, 0) for key in supervisors}
    assigned: dict[str, str] = {}
    for c in sorted(closed, key=lambda c: (c.review_due, c.problem.ref)):
        if c.assigned or today < c.review_due:
            continue
        eligible = [key for key in supervisors if key != c.confirmed_by]
        if not eligible:
            continue
        reviewer = min(eligible, key=lambda key: (given[key], key))
        given[reviewer] += 1
        assigned[c.problem.ref] = reviewer
        confirmer = people.get(c.confirmed_by)
        by = f"（{confirmer.name}确认）" if confirmer else ""
        item = Item(
            c.problem.ref,
            c.problem.title,
            f"{c.closed_on}销号{by}，回头看已到期",
            c.review_due,
            None,
            f"审核人：{people[reviewer].name}",
        )
        digests.add("review_due", reviewer, "office_supervisor", item)
    return digests.plans(), assigned
