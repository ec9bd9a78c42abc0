"""Who may do what (rectify/problems/rules/permissions.py): plan approval, long-term
declarations and extensions by the leader (组长); sign-off (销号) and the 回头看 review by a
reviewer (审核人) who is not the responsible person (责任人) of any of the problem's measures;
progress by the people the problem names or by the office (整改办), deputies (副组长) and the
leader; nothing by a person not on the inspection's list."""

import datetime as dt

import pytest

from rectify.core.errors import Refusal
from rectify.core.states import ProblemState
from rectify.problems.rules.permissions import ROLES, check_actor
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView
from tests.tables import Refused, cases

LEADER = PersonView("secretary", "局党组书记", frozenset({"leader"}))
DEPUTY = PersonView("deputy", "副局长", frozenset({"deputy"}))
REVIEWER = PersonView("office_head", "办公室主任", frozenset({"office", "reviewer"}))
OTHER_REVIEWER = PersonView("discipline", "纪检组长", frozenset({"reviewer"}))
CLERK = PersonView("clerk", "科员", frozenset())
OUTSIDER = PersonView("outsider", "无关人员", frozenset())
# named on the problem as responsible leader (责任领导) only, with the reviewer's role
LEADING_REVIEWER = PersonView("deputy_reviewer", "副局长兼审核人", frozenset({"reviewer"}))

# lead leader secretary, responsible leader deputy; responsible people office_head and clerk
PROBLEM = ProblemView(
    ref="1",
    title="学习贯彻不深不透",
    state=ProblemState.IN_PROGRESS,
    measures=(
        MeasureView(
            0, "措施", "secretary", "deputy", "office", "office_head", dt.date(2024, 10, 31)
        ),
        MeasureView(1, "措施二", "secretary", "deputy", "office", "clerk", dt.date(2024, 11, 30)),
        MeasureView(
            2, "措施三", "secretary", "deputy_reviewer", "office", "clerk", dt.date(2024, 12, 31)
        ),
    ),
)

OK = None
NOT_PERMITTED = Refused("not_permitted")
OWN_MEASURE = Refused("own_measure", "不能审核自己的整改")
ACTIONS = ("approve_plan", "long_term", "extend", "sign_off", "review", "progress")

# (case, action, actor, expected: OK or the refusal) — the people on the problem
NAMED = [
    ("approve_plan-leader", "approve_plan", LEADER, OK),
    ("approve_plan-deputy", "approve_plan", DEPUTY, Refused("not_permitted", "不是组长")),
    ("approve_plan-office_reviewer", "approve_plan", REVIEWER, NOT_PERMITTED),
    ("long_term-leader", "long_term", LEADER, OK),
    ("long_term-deputy", "long_term", DEPUTY, Refused("not_permitted", "不是组长")),
    ("extend-leader", "extend", LEADER, OK),
    ("extend-office_reviewer", "extend", REVIEWER, NOT_PERMITTED),
    ("sign_off-independent_reviewer", "sign_off", OTHER_REVIEWER, OK),
    ("sign_off-reviewer_responsible_person", "sign_off", REVIEWER, OWN_MEASURE),
    ("sign_off-leader", "sign_off", LEADER, Refused("not_permitted", "不是审核人")),
    ("sign_off-reviewer_responsible_leader_only", "sign_off", LEADING_REVIEWER, OK),
    ("review-independent_reviewer", "review", OTHER_REVIEWER, OK),
    ("review-reviewer_responsible_person", "review", REVIEWER, OWN_MEASURE),
    ("review-clerk", "review", CLERK, NOT_PERMITTED),
    ("review-reviewer_responsible_leader_only", "review", LEADING_REVIEWER, OK),
    ("progress-clerk_responsible_person", "progress", CLERK, OK),
    ("progress-deputy", "progress", DEPUTY, OK),
    ("progress-office_reviewer", "progress", REVIEWER, OK),
    ("progress-leader", "progress", LEADER, OK),
    ("progress-reviewer_responsible_leader", "progress", LEADING_REVIEWER, OK),
    ("progress-independent_reviewer", "progress", OTHER_REVIEWER, NOT_PERMITTED),
    (
        "progress-outsider",
        "progress",
        OUTSIDER,
        Refused("not_permitted", "不是问题1的责任人或领导,无权报送进展"),
    ),
    *(
        (f"{action}-clerk", action, CLERK, NOT_PERMITTED)
        for action in ("approve_plan", "long_term", "extend", "sign_off")
    ),
    *(
        (f"{action}-outsider", action, OUTSIDER, NOT_PERMITTED)
        for action in ACTIONS
        if action != "progress"
    ),
    # a person not on the inspection's list is refused before anything else
    *(
        (
            f"{action}-unknown_person",
            action,
            None,
            Refused("unknown_person", "操作人不在本次巡察的人员名单中"),
        )
        for action in ACTIONS
    ),
]

# What one role alone allows, for a person the problem does not name.
ALLOWED_BY_ROLE = {
    "leader": {"approve_plan", "long_term", "extend", "progress"},
    "deputy": {"progress"},
    "office": {"progress"},
    "reviewer": {"sign_off", "review"},
    None: set(),
}
# (case, action, role, expected) — every role against every action
BY_ROLE = [
    (
        f"{action}-" + (f"only_{role}" if role else "no_role"),
        action,
        role,
        OK if action in ALLOWED_BY_ROLE[role] else NOT_PERMITTED,
    )
    for role in ALLOWED_BY_ROLE
    for action in ACTIONS
]


def check(action, actor, expected):
    problem = None if action == "approve_plan" else PROBLEM
    if expected is OK:
        check_actor(action, actor, problem)
        return
    with pytest.raises(Refusal) as info:
        check_actor(action, actor, problem)
    assert info.value.code == expected.code
    assert expected.says in info.value.message


@pytest.mark.parametrize(("action", "actor", "expected"), cases(NAMED))
def test_people_on_the_problem(action, actor, expected):
    check(action, actor, expected)


@pytest.mark.parametrize(("action", "role", "expected"), cases(BY_ROLE))
def test_one_role_alone(action, role, expected):
    roles = frozenset({role}) if role else frozenset()
    check(action, PersonView("stranger", "外单位人员", roles), expected)


def test_every_role_is_in_the_table():
    assert set(ALLOWED_BY_ROLE) - {None} == set(ROLES)
