"""Lifecycle events (生命周期事件): the facts of a rectification as Prefect events, so that an
office can build Automations on them (a relapse reviewed at once, a returned sign-off told
to the unit at once).

Each fact is emitted once, when it arises: the deadline watch finding a new overdue, an
action closing, returning or reopening a problem, after its transaction is committed. The
event's id is derived from the fact (``event_id``): a run repeated, or a fact emitted twice,
gives the same id, and the Prefect server keeps one event per id.

The resources: the inspection is the event's resource (``rectify.inspection.<id>``); the unit,
the office and the problem are related resources, each with its name. A clue's event names
only the clue's opaque digest and the office: no number, no content.
"""

from __future__ import annotations

import hashlib
import os
import sys
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

EVENTS = (
    "rectify.problem.overdue",
    "rectify.problem.closed",
    "rectify.problem.returned",
    "rectify.problem.reopened",
    "rectify.plan.overdue",
    "rectify.report.overdue",
    "rectify.clue.overdue",
)
"""Every event the engine emits."""

NAMESPACE = uuid.UUID("5b0a8f3e-2f4c-4d8e-9a51-7c2e3d1b9f60")

# The action kinds (``rectify.problems.actions``) that state a lifecycle fact when done.
ACTION_EVENTS = {
    "sign_off": "rectify.problem.closed",
    "return_sign_off": "rectify.problem.returned",
}


@dataclass(frozen=True)
class Place:
    """Where a fact belongs: the inspection, its unit (被巡察单位) and its office (巡察办)."""

    inspection_id: str
    unit: str
    office_id: str | None = None
    office_name: str = ""


@dataclass(frozen=True)
class Fact:
    """One lifecycle fact: its event name, where it belongs, the problem (its number) or the
    clue (its digest) it concerns, what makes it unique (a due date, an instant) and what
    an automation may read of it (``payload``)."""

    event: str
    place: Place
    key: str
    problem: str | None = None
    problem_title: str = ""
    clue: str | None = None
    payload: dict = field(default_factory=dict, hash=False, compare=False)


# "real", or "virtual" while a replay runs (``virtual_clock``): the shipped triggers act on
# real facts only, so a demo's replay fills the event feed without starting runs.
_clock = ["real"]


@contextmanager
def virtual_clock():
    """Mark the events emitted in this block as a replay's (``rectify.clock: virtual``)."""
    saved, _clock[0] = _clock[0], "virtual"
    try:
        yield
    finally:
        _clock[0] = saved


def event_id(fact: Fact) -> uuid.UUID:
    """The event's id, the same whenever the same fact is emitted again."""
    parts = (fact.event, fact.place.inspection_id, fact.problem or "", fact.clue or "", fact.key)
    return uuid.uuid5(NAMESPACE, "|".join(parts))


def resources(fact: Fact) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The event's resource (the inspection) and its related resources (unit, office,
    problem or clue), each with an id and a name."""
    place = fact.place
    resource = {
        "prefect.resource.id": f"rectify.inspection.{place.inspection_id}",
        "prefect.resource.name": f"{place.unit} 巡察 {place.inspection_id}",
        "rectify.inspection": place.inspection_id,
        "rectify.unit": place.unit,
        "rectify.clock": _clock[0],
    }
    related = [
        {
            "prefect.resource.id": f"rectify.unit.{place.unit}",
            "prefect.resource.role": "unit",
            "prefect.resource.name": place.unit,
        }
    ]
    if place.office_id:
        related.append(
            {
                "prefect.resource.id": f"rectify.office.{place.office_id}",
                "prefect.resource.role": "office",
                "prefect.resource.name": place.office_name or place.office_id,
            }
        )
    if fact.problem is not None:
        resource["rectify.problem"] = fact.problem
        related.append(
            {
                "prefect.resource.id": f"rectify.problem.{place.inspection_id}.{fact.problem}",
                "prefect.resource.role": "problem",
                "prefect.resource.name": f"问题{fact.problem} {fact.problem_title}".strip(),
            }
        )
    if fact.clue is not None:
        related.append(
            {
                "prefect.resource.id": f"rectify.clue.{fact.clue}",
                "prefect.resource.role": "clue",
                "prefect.resource.name": "问题线索",
            }
        )
    return resource, related


def action_fact(kind: str, details: dict, place: Place, title: str, at: str) -> Fact | None:
    """The fact a done action states (closed, returned, reopened by a 回头看 finding a
    relapse), or None for an action that states none."""
    event = ACTION_EVENTS.get(kind)
    if kind == "review" and details.get("outcome") == "relapsed":
        event = "rectify.problem.reopened"
    if event is None:
        return None
    payload = {"at": at, "action": kind}
    if details.get("reason"):
        payload["reason"] = details["reason"]
    return Fact(event, place, at, str(details.get("problem")), title, payload=payload)


def opaque_clue(subject: str) -> str:
    """A clue's opaque id for its events: its keyed digest when the mark's subject carries
    one, otherwise a hash of the subject (never the clue's number)."""
    tail = subject.split(":")[1] if ":" in subject else subject
    if len(tail) >= 16 and all(c in "0123456789abcdef" for c in tail):
        return tail[:32]
    return hashlib.sha256(subject.encode()).hexdigest()[:32]


def should_emit() -> bool:
    """Events go to a running Prefect server (PREFECT_API_URL) or, inside a flow or task
    run, to the server the run reports to; a command with neither emits nothing rather
    than starting a server of its own."""
    if "prefect" not in sys.modules and not os.environ.get("PREFECT_API_URL"):
        return False  # a command that never loaded Prefect: no run, no server named
    from prefect.context import FlowRunContext, TaskRunContext
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value()) or bool(FlowRunContext.get() or TaskRunContext.get())


def emit(facts: Iterable[Fact]) -> list:
    """Emit each fact as a Prefect event; returns the events sent (none without a server)."""
    facts = list(facts)
    if not facts or not should_emit():
        return []
    from prefect.events import emit_event

    sent = []
    for fact in facts:
        resource, related = resources(fact)
        event = emit_event(
            fact.event,
            resource=resource,
            related=related,
            payload={"key": fact.key, **fact.payload},
            id=event_id(fact),
        )
        if event is not None:
            sent.append(event)
    return sent
