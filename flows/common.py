"""What every scheduled flow shares: the instant it runs for, its name, and its work on
batches of inspections (one task per batch, not per inspection or measure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pendulum
from prefect import tags
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run

from flows.task_workers import on_task_workers
from rectify.core.clock import as_utc, utc_now
from rectify.core.policy import Policy
from rectify.core.settings import get_settings
from tasks.inspections import list_inspections
from tasks.policies import policies_of


def resolve_at(as_of: dt.datetime | str | None) -> dt.datetime:
    """The run's instant: ``as_of`` (a virtual clock) or now. Naive values are local."""
    if as_of is None:
        return utc_now()
    if isinstance(as_of, str):
        as_of = dt.datetime.fromisoformat(as_of)
    if as_of.tzinfo is None:
        as_of = pendulum.instance(as_of, tz=get_settings().timezone)
    return as_utc(as_of)


def local_day(at: dt.datetime) -> str:
    return pendulum.instance(at).in_tz(get_settings().timezone).date().isoformat()


def parent_run_name(label: str) -> Callable[[], str]:
    """A run name like ``半月调度 2024-09-01`` from the run's ``as_of`` parameter."""

    def name() -> str:
        params = flow_run.parameters or {}
        day = local_day(resolve_at(params.get("as_of")))
        scope = params.get("inspection_id") or "全部"
        return f"{label} {scope} {day}"

    return name


def for_each_inspection(
    ids: list[str], subflow, kind: str, *args, single: bool = False
) -> list[dict]:
    """Run one sub-flow per inspection, tagged with it so the UI can filter by unit. A run
    asked for one inspection (``single``) is already named after it: its work runs inside
    it, without a sub-flow."""
    results = []
    for inspection_id in ids:
        with tags(f"inspection:{inspection_id}", kind):
            if single:
                results.append(subflow.fn(inspection_id, *args))
            else:
                results.append(subflow(inspection_id, *args))
    return results


def in_batches(ids: list[str], task, kind: str, *args) -> list[dict]:
    """Run ``task(batch, *args)`` on the inspections in batches of ``RECTIFY_BATCH_SIZE``
    (100 by default); a run on one inspection is tagged with it for the UI."""
    size = get_settings().batch_size or len(ids) or 1
    if len(ids) == 1:
        _tag_this_run(kind, f"inspection:{ids[0]}")
    if get_settings().task_workers:  # each batch a background task run (flows/task_workers.py)
        return on_task_workers(ids, size, task, kind, *args)
    results: list[dict] = []
    # The batches' task runs carry no tags (the flow run has its deployment's, and a run on
    # one inspection its kind and unit, above): Prefect asks the server for
    # tag concurrency slots before a tagged task run (once per 5 s of tags without limits),
    # and on SQLite the server answered that request 503 while it wrote the previous batch's
    # events, retried after 2 s (8 of the 40 s of a 600 000-measure dispatch, benchmarks/).
    for start in range(0, len(ids), size):
        results.extend(task(ids[start : start + size], *args))
    return results


def scheduled_batches(
    as_of: dt.datetime | None,
    inspection_id: str | None,
    task,
    kind: str,
    due: Callable[[Policy, str], bool] | None = None,
) -> tuple[dt.datetime, str, list[dict]]:
    """A scheduled flow's run: its instant, its local day, and ``task`` run in batches on the
    inspections it covers (only those whose policy makes that day ``due``, when given)."""
    at = resolve_at(as_of)
    day = local_day(at)
    ids = list_inspections(at, inspection_id)
    if due is not None:
        ids = [i for i, policy in policies_of(ids).items() if due(policy, day)]
    return at, day, in_batches(ids, task, kind, at)


def without_office(runs: list[dict]) -> dict:
    """``{"without_office": {inspection: why}}`` for the inspections of ``runs`` that have no
    inspection office to decide (an earlier-format file); nothing when all have one."""
    found = {r["inspection"]: r["without_office"] for r in runs if "without_office" in r}
    return {"without_office": found} if found else {}


_tagging: ContextVar[bool] = ContextVar("rectify_tag_runs", default=True)


@contextmanager
def runs_untagged() -> Iterator[None]:
    """In this block a flow run on one unit is not tagged with its kind and unit: for a
    replay on its own temporary server, which has no UI to filter runs in (one request
    less per run)."""
    token = _tagging.set(False)
    try:
        yield
    finally:
        _tagging.reset(token)


def _tag_this_run(*labels: str) -> None:
    """Add tags to the running flow run, so the UI can filter one unit's runs."""
    if flow_run.id is None or not _tagging.get():
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, tags=sorted(set(flow_run.tags) | set(labels)))
