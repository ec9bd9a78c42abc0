"""The audit log (审计日志): the hash-chained record of every action, done or refused, and the
one guard every audited action runs through. The log as a person may read it is
``rectify.audit.listing``, imported by its own path: it asks the clue register who may read
clue events, and the clue register itself records through this package."""

from rectify.audit.guard import Attempt, Outcome, accepted, audited, refuse, refused
from rectify.audit.log import record, verify

__all__ = ["Attempt", "Outcome", "accepted", "audited", "record", "refuse", "refused", "verify"]
