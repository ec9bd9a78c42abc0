"""Who may do what (rectify/problems/rules/permissions.py), the table of feedback-format.md
for problems, every person of both sides against every action:

- the unit's leader (组长) approves the plan, submits the rectification report (整改报告) and
  declares a problem long-term while it is not overdue;
- a measure's responsible person (责任人) or responsible leader (责任领导), or the unit's
  office (整改办), records progress;
- the problem's lead leader (牵头领导) or responsible leader, the leader or the unit's office
  applies for sign-off (申请销号);
- an office supervisor (巡察办督查人员) confirms (销号) or returns a sign-off, extends a
  deadline, designates an overdue problem long-term and carries out the 回头看 review of a
  sign-off somebody else confirmed;
- nobody of the other side, nobody by a role of the other side, nobody not on the list.
"""

import datetime as dt

import pytest

from rectify.core.errors import Refusal
from rectify.core.states import ProblemState
from rectify.problems.rules.permissions import OFFICE_ROLES, ROLES, check_actor
from rectify.problems.rules.views import MeasureView, PersonView, ProblemView
from tests.tables import Refused, cases


def unit(key, *roles):
    return PersonView(key, f"单位{key}", frozenset(roles))


def office(key, *roles):
    return PersonView(key, f"巡察办{key}", frozenset(roles), side="office")


PEOPLE = {
    "leader": unit("secretary", "leader"),
    "deputy_lead_leader": unit("deputy_a", "deputy"),  # named as the lead leader only
    "deputy_responsible_leader": unit("deputy_b", "deputy"),  # named as responsible leader
    "deputy_not_named": unit("deputy_c", "deputy"),
    "unit_office": unit("zgb", "unit_office"),
    "responsible_person": unit("zerenren"),
    "clerk_not_named": unit("clerk"),
    "old_reviewer": unit("shenheren", "reviewer"),  # a role of earlier files: no right
    "supervisor": office("xcb_li", "supervisor"),
    "clues_keeper": office("xcb_zhao", "clues"),
    # a role of the other side gives nothing
    "office_person_with_unit_roles": office("xcb_odd", "leader", "unit_office"),
    "unit_person_with_office_roles": unit("odd", "supervisor", "clues"),
}

DUE = dt.date(2024, 10, 31)
ON_TIME, OVERDUE = dt.date(2024, 10, 15), dt.date(2024, 11, 15)
PROBLEM = ProblemView(
    ref="1",
    title="学习贯彻不深不透",
    state=ProblemState.IN_PROGRESS,
    measures=(
        MeasureView(0, "措施", "deputy_a", "deputy_b", "office", "zerenren", DUE),
        MeasureView(1, "长期措施", "deputy_a", "deputy_b", "office", "zerenren", None),
    ),
)

# (action, the day it is taken) → who may take it; everybody else is refused
ALLOWED = {
    ("approve_plan", ON_TIME): {"leader"},
    ("submit_report", ON_TIME): {"leader"},
    ("progress", ON_TIME): {"deputy_responsible_leader", "responsible_person", "unit_office"},
    ("apply_sign_off", ON_TIME): {
        "deputy_lead_leader",
        "deputy_responsible_leader",
        "leader",
        "unit_office",
    },
    ("sign_off", ON_TIME): {"supervisor"},
    ("return_sign_off", ON_TIME): {"supervisor"},
    ("extend", ON_TIME): {"supervisor"},
    ("extend", OVERDUE): {"supervisor"},
    ("review", ON_TIME): {"supervisor"},
    ("long_term", ON_TIME): {"leader"},
    ("long_term", OVERDUE): {"supervisor"},
}
# what the refusal says: the rule, in words
RULE = {
    "approve_plan": "整改方案由被巡察单位的组长提请党组会议审议",
    "submit_report": "整改报告由被巡察单位的组长报送巡察办",
    "progress": "进展由该问题措施的责任人、责任领导或整改办报送",
    "apply_sign_off": "销号申请由该问题的牵头领导、责任领导、组长或整改办提出",
    "sign_off": "销号由巡察办督查人员审核确认",
    "return_sign_off": "退回销号申请由巡察办督查人员决定",
    "extend": "延期由巡察办督查人员审批",
    "review": "回头看由巡察办督查人员开展",
}


