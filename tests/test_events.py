"""Lifecycle events (rectify.events): what an office's automation sees of each fact — the
inspection as the resource, the unit, office and problem related, by name; a clue by its
digest only; the same id when a fact is emitted again — and which shipped event-triggered
deployment runs on it, for which inspection."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from deployments import DEPLOYMENTS, TRIGGERED
from rectify.events import Fact, Place, action_fact, event_id, opaque_clue, resources, virtual_clock

PLACE = Place("binhai-2024", "滨海县水务局", "qwxcb", "区委巡察办")
DIGEST = "3f9a" * 8
RETURNED = action_fact(
    "return_sign_off",
    {"problem": "2", "reason": "佐证不足"},
    PLACE,
    "台账",
    "2024-09-02T01:00:00+00:00",
)
REOPENED = action_fact(
    "review", {"problem": "3", "outcome": "relapsed"}, PLACE, "问题三", "2024-12-02T01:00:00+00:00"
)
CLOSED = action_fact("sign_off", {"problem": "1"}, PLACE, "问题一", "2024-10-08T01:00:00+00:00")
OVERDUE = Fact(
    "rectify.problem.overdue", PLACE, "2024-09-30", "1", "问题一", payload={"due": "2024-09-30"}
)
CLUE = Fact(
    "rectify.clue.overdue", PLACE, "handling|2024-10-01", clue=opaque_clue(f"clue:{DIGEST}")
)

# (fact, the deployment it runs — None: none — and the related names an automation shows)
CASES = [
    (
        RETURNED,
        "return-notice",
        {"unit": "滨海县水务局", "office": "区委巡察办", "problem": "问题2 台账"},
    ),
    (
        REOPENED,
        "relapse-watch",
        {"unit": "滨海县水务局", "office": "区委巡察办", "problem": "问题3 问题三"},
    ),
    (CLOSED, None, {"unit": "滨海县水务局", "office": "区委巡察办", "problem": "问题1 问题一"}),
    (OVERDUE, None, {"unit": "滨海县水务局", "office": "区委巡察办", "problem": "问题1 问题一"}),
    (CLUE, None, {"unit": "滨海县水务局", "office": "区委巡察办", "clue": "问题线索"}),
]


def received(fact: Fact):
    from prefect.server.events.schemas.events import ReceivedEvent

    resource, related = resources(fact)
    return ReceivedEvent(
        event=fact.event,
        resource=resource,
        related=related,
        payload=fact.payload,
        id=event_id(fact),
        occurred=dt.datetime.now(dt.UTC),
    )


def fired(event) -> list[tuple[str, dict]]:
    """The triggered deployments that run on ``event``, with the parameters they get."""
    from prefect.server.events.schemas.automations import EventTrigger
    from prefect.server.utilities.user_templates import render_user_template_sync

    out = []
    for spec in TRIGGERED:
        for trigger in spec.deployment_triggers():
            trigger.set_deployment_id(uuid.uuid4())
            automation = trigger.as_automation()  # what the server stores for it
            server = EventTrigger.model_validate(automation.trigger.model_dump())
            if server.covers(event):
                params = {
                    k: render_user_template_sync(v, {"event": event})
                    for k, v in trigger.parameters.items()
                }
                out.append((spec.name, params))
    return out


@pytest.mark.parametrize(
    ("fact", "deployment", "names"), CASES, ids=lambda c: getattr(c, "event", None)
)
def test_each_fact_names_its_place_and_runs_its_deployment(fact, deployment, names):
    event = received(fact)
    assert event.resource.id == "rectify.inspection.binhai-2024"
    assert {r.role: r.name for r in event.related} == names
    expected = [(deployment, {"inspection_id": "binhai-2024"})] if deployment else []
    assert fired(event) == expected
    with virtual_clock():  # a replay's facts fill the event feed and run nothing
        assert fired(received(fact)) == []


def test_a_fact_emitted_again_has_the_same_id_and_another_fact_another():
    again = action_fact(
        "return_sign_off", {"problem": "2"}, PLACE, "台账", "2024-09-02T01:00:00+00:00"
    )
    later = action_fact(
        "return_sign_off", {"problem": "2"}, PLACE, "台账", "2024-09-09T01:00:00+00:00"
    )
    assert event_id(again) == event_id(RETURNED) != event_id(later)
    ids = {event_id(f) for f, _, _ in CASES}
    assert len(ids) == len(CASES)


def test_a_clue_event_carries_no_clue_number_or_text():
    number = "XS-2024-007"
    for subject in (f"clue:{DIGEST}", f"clue:{DIGEST}:transfer", f"clue:{number}"):
        clue = opaque_clue(subject)
        resource, related = resources(Fact("rectify.clue.overdue", PLACE, "k", clue=clue))
        assert number not in repr((resource, related))
    assert opaque_clue(f"clue:{DIGEST}:transfer") == DIGEST


def test_actions_that_state_no_fact_emit_none():
    for kind, details in [
        ("progress", {"problem": "1"}),
        ("review", {"problem": "1", "outcome": "sustained"}),
        ("extend", {"problem": "1"}),
    ]:
        assert action_fact(kind, details, PLACE, "", "2024-09-02") is None


def test_the_triggered_deployments_are_served_with_their_triggers():
    names = {d.name for d in DEPLOYMENTS}
    assert {"return-notice", "relapse-watch"} <= names
    for spec in TRIGGERED:
        assert spec.cron is None and spec.deployment_triggers()


def test_the_documented_automation_is_valid_and_tells_the_overdue_unit_and_problem():
    import json
    import re

    from prefect.events.schemas.automations import AutomationCore
    from prefect.server.events.schemas.automations import EventTrigger
    from prefect.server.utilities.user_templates import render_user_template_sync

    from tests.conftest import ROOT

    text = (ROOT / "docs" / "production.md").read_text(encoding="utf-8")
    raw = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    raw = raw.replace("<the webhook block's id>", str(uuid.uuid4()))
    automation = AutomationCore.model_validate(json.loads(raw))
    trigger = EventTrigger.model_validate(automation.trigger.model_dump())
    assert trigger.covers(received(OVERDUE))
    assert not trigger.covers(received(RETURNED))
    body = render_user_template_sync(automation.actions[0].body, {"event": received(OVERDUE)})
    assert body == "滨海县水务局 问题1 已超期（整改时限 2024-09-30）"


def _ctx():
    from types import SimpleNamespace

    problems = [
        SimpleNamespace(ref="1", title="学习贯彻不深入"),
        SimpleNamespace(ref="2-1", title="台账"),
    ]
    return SimpleNamespace(
        inspection=SimpleNamespace(id="binhai-2024", office_id="qwxcb"),
        unit="滨海县水务局",
        snap=SimpleNamespace(problems=problems),
        today=dt.date(2024, 11, 5),
    )


def _mark(subject, due, level="red"):
    from rectify.notices.planning import Mark
    from rectify.problems.rules.escalation import Level

    return Mark(subject, due, Level(level))


D1, D2 = dt.date(2024, 10, 31), dt.date(2024, 11, 4)
# (today's new marks, the facts: (event, problem, payload))
OVERDUE_CASES = [
    (
        [_mark("plan", D1)],
        [("rectify.plan.overdue", None, {"due": "2024-10-31", "on": "2024-11-05"})],
    ),
    (
        [_mark("rectification_report", D2), _mark("m:1:1", D1, "yellow")],
        [("rectify.report.overdue", None, {"due": "2024-11-04", "on": "2024-11-05"})],
    ),
    (
        [_mark("m:2-1:1", D2), _mark("m:2-1:3", D1), _mark("cp:1", D1), _mark("report", D1)],
        [
            (
                "rectify.problem.overdue",
                "2-1",
                {"due": "2024-10-31", "on": "2024-11-05", "measures": ["1", "3"]},
            )
        ],
    ),
    ([_mark("m:1:2", D1, "green")], []),
]


@pytest.mark.parametrize(("marks", "expected"), OVERDUE_CASES)
def test_the_deadline_watch_states_each_new_overdue_once(marks, expected):
    from tasks.events import overdue_facts

    facts = overdue_facts(_ctx(), marks)
    assert [(f.event, f.problem, f.payload) for f in facts] == expected


def test_a_clue_overdue_is_told_by_its_digest_and_deadline_only():
    from tasks.events import clue_facts

    marks = [
        _mark(f"clue:{DIGEST}", D1),
        _mark(f"clue:{DIGEST}:transfer", D2),
        _mark(f"clue:{DIGEST}", D1, "yellow"),
    ]
    facts = clue_facts(_ctx(), marks)
    assert [(f.clue, f.payload["deadline"]) for f in facts] == [
        (DIGEST, "handling"),
        (DIGEST, "transfer"),
    ]
    assert len({event_id(f) for f in facts}) == 2
