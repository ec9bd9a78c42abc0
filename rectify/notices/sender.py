"""The one sender: delivers due outbox rows through Apprise, with retries and backoff.

A row is claimed (pending → sending) in its own committed transaction before anything is
sent, so two senders never send the same row; a sender that dies holding a row loses its
claim after ``CLAIM_LEASE`` and the row is sent again. HTTP receivers get the dedupe key in
an ``X-Rectify-Key`` header so they can drop such a repeat.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import apprise
from sqlalchemy import or_, update
from sqlmodel import select

from models import Notice, session_scope
from rectify.clock import as_utc, utc_now
from rectify.notices.secrets import MissingSecret, expand, guard_logger, redact

MAX_ATTEMPTS = 5
BACKOFF = dt.timedelta(minutes=1)  # 1, 2, 4, 8 minutes between attempts
CLAIM_LEASE = dt.timedelta(minutes=10)
# Libraries that may log a URL with its secret in it while sending.
GUARDED_LOGGERS = ("apprise", "urllib3.connectionpool", "urllib3.util.retry", "requests")
HEADER_SCHEMES = ("json://", "jsons://", "form://", "forms://", "xml://", "xmls://")


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    captured: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF * (2 ** max(attempts - 1, 0))


def deliver_due(
    now: dt.datetime | None = None,
    *,
    capture: bool = False,
    inspection_id: str | None = None,
    concurrency: int = 8,
) -> DeliveryReport:
    """Deliver every outbox row due at ``now``. With ``capture`` nothing is sent: rows are
    marked captured at their delivery instant (the simulation's mode)."""
    now = as_utc(now) if now else utc_now()
    for name in GUARDED_LOGGERS:
        guard_logger(name)
    report = DeliveryReport()
    ids = _claim(now, inspection_id)
    if not ids:
        return report
    if capture:
        with session_scope() as session:
            for notice in session.exec(select(Notice).where(Notice.id.in_(ids))):
                notice.status, notice.sent_at = "captured", notice.deliver_after
                session.add(notice)
        report.captured = len(ids)
        return report
    with session_scope() as session:
        rows = [
            (n.id, n.dedupe_key, list(n.contacts), n.subject, n.body)
            for n in session.exec(select(Notice).where(Notice.id.in_(ids)).order_by(Notice.id))
        ]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = list(pool.map(lambda row: (row[0], _send(*row[1:])), rows))
    with session_scope() as session:
        for notice_id, error in results:
            notice = session.get(Notice, notice_id)
            notice.attempts += 1
            notice.claimed_at = None
            if error is None:
                notice.status, notice.sent_at, notice.last_error = "sent", utc_now(), None
                report.sent += 1
            elif notice.attempts >= MAX_ATTEMPTS:
                notice.status, notice.last_error = "failed", error
                report.failed += 1
                report.errors.append(f"#{notice_id} {notice.person_key}: {error}")
            else:
                notice.status, notice.last_error = "pending", error
                notice.next_attempt_at = now + backoff(notice.attempts)
                report.retrying += 1
            session.add(notice)
    return report


def _claim(now: dt.datetime, inspection_id: str | None) -> list[int]:
    with session_scope() as session:
        stale = now - CLAIM_LEASE
        query = select(Notice.id).where(
            Notice.deliver_after <= now,
            or_(
                (Notice.status == "pending")
                & or_(Notice.next_attempt_at == None, Notice.next_attempt_at <= now),  # noqa: E711
                (Notice.status == "sending") & (Notice.claimed_at <= stale),
            ),
        )
        if inspection_id:
            query = query.where(Notice.inspection_id == inspection_id)
        candidates = list(session.exec(query.order_by(Notice.id)))
        claimed = []
        for notice_id in candidates:
            result = session.exec(
                update(Notice)
                .where(
                    Notice.id == notice_id,
                    or_(
                        Notice.status == "pending",
                        (Notice.status == "sending") & (Notice.claimed_at <= stale),
                    ),
                )
                .values(status="sending", claimed_at=now)
            )
            if result.rowcount == 1:
                claimed.append(notice_id)
    return claimed


def _send(key: str, contacts: list[str], subject: str, body: str) -> str | None:
    """Send to every contact; None on success, else the redacted reason."""
    secrets: list[str] = []
    errors: list[str] = []
    for url in contacts:
        try:
            real, used = expand(url)
        except MissingSecret as exc:
            errors.append(str(exc))
            continue
        secrets += used
        if real.startswith(HEADER_SCHEMES):
            real += (
                "&" if "?" in real else "?"
            ) + f"+X-Rectify-Key={key.replace('|', '%7C').replace('#', '%23')}"
        notifier = apprise.Apprise()
        if not notifier.add(real):
            errors.append(f"invalid Apprise URL {redact(url, secrets)}")
            continue
        with apprise.LogCapture(level=logging.WARNING) as log:
            ok = notifier.notify(body=body, title=subject)
        if not ok:
            detail = " ".join(log.getvalue().split())[-300:] or "delivery failed"
            errors.append(redact(f"{_private(real)}: {detail}", secrets))
    return "; ".join(errors) if errors else None


def _private(url: str) -> str:
    plugin = apprise.Apprise.instantiate(url)
    return plugin.url(privacy=True) if plugin else "(url)"
