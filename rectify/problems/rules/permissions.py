"""Who may do what (feedback-format.md, "Who may do what"), for problems and the plan.

Two sides, never mixed: the inspected unit rectifies — its leader (组长) approves the plan,
submits the rectification report (整改报告) and declares a problem long-term while it is not
overdue; the measure's responsible person or responsible leader, or the unit's office (整改办),
records progress, completes the measure (措施完成) and reports a long-term stage (阶段报告); the problem's lead or responsible leader, the leader or the unit's office
applies for sign-off (申请销号). The inspection office (巡察办) checks — an office supervisor
confirms (销号) or returns a sign-off, extends a deadline, designates an overdue problem
long-term and carries out the 回头看 review of a sign-off somebody else confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rectify.core.errors import Refusal
from rectify.problems.rules.counting import problem_overdue
from rectify.problems.rules.views import PersonView, ProblemView

ROLES = ("leader", "deputy", "unit_office")
"""The unit's roles (``reviewer`` of earlier files gives no right)."""
OFFICE_ROLES = ("supervisor", "clues")
"""The office's roles."""


def _unit(actor: PersonView, role: str) -> bool:
    return not actor.is_office and role in actor.roles


def _supervisor(actor: PersonView, problem: ProblemView | None) -> bool:
    return actor.is_office and "supervisor" in actor.roles


def _leader(actor: PersonView, problem: ProblemView | None) -> bool:
    return _unit(actor, "leader")


def _reports_progress(actor: PersonView, problem: ProblemView | None) -> bool:
    if actor.is_office:
        return False
    named = problem is not None and any(
        actor.key in (m.responsible_person, m.responsible_leader) for m in problem.measures
    )
    return named or _unit(actor, "unit_office")


def _applies(actor: PersonView, problem: ProblemView | None) -> bool:
    if actor.is_office:
        return False
    named = problem is not None and any(
        actor.key in (m.lead_leader, m.responsible_leader) for m in problem.measures
    )
    return named or _unit(actor, "leader") or _unit(actor, "unit_office")


def _leader_or_unit_office(actor: PersonView, problem: ProblemView | None) -> bool:
    # what the rectification came to (meetings, 建章立制, 问责) is the unit's record
    return _unit(actor, "leader") or _unit(actor, "unit_office")


@dataclass(frozen=True)
class Rule:
    """Who may take an action, as a test of the actor, and in words (the refusal's reason)."""

    allows: Callable[[PersonView, ProblemView | None], bool]
    who: str


RULES: dict[str, Rule] = {
    "approve_plan": Rule(_leader, "整改方案由被巡察单位的组长提请党组会议审议"),
    "submit_report": Rule(_leader, "整改报告由被巡察单位的组长报送巡察办"),
    "meeting": Rule(_leader_or_unit_office, "整改会议由被巡察单位的组长或整改办录入"),
    "institution": Rule(_leader_or_unit_office, "建章立制情况由被巡察单位的组长或整改办录入"),
    "accountability": Rule(_leader_or_unit_office, "问责情况由被巡察单位的组长或整改办录入"),
    "progress": Rule(_reports_progress, "进展由该问题措施的责任人、责任领导或整改办报送"),
    # the problem view of a completion holds only the measure completed
    "complete": Rule(_reports_progress, "措施完成由该措施的责任人、责任领导或整改办报送"),
    "stage_report": Rule(_reports_progress, "阶段报告由该问题措施的责任人、责任领导或整改办报送"),
    "apply_sign_off": Rule(_applies, "销号申请由该问题的牵头领导、责任领导、组长或整改办提出"),
    "sign_off": Rule(_supervisor, "销号由巡察办督查人员审核确认"),
    "return_sign_off": Rule(_supervisor, "退回销号申请由巡察办督查人员决定"),
    "extend": Rule(_supervisor, "延期由巡察办督查人员审批"),
    "review": Rule(_supervisor, "回头看由巡察办督查人员开展"),
    "long_term": Rule(_leader, "问题未逾期时，长期整改由被巡察单位的组长申报"),
}
OVERDUE_LONG_TERM = Rule(_supervisor, "问题已逾期，长期整改只能由巡察办督查人员认定")


def rule_for(action: str, problem: ProblemView | None, on: dt.date | None) -> Rule:
    """The rule ``action`` on ``problem`` follows on ``on``: long-term declarations change
    hands once the problem is overdue."""
    if action == "long_term" and problem is not None and on is not None:
        if problem_overdue(problem, on):
            return OVERDUE_LONG_TERM
    return RULES[action]


def check_actor(
    action: str,
    actor: PersonView | None,
    problem: ProblemView | None = None,
    *,
    on: dt.date | None = None,
    confirmed_by: str | None = None,
) -> None:
    """Raise a ``Refusal`` unless ``actor`` may perform ``action`` on ``problem`` on ``on``;
    ``confirmed_by``: for a review, who confirmed the sign-off it looks back on."""
    if actor is None:
        raise Refusal("unknown_person", "操作人不在本次巡察的人员名单中")
    rule = rule_for(action, problem, on)
    if not rule.allows(actor, problem):
        raise Refusal("not_permitted", f"{actor.name}（{actor.key}）无权执行此操作：{rule.who}")
    if action == "review" and problem is not None and actor.key == confirmed_by:
        raise Refusal(
            "own_sign_off",
            f"{actor.name}（{actor.key}）确认了问题{problem.ref}的销号，"
            "回头看须由另一名巡察办督查人员开展",
        )
