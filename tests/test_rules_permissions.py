import datetime as dt

import pytest

from rectify.core.errors import Refusal
from rectify.core.states import ProblemState
from rectify.problems.rules.permissions import check_actor
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView

LEADER = PersonView("secretary", "局党组书记", frozenset({"leader"}))
DEPUTY = PersonView("deputy", "副局长", frozenset({"deputy"}))
REVIEWER = PersonView("office_head", "办公室主任", frozenset({"office", "reviewer"}))
OTHER_REVIEWER = PersonView("discipline", "纪检组长", frozenset({"reviewer"}))
CLERK = PersonView("clerk", "科员", frozenset())
OUTSIDER = PersonView("outsider", "无关人员", frozenset())

PROBLEM = ProblemView(
    ref="1",
    title="学习贯彻不深不透",
    state=ProblemState.IN_PROGRESS,
    measures=(
        MeasureView(
            0, "措施", "secretary", "deputy", "office", "office_head", dt.date(2024, 10, 31)
        ),
        MeasureView(1, "措施二", "secretary", "deputy", "office", "clerk", dt.date(2024, 11, 30)),
    ),
)

CASES = [
    ("approve_plan", LEADER, None),
    ("approve_plan", DEPUTY, "not_permitted"),
    ("approve_plan", REVIEWER, "not_permitted"),
    ("long_term", LEADER, None),
    ("long_term", DEPUTY, "not_permitted"),
    ("extend", LEADER, None),
    ("extend", REVIEWER, "not_permitted"),
    ("sign_off", OTHER_REVIEWER, None),
    ("sign_off", REVIEWER, "own_measure"),  # responsible person of measure 1
    ("sign_off", LEADER, "not_permitted"),
    ("review", OTHER_REVIEWER, None),
    ("review", REVIEWER, "own_measure"),
    ("review", CLERK, "not_permitted"),
    ("progress", CLERK, None),  # named on a measure
    ("progress", DEPUTY, None),
    ("progress", REVIEWER, None),
    ("progress", OUTSIDER, "not_permitted"),
    ("sign_off", None, "unknown_person"),
]


@pytest.mark.parametrize(("action", "actor", "code"), CASES)
def test_who_may_do_what(action, actor, code):
    problem = None if action == "approve_plan" else PROBLEM
    if code is None:
        check_actor(action, actor, problem)
        return
    with pytest.raises(Refusal) as info:
        check_actor(action, actor, problem)
    assert info.value.code == code
