"""A mail's Message-ID derived from its outbox row's dedupe key: a repeat after a crash (a
row sent, the sender killed before recording it, sent again) carries the same Message-ID as
the first delivery, so mail systems and mail clients recognise it as the same message.

Apprise's email plugin sets a random Message-ID of its own after the headers given in the
URL (``+Message-ID=…``); ``install`` wraps its message preparation once so that the header
given in the URL replaces the random one instead of standing next to it."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from apprise.plugins.email.base import NotifyEmail

MAIL_SCHEMES = ("mailto://", "mailtos://")
_HEADER = re.compile(r"^Message-ID: .*$", re.MULTILINE)


def message_id(key: str, domain: str = "rectify.local") -> str:
    """The Message-ID of the mail sent for the outbox row with dedupe ``key``."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def with_message_id(url: str, key: str) -> str:
    """A mailto URL with the row's Message-ID as a header argument; other URLs unchanged."""
    if not url.startswith(MAIL_SCHEMES):
        return url
    return url + ("&" if "?" in url else "?") + f"+Message-ID={quote(message_id(key), safe='')}"


def install() -> None:
    """Make a ``Message-ID`` header given in the URL replace Apprise's random one."""
    if getattr(NotifyEmail.prepare_emails, "rectify_message_id", False):
        return
    original = NotifyEmail.prepare_emails

    def prepare_emails(*args, headers: dict | None = None, **kwargs):
        headers = dict(headers or {})
        wanted = headers.pop("Message-ID", None)
        for message in original(*args, headers=headers, **kwargs):
            if wanted:
                head, sep, rest = message.body.partition("\n\n")
                message.body = _HEADER.sub(f"Message-ID: {wanted}", head, count=1) + sep + rest
            yield message

    prepare_emails.rectify_message_id = True
    NotifyEmail.prepare_emails = staticmethod(prepare_emails)
