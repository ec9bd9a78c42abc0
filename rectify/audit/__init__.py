"""The audit log (审计日志): the hash-chained record of every action, done or refused, and the
one guard every audited action runs through. The log as a person may read it, with clue
events redacted, is ``rectify.reports.audit_trail`` (it asks the clue register who may read)."""

from rectify.audit.guard import Attempt, Outcome, accepted, audited, refuse, refused
from rectify.audit.log import record, verify

__all__ = ["Attempt", "Outcome", "accepted", "audited", "record", "refuse", "refused", "verify"]
