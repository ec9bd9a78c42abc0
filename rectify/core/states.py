"""The states a problem can be in (问题整改状态) and their labels; shared by the tables, the
rules and the reports."""

from __future__ import annotations

from enum import StrEnum


class ProblemState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    LONG_TERM = "long_term"
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # 申请销号, awaiting the office's decision
    CLOSED = "closed"
    REOPENED = "reopened"


STATE_LABELS = {
    ProblemState.NOT_STARTED: "未启动",
    ProblemState.IN_PROGRESS: "推进中",
    ProblemState.LONG_TERM: "需长期整改",
    ProblemState.AWAITING_CONFIRMATION: "待销号审核",
    ProblemState.CLOSED: "已销号",
    ProblemState.REOPENED: "回头看重新整改",
}

OPEN_STATES = frozenset({ProblemState.NOT_STARTED, ProblemState.IN_PROGRESS, ProblemState.REOPENED})
