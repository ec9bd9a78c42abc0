"""Which measures of a problem are completed (措施完成): a completion counts from the time it
was reported until the problem reopens at a 回头看 review (反弹回潮), which reopens every
measure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from sqlmodel import Session, select

from models import Measure, MeasureCompletion, Review
from rectify.core.clock import as_utc
from rectify.core.errors import Refusal
from rectify.problems.rules.views import ProblemView


def still_counting(
    completions: Iterable[tuple[int, dt.datetime]], reopened: dict[int, dt.datetime]
) -> set[int]:
    """The measure ids of ``completions`` ((measure id, instant)) that still count: made after
    their problem's latest reopening (``reopened`` by measure id), if any."""
    return {
        measure_id
        for measure_id, at in completions
        if measure_id not in reopened or as_utc(at) > as_utc(reopened[measure_id])
    }


def completed_measures(session: Session, problem_id: int, until: dt.datetime) -> set[int]:
    """The ids of the problem's measures completed before ``until`` and since it last
    reopened."""
    relapse = session.exec(
        select(Review.at)
        .where(Review.problem_id == problem_id, Review.outcome == "relapsed", Review.at < until)
        .order_by(Review.at.desc())
    ).first()
    rows = session.exec(
        select(MeasureCompletion.measure_id, MeasureCompletion.at)
        .join(Measure, MeasureCompletion.measure_id == Measure.id)
        .where(Measure.problem_id == problem_id, MeasureCompletion.at < until)
    ).all()
    reopened = {measure_id: relapse for measure_id, _ in rows} if relapse else {}
    return still_counting(rows, reopened)


def with_completed(view: ProblemView, positions: set[int]) -> ProblemView:
    """``view`` with the measures at ``positions`` completed."""
    return replace(
        view,
        measures=tuple(replace(m, completed=m.position in positions) for m in view.measures),
    )


def only_measure(view: ProblemView, number: int) -> ProblemView:
    """``view`` narrowed to its measure ``number`` (1, 2, … in file order), or the refusal
    naming the measures it has."""
    chosen = [m for m in view.measures if m.position + 1 == number]
    if not chosen:
        raise Refusal(
            "unknown_measure",
            f"问题 {view.ref} 没有第 {number} 项措施（共 {len(view.measures)} 项）",
        )
    return replace(view, measures=tuple(chosen))
