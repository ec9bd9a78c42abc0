"""The lifecycle facts the scheduled tasks find (``rectify.events``): a measure, the plan or
the rectification report newly overdue (a new red mark of the deadline watch), a clue newly
overdue (by its digest only). A task collects them with each inspection's result and emits
them once its batch is committed (``emit_facts``)."""

from __future__ import annotations

from rectify.events import Fact, Place, emit, opaque_clue
from rectify.notices.planning import Mark
from rectify.problems.rules.escalation import Level
from tasks.context import InspectionRun

# The deadline watch's mark subjects that are lifecycle facts when they turn red.
SUBJECT_EVENTS = {"plan": "rectify.plan.overdue", "rectification_report": "rectify.report.overdue"}


def place_of(ctx: InspectionRun) -> Place:
    """The inspection, unit and office of a task's inspection."""
    return Place(ctx.inspection.id, ctx.unit, ctx.inspection.office_id)


def overdue_facts(ctx: InspectionRun, marks: list[Mark]) -> list[Fact]:
    """The plan, the report and each problem newly overdue among today's marks; a problem
    with several measures overdue today is one fact naming them."""
    place, today = place_of(ctx), ctx.today.isoformat()
    facts: list[Fact] = []
    measures: dict[str, list[Mark]] = {}
    for mark in marks:
        if mark.level is not Level.RED:
            continue
        if mark.subject in SUBJECT_EVENTS:
            payload = {"due": mark.due.isoformat(), "on": today}
            facts.append(
                Fact(SUBJECT_EVENTS[mark.subject], place, mark.due.isoformat(), payload=payload)
            )
        elif mark.subject.startswith("m:"):  # m:<problem>:<measure>
            measures.setdefault(mark.subject[2:].rpartition(":")[0], []).append(mark)
    titles = {p.ref: p.title for p in ctx.snap.problems}
    for ref, found in measures.items():
        dues = sorted({m.due.isoformat() for m in found})
        payload = {
            "due": dues[0],
            "on": today,
            "measures": [m.subject.rpartition(":")[2] for m in found],
        }
        facts.append(
            Fact(
                "rectify.problem.overdue",
                place,
                "|".join(dues),
                ref,
                titles.get(ref, ""),
                payload=payload,
            )
        )
    return facts


def clue_facts(ctx: InspectionRun, marks: list[Mark]) -> list[Fact]:
    """The clues newly overdue (transfer or handling), named by their opaque digest only."""
    place = place_of(ctx)
    return [
        Fact(
            "rectify.clue.overdue",
            place,
            f"{_deadline(mark.subject)}|{mark.due}",
            clue=opaque_clue(mark.subject),
            payload={
                "due": mark.due.isoformat(),
                "on": ctx.today.isoformat(),
                "deadline": _deadline(mark.subject),
            },
        )
        for mark in marks
        if mark.level is Level.RED
    ]


def _deadline(subject: str) -> str:
    """Which deadline of a clue a mark is of: ``clue:<digest>:transfer`` or the handling one."""
    return "transfer" if subject.endswith(":transfer") else "handling"


def emit_facts(results: list[dict]) -> int:
    """Emit the facts the batch's results carry (and take them out of the results)."""
    facts = [fact for result in results for fact in result.pop("facts", [])]
    return len(emit(facts))
