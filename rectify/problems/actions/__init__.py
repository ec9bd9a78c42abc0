"""Actions people take on an inspection and its problems (kinds), applied by the same
functions for the command line and the simulation's scripted events (apply, steps)."""

from rectify.problems.actions.apply import apply_action, perform, report_due
from rectify.problems.actions.kinds import (
    ACCOUNTABILITY_KINDS,
    ACTIONS,
    MEETING_KINDS,
    Action,
    AnyAction,
    ApplySignOff,
    ApprovePlan,
    Complete,
    Extend,
    LongTerm,
    Progress,
    RecordAccountability,
    RecordInstitution,
    RecordMeeting,
    ReturnSignOff,
    ReviewAction,
    SignOffAction,
    StageReportAction,
    SubmitReport,
    action_attempt,
)
from rectify.problems.actions.steps import HISTORY

__all__ = [
    "ACCOUNTABILITY_KINDS",
    "ACTIONS",
    "HISTORY",
    "MEETING_KINDS",
    "Action",
    "AnyAction",
    "ApplySignOff",
    "ApprovePlan",
    "Complete",
    "Extend",
    "LongTerm",
    "Progress",
    "RecordAccountability",
    "RecordInstitution",
    "RecordMeeting",
    "ReturnSignOff",
    "ReviewAction",
    "SignOffAction",
    "StageReportAction",
    "SubmitReport",
    "action_attempt",
    "apply_action",
    "perform",
    "report_due",
]
