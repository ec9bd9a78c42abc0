"""Every example file loads and validates in the two-sided format: the feedback files import
(with their office, without a warning of the earlier one-sided format), the clue file
imports as the office's clue keeper, and every scenario loads. No flow runs here."""

import pytest

from rectify.clues.service import import_clues
from rectify.feedback.service import import_file
from rectify.feedback.validate import load_feedback
from rectify.runtime.simulation import load_scenario
from tests.conftest import EXAMPLES

# (feedback file, inspection id, office id, office supervisors, clue keeper)
FEEDBACK_FILES = [
    ("binhai-minimal.yaml", "binhai-2024-r8", "binhai-xcb", {"xcb_li", "xcb_wang"}, "xcb_wang"),
    ("binhai-2024.yaml", "binhai-2024-r8", "binhai-xcb", {"xcb_li", "xcb_zhang"}, "xcb_wang"),
    ("wulong-2023.yaml", "wulong-2023-r3", "wulong-xcb", {"xcb_chen", "xcb_liu"}, "xcb_he"),
]

# (scenario, feedback file it names, events)
SCENARIOS = [
    ("binhai-scenario.yaml", "binhai-2024.yaml", 130),
    ("wulong-scenario.yaml", "wulong-2023.yaml", 112),
]


def test_every_example_file_is_covered():
    named = {f for f, *_ in FEEDBACK_FILES} | {s for s, *_ in SCENARIOS} | {"binhai-clues.yaml"}
    assert {p.name for p in EXAMPLES.glob("*.yaml")} == named


@pytest.mark.parametrize(("name", "inspection", "office", "supervisors", "keeper"), FEEDBACK_FILES)
def test_feedback_file_imports_in_the_two_sided_format(
    db, name, inspection, office, supervisors, keeper
):
    feedback, _ = load_feedback(EXAMPLES / name)
    assert feedback.legacy_warnings() == []
    assert feedback.inspection.id == inspection and feedback.office.id == office
    staff = {s.id: set(s.roles) for s in feedback.office.staff}
    assert {k for k, roles in staff.items() if "supervisor" in roles} == supervisors
    assert "clues" in staff[keeper]
    unit = {p.id: set(p.roles) for p in feedback.people}
    assert not staff.keys() & unit.keys()
    assert any("leader" in roles for roles in unit.values())
    assert any("unit_office" in roles for roles in unit.values())
    outcome = import_file(EXAMPLES / name)
    assert outcome.done, outcome.errors
    clues = import_clues(EXAMPLES / "binhai-clues.yaml", actor=keeper)
    assert clues.done == (inspection == "binhai-2024-r8"), clues


@pytest.mark.parametrize(("name", "feedback", "events"), SCENARIOS)
def test_scenario_loads(name, feedback, events):
    scenario = load_scenario(EXAMPLES / name)
    assert scenario.feedback_path == (EXAMPLES / feedback).resolve()
    assert len(scenario.events) == events
    kinds = {e.kind for e in scenario.events}
    assert {"approve_plan", "apply_sign_off", "sign_off", "submit_report"} <= kinds
