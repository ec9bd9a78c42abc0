"""Notices: rendering, the outbox and the one sender."""
