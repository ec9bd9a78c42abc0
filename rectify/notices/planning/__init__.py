"""Who is told what, and when (通知计划): the notices each scheduled run owes.

Every function takes plain data and a date and returns plans; nothing here sends or stores.
A plan is one digest for one person of one kind: never one message per measure. One module
per flow: ``deadlines`` (the daily deadline watch), ``dispatch`` (the half-monthly
dispatch), ``supervision`` (monthly supervision and its escalation steps), ``review``
(回头看), ``sign_off`` (applications and returns between the two sides, told in the
deadline watch), over ``common`` (NoticePlan, Item, Digests, Mark).

The ladder (提级): green (first reminder) → the responsible person (责任人); yellow (second
reminder) → also the responsible leader (责任领导); red (overdue) → also the lead leader
(牵头领导). Monthly supervision (每月督办) reaches every leader with an overview, and red
items rise a step with each cycle they stay overdue, each step telling more people (the
leader, then the inspection office for a talk, 约谈). Completed measures (措施完成) are never
reminded; long-term problems stay in every supervision until they close.

Two sides: the unit's people are told what they must do; the inspection office's supervisors
(巡察办, role ``office_supervisor``) are told what awaits their decision (an application
for sign-off, a review due) and what is overdue towards them (the plan, the 整改报告).
"""

from rectify.notices.planning.common import (
    CHECKPOINT,
    LEVEL_ORDER,
    Digests,
    Item,
    Mark,
    NoticePlan,
    higher,
    is_new_level,
    office_supervisors,
    with_role,
)
from rectify.notices.planning.deadlines import (
    WatchDay,
    checkpoint_reminder,
    deadline_watch,
    leaders_deadline,
    measure_reminder,
    period_end_reminder,
    plan_reminder,
    report_reminder,
)
from rectify.notices.planning.dispatch import (
    SheetRow,
    dispatch_notices,
    dispatch_sheet,
    dispatch_summary,
    next_due,
)
from rectify.notices.planning.review import ClosedProblem, review_assignments
from rectify.notices.planning.sign_off import (
    SignOffEvent,
    sign_off_pending,
    sign_off_returned,
)
from rectify.notices.planning.supervision import (
    SUPERVISION_STEPS,
    TALK_CYCLES,
    Overdue,
    step_label,
    supervision,
    supervision_summary,
)

__all__ = [
    "CHECKPOINT",
    "LEVEL_ORDER",
    "SignOffEvent",
    "SUPERVISION_STEPS",
    "TALK_CYCLES",
    "Overdue",
    "ClosedProblem",
    "Digests",
    "Item",
    "Mark",
    "NoticePlan",
    "SheetRow",
    "checkpoint_reminder",
    "deadline_watch",
    "dispatch_notices",
    "dispatch_sheet",
    "dispatch_summary",
    "higher",
    "is_new_level",
    "leaders_deadline",
    "office_supervisors",
    "measure_reminder",
    "next_due",
    "period_end_reminder",
    "plan_reminder",
    "report_reminder",
    "review_assignments",
    "sign_off_pending",
    "sign_off_returned",
    "step_label",
    "supervision",
    "supervision_summary",
    "WatchDay",
    "with_role",
]
