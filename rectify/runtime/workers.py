"""The task worker (``rectify worker``): a process that takes the scheduled flows' batches
from the Prefect server (``RECTIFY_TASK_WORKERS=true``, flows/task_workers.py) and runs them
on the engine's database, one batch at a time by default. Start one per core (or machine) to
add; each holds one batch's memory and one database connection per batch it runs at once."""

from __future__ import annotations


def batch_tasks() -> list:
    """Every task a scheduled flow runs in batches (``flows.common.in_batches``)."""
    from tasks.deadline_watch import watch_deadlines
    from tasks.decisions import escalate_late_decisions
    from tasks.dispatch import dispatch
    from tasks.review import assign_reviews
    from tasks.supervision import supervise

    return [dispatch, supervise, watch_deadlines, assign_reviews, escalate_late_decisions]


def serve_batches(limit: int = 1, timeout: float | None = None) -> None:
    """Take batches from the server until stopped (or ``timeout`` seconds), ``limit`` at once,
    their parameters and results in the storage the flows use (``shared_storage``)."""
    from prefect.task_worker import serve

    from flows.task_workers import shared_storage

    with shared_storage():
        serve(*batch_tasks(), limit=limit, timeout=timeout)
