"""Who may do what.

Plan approval, long-term declarations and extensions by the leader (组长); sign-off (销号)
and the 回头看 review by a reviewer who is not the responsible person (责任人) of any of the
problem's measures; progress by the people the problem names or by the office, deputies and
the leader.
"""

from __future__ import annotations

from rectify.core.errors import Refusal
from rectify.problems.rules.views import PersonView, ProblemView

ROLES = ("leader", "deputy", "unit_office", "reviewer")
ROLE_LABELS = {"leader": "组长", "deputy": "副组长", "unit_office": "整改办", "reviewer": "审核人"}

_REQUIRED_ROLE = {
    "approve_plan": "leader",
    "long_term": "leader",
    "extend": "leader",
    "sign_off": "reviewer",
    "review": "reviewer",
}
_SEPARATED = {"sign_off", "review"}
_PROGRESS_ROLES = frozenset({"leader", "deputy", "unit_office"})


def check_actor(action: str, actor: PersonView | None, problem: ProblemView | None = None) -> None:
    """Raise a ``Refusal`` unless ``actor`` may perform ``action`` on ``problem``."""
    if actor is None:
        raise Refusal("unknown_person", "操作人不在本次巡察的人员名单中")
    role = _REQUIRED_ROLE.get(action)
    if role is not None and role not in actor.roles:
        raise Refusal(
            "not_permitted",
            f"{actor.name}({actor.key})不是{ROLE_LABELS[role]},无权执行此操作",
        )
    if action in _SEPARATED and problem is not None and actor.key in problem.responsible_people:
        raise Refusal(
            "own_measure",
            f"{actor.name}({actor.key})是问题{problem.ref}的责任人,不能审核自己的整改",
        )
    if action == "progress" and problem is not None:
        if actor.key not in problem.involved_people and not (actor.roles & _PROGRESS_ROLES):
            raise Refusal(
                "not_permitted",
                f"{actor.name}({actor.key})不是问题{problem.ref}的责任人或领导,无权报送进展",
            )