def rule(action, on):
    if action == "long_term":
        if on == OVERDUE:
            return "问题已逾期，长期整改只能由巡察办督查人员认定"
        return "问题未逾期时，长期整改由被巡察单位的组长申报"
    return RULE[action]


# (case, action, day, person, expected: OK or the refusal)
OK = None
EVERYONE = [
    (
        f"{action}-{'overdue' if on == OVERDUE else 'on_time'}-{who}",
        action,
        on,
        PEOPLE[who],
        OK if who in allowed else Refused("not_permitted", rule(action, on)),
    )
    for (action, on), allowed in ALLOWED.items()
    for who in PEOPLE
]
# the rows a reader looks for first: the unit trying to do the office's part
UNIT_TRIES_THE_OFFICE_PART = [
    ("unit_leader_signs_off", "sign_off", ON_TIME, "leader", "单位secretary（secretary）无权"),
    ("unit_office_signs_off", "sign_off", ON_TIME, "unit_office", "销号由巡察办督查人员审核确认"),
    ("responsible_leader_signs_off", "sign_off", ON_TIME, "deputy_responsible_leader", "销号"),
    ("unit_leader_extends", "extend", ON_TIME, "leader", "延期由巡察办督查人员审批"),
    ("unit_office_extends", "extend", OVERDUE, "unit_office", "延期由巡察办督查人员审批"),
    ("responsible_leader_reviews", "review", ON_TIME, "deputy_responsible_leader", "回头看"),
    ("unit_leader_returns", "return_sign_off", ON_TIME, "leader", "退回销号申请"),
    (
        "unit_leader_designates_an_overdue_problem_long_term",
        "long_term",
        OVERDUE,
        "leader",
        "问题已逾期，长期整改只能由巡察办督查人员认定",
    ),
    ("unit_office_designates_long_term", "long_term", ON_TIME, "unit_office", "组长申报"),
    (
        "supervisor_designates_a_problem_not_overdue",
        "long_term",
        ON_TIME,
        "supervisor",
        "问题未逾期时，长期整改由被巡察单位的组长申报",
    ),
]


def check(action, on, actor, expected, confirmed_by=None):
    problem = None if action in ("approve_plan", "submit_report") else PROBLEM
    if expected is OK:
        check_actor(action, actor, problem, on=on, confirmed_by=confirmed_by)
        return
    with pytest.raises(Refusal) as info:
        check_actor(action, actor, problem, on=on, confirmed_by=confirmed_by)
    assert info.value.code == expected.code
    assert expected.says in info.value.message


@pytest.mark.parametrize(("action", "on", "actor", "expected"), cases(EVERYONE))
def test_who_may_do_what(action, on, actor, expected):
    check(action, on, actor, expected)


@pytest.mark.parametrize(("action", "on", "who", "says"), cases(UNIT_TRIES_THE_OFFICE_PART))
def test_the_unit_cannot_do_the_office_part(action, on, who, says):
    check(action, on, PEOPLE[who], Refused("not_permitted", says))


# (case, reviewer, who confirmed the sign-off, expected)
REVIEWS = [
    ("another_supervisor_reviews", "supervisor", "xcb_wang", OK),
    (
        "the_confirming_supervisor_may_not_review",
        "supervisor",
        "xcb_li",
        Refused("own_sign_off", "回头看须由另一名巡察办督查人员开展"),
    ),
    ("unknown_confirmer_reviews", "supervisor", None, OK),
    # the unit is refused for the rule first, whoever confirmed
    ("unit_leader_never", "leader", "xcb_li", Refused("not_permitted", "回头看")),
]


@pytest.mark.parametrize(("who", "confirmed_by", "expected"), cases(REVIEWS))
def test_review_by_a_supervisor_who_did_not_confirm(who, confirmed_by, expected):
    check("review", ON_TIME, PEOPLE[who], expected, confirmed_by=confirmed_by)


@pytest.mark.parametrize("action", sorted({a for a, _ in ALLOWED}))
def test_a_person_not_on_the_list_is_refused_first(action):
    check(action, ON_TIME, None, Refused("unknown_person", "操作人不在本次巡察的人员名单中"))


def test_every_role_of_both_sides_is_tried():
    tried = {role for person in PEOPLE.values() for role in person.roles}
    assert set(ROLES) | set(OFFICE_ROLES) <= tried
    assert {p.side for p in PEOPLE.values()} == {"unit", "office"}
