"""Lifecycle events on the Prefect test server: the deadline watch passing due dates leaves
them in the event feed (read back with the client's events API), once however often it runs,
and a returned sign-off runs the shipped ``return-notice`` deployment through the server's own
automation service (the trigger, not a copy of it)."""

from __future__ import annotations

import time

import pendulum
import pytest

from flows.deadline_watch import deadline_watch
from rectify.feedback.service import import_file
from rectify.problems import service
from rectify.problems.actions import ApplySignOff, ApprovePlan, ReturnSignOff
from tests.conftest import SPEC_EXAMPLE

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]
IID = "binhai-2024-r8"


def local(*args):
    return pendulum.datetime(*args, tz="Asia/Shanghai")


def feed(names: set[str], inspection: str = IID, timeout: float = 20) -> list:
    """The rectify events of ``inspection`` in the server's feed, once every name in
    ``names`` is there."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all()
    deadline = time.monotonic() + timeout
    while True:
        with get_client(sync_client=True) as client:
            page = client.read_events(
                filter=EventFilter(event=EventNameFilter(prefix=["rectify."])), limit=50
            )
        events = [e for e in page.events if e.resource.get("rectify.inspection") == inspection]
        if names <= {e.event for e in events} or time.monotonic() > deadline:
            return events
        time.sleep(0.5)


def test_the_deadline_watch_puts_each_overdue_in_the_feed_once(db, tmp_path, monkeypatch):
    # An inspection id of its own: an event's id is the same whenever the same fact is
    # emitted again, and the server keeps the first. Earlier tests of the session replay the
    # same Binhai inspection into the same server (tests/test_simulate.py): under its id
    # this test's events would be theirs, already in the feed, not this watch's.
    iid = f"{IID}-feed"
    path = tmp_path / SPEC_EXAMPLE.name
    path.write_text(
        SPEC_EXAMPLE.read_text(encoding="utf-8").replace(f"id: {IID} ", f"id: {iid} ", 1),
        encoding="utf-8",
    )
    assert import_file(path).done
    deadline_watch(as_of=local(2024, 11, 5, 9), inspection_id=iid, capture=True)
    expected = {"rectify.plan.overdue", "rectify.report.overdue", "rectify.problem.overdue"}
    events = feed(expected, iid)
    assert {e.event for e in events} >= expected
    overdue = next(e for e in events if e.event == "rectify.problem.overdue")
    assert overdue.resource.id == f"rectify.inspection.{iid}"
    assert {r.role: r.name for r in overdue.related}["unit"] == "滨海新区生态环境局党组"
    assert overdue.payload["due"] == "2024-10-31"
    count = len(events)
    import tasks.events

    emitted: list = []  # what the next watch emits (the server would drop a repeated id)
    monkeypatch.setattr(tasks.events, "emit", lambda facts: emitted.extend(facts) or [])
    deadline_watch(as_of=local(2024, 11, 6, 9), inspection_id=iid, capture=True)
    assert emitted == []  # nothing new overdue: nothing emitted again
    time.sleep(3)
    assert len(feed(expected, iid)) == count


def test_a_returned_sign_off_runs_the_return_notice_deployment(db):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    from deployments import by_name

    spec = by_name("return-notice")
    deployment_id = (
        spec.load_flow().to_deployment(name=spec.name, triggers=spec.deployment_triggers()).apply()
    )
    assert import_file(SPEC_EXAMPLE).done
    at = local(2024, 7, 10, 10)
    assert service.act(IID, ApprovePlan(by="secretary", meeting="党组会议"), at).done
    assert service.act(
        IID, ApplySignOff(by="secretary", problem="1", evidence=["纪要.pdf"]), at
    ).done
    returned = ReturnSignOff(by="xcb_li", problem="1", reason="佐证材料不足")
    assert service.act(IID, returned, local(2024, 7, 11, 10)).done
    deadline = time.monotonic() + 60
    runs = []
    while not runs and time.monotonic() < deadline:
        time.sleep(1)
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
            )
    assert runs, "the automation did not run the deployment"
    assert runs[0].parameters == {"inspection_id": IID}
