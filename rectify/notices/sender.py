"""The one sender: delivers due outbox rows through Apprise, with retries and backoff.

Rows are claimed (pending → sending) a few at a time, each claim committed before anything
is sent, so two senders never send the same row. Each row's outcome is committed as soon as
it is known, before its thread sends anything else, and inside a window of ``send_threads``
rows (default 1) that spans a row from its first byte out to its committed outcome: a
sender killed at any instant leaves at most that many rows delivered but not recorded. With
one row in flight the rows are sent in turn in the calling thread; with more, one thread
more than the window prepares the next row meanwhile. The claims of a dead sender
run out after ``CLAIM_LEASE`` and its rows are sent again; HTTP receivers get the dedupe key
in an ``X-Rectify-Key`` header (mail: a Message-ID derived from it) so they can drop such a
repeat.

The sender opens no session of its own: the caller (the delivery task) passes ``sessions``,
a factory of committed transactions such as ``models.session_scope``, and each claim, load
and outcome is one transaction of it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import apprise
from apprise import NotifyBase
from apprise.manager_plugins import NotificationManager
from apprise.utils.parse import GET_SCHEMA_RE, parse_urls
from sqlalchemy import bindparam, or_, union_all, update
from sqlmodel import Session, select

from models import Notice
from rectify.core.clock import as_utc, utc_now
from rectify.core.settings import get_settings
from rectify.notices import message_id, sender_http
from rectify.notices.secrets import MissingSecret, expand, guard_logger, redact

MAX_ATTEMPTS = 5
BACKOFF = dt.timedelta(minutes=1)  # 1, 2, 4, 8 minutes between attempts
CLAIM_LEASE = dt.timedelta(minutes=10)
# Rows a simulation captures per transaction: a province's outbox is captured in a few
# statements, never all its ids in one (SQLite binds at most 32 766 values per statement).
CAPTURE_CHUNK = 10_000
# Rows claimed at a time, per notice in flight: a claim is sent well within its lease even
# when every contact of every row times out (Apprise waits 4 s to connect and 4 s to read by
# default: the 16 rows of a slot, and with more in flight the 2 in the threads' hands, of
# two contacts each, take 256 s, or 288 s, of the 600). Rows claimed but not yet sent are
# not repeated by a crash (they are sent once, after the lease); only the rows in flight are.
CLAIM_PER_SLOT = 16
# Libraries that may log a URL with its secret in it while sending.
GUARDED_LOGGERS = ("apprise", "urllib3.connectionpool", "urllib3.util.retry", "requests")
# Each row is sent in the sending thread itself: Apprise's own thread pool would add a
# hand-over per notice. Apprise 2 hands a call with a service timeout to its pool even when
# not asynchronous, so there is none (the per-request timeouts bound a hanging receiver).
ASSET = apprise.AppriseAsset(async_mode=False, service_timeout=0)
# One Apprise object per sending thread, emptied for each contact: a new one per notice
# looks its translations up on disk each time.
_NOTIFIERS = threading.local()
# Apprise's registry of plugins by scheme (one for the process).
_PLUGINS = NotificationManager()
HEADER_SCHEMES = ("json://", "jsons://", "form://", "forms://", "xml://", "xmls://")
# A sent row recorded by one Core UPDATE, built once (the ORM's would be built, compiled from
# its cache key and checked against the session's objects for every row).
_NOTICES = Notice.__table__
_RECORD_SENT = (
    update(_NOTICES)
    .where(_NOTICES.c.id == bindparam("row"))
    .values(
        attempts=_NOTICES.c.attempts + 1,
        claimed_at=None,
        status="sent",
        sent_at=bindparam("at"),
        last_error=None,
    )
)
# One outcome written at a time: on SQLite the workers would otherwise wait for each
# other's write lock by sleeping.
_RECORDING = threading.Lock()

message_id.install()
sender_http.install()

# A factory of transactions: each ``with sessions() as session:`` block commits on leaving.
Sessions = Callable[[], AbstractContextManager[Session]]
# Opens a stored subject or body for sending (a sealed confidential text); plain texts pass.
Opener = Callable[[str], str]


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    captured: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str, error: str) -> None:
        """One row's outcome: 'sent', 'retrying' or 'failed' (with its error line)."""
        if outcome == "sent":
            self.sent += 1
        elif outcome == "failed":
            self.failed += 1
            self.errors.append(error)
        else:
            self.retrying += 1


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones (1, 2, 4, 8 min)."""
    return BACKOFF * (2 ** max(attempts - 1, 0))


def deliver_due(
    now: dt.datetime | None = None,
    *,
    sessions: Sessions,
    capture: bool = False,
    inspection_id: str | None = None,
    concurrency: int | None = None,
    open_text: Opener | None = None,
) -> DeliveryReport:
    """Deliver every outbox row due at ``now``, each claim and each outcome committed in its
    own transaction of ``sessions``. With ``capture`` nothing is sent: rows are marked
    captured at their delivery instant (the simulation's mode). ``open_text`` opens sealed
    subjects and bodies just before sending; a row it cannot open fails with its reason.
    ``concurrency`` rows are sent at once (default: the ``send_threads`` setting); a sender
    killed while sending leaves at most that many rows delivered but not recorded."""
    now = as_utc(now) if now else utc_now()
    for name in GUARDED_LOGGERS:
        guard_logger(name)
    report = DeliveryReport()
    if capture:
        while ids := _claim_in(sessions, now, inspection_id, limit=CAPTURE_CHUNK):
            with sessions() as session:
                capture_rows(ids, session=session)
            report.captured += len(ids)
        return report
    in_flight = max(1, concurrency or get_settings().send_threads)
    if in_flight == 1:
        return _deliver_in_turn(report, sessions, now, inspection_id, open_text)
    # One thread more than notices in flight: it prepares its next notice while the others
    # wait for their receivers.
    workers = in_flight + 1
    window = sender_http.Window(in_flight)
    batch = in_flight * CLAIM_PER_SLOT
    with ThreadPoolExecutor(max_workers=workers) as pool:
        running: set[Future] = set()
        more = True
        while more or running:
            # Claim more only when the workers are about to run dry, so that few rows are
            # held by this sender at any moment.
            if more and len(running) <= workers:
                ids = _claim_in(sessions, now, inspection_id, limit=batch)
                more = bool(ids)
                running |= {
                    pool.submit(_deliver, window, sessions, now, open_text, *row)
                    for row in _load(sessions, ids)
                }
                continue
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                report.count(*future.result())
    return report


def _deliver_in_turn(
    report: DeliveryReport,
    sessions: Sessions,
    now: dt.datetime,
    inspection_id: str | None,
    open_text: Opener | None,
) -> DeliveryReport:
    """One notice in flight: each row sent and recorded in turn, in this thread. Handing
    rows to a pool of two threads (one preparing the next while the other waits for its
    receiver) cost more than it saved: ~0.3 ms a notice in hand-overs, a fifth of a
    notice's time to a local receiver, against ~1 ms of preparing overlapped with each
    wait. This thread's HTTP session ends with the delivery, as a pool's would. An error
    that stops the delivery (the database gone) leaves the rest of its claim to be sent
    after the claim's lease, as a dead sender's."""
    window = sender_http.Window(1)
    try:
        while ids := _claim_in(sessions, now, inspection_id, limit=CLAIM_PER_SLOT):
            for row in _load(sessions, ids):
                report.count(*_deliver(window, sessions, now, open_text, *row))
    finally:
        sender_http.end_session()
    return report


def _claim_in(
    sessions: Sessions, now: dt.datetime, inspection_id: str | None, *, limit: int | None
) -> list[int]:
    """A claim in its own transaction, committed before anything claimed is sent."""
    with sessions() as session:
        return claim(now, inspection_id, limit=limit, session=session)


def _load(sessions: Sessions, ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    with sessions() as session:
        return load(ids, session=session)


def _deliver(
    window: sender_http.Window,
    sessions: Sessions,
    now: dt.datetime,
    open_text: Opener | None,
    notice_id: int,
    key: str,
    contacts: list[str],
    subject: str,
    body: str,
) -> tuple[str, str]:
    """Send one claimed row and commit its outcome at once, inside a slot of ``window`` from
    its first byte out: a sender that dies leaves at most the window's size of rows
    delivered but not recorded."""
    with window.delivering():
        try:
            if open_text is not None:
                subject, body = open_text(subject), open_text(body)
        except Exception as exc:  # a missing or wrong key: the row fails with its reason
            error: str | None = getattr(exc, "message", None) or type(exc).__name__
        else:
            error = _send(key, contacts, subject, body)
        with _RECORDING, sessions() as session:
            return record_outcome(notice_id, error, now, session=session)


def load(ids: list[int], *, session: Session) -> list[tuple]:
    """(id, dedupe key, contacts, subject, body) of the rows ``ids``, in id order."""
    return [
        (n.id, n.dedupe_key, list(n.contacts), n.subject, n.body)
        for n in session.exec(select(Notice).where(Notice.id.in_(ids)).order_by(Notice.id))
    ]


def capture_rows(ids: list[int], *, session: Session) -> None:
    """Mark the rows ``ids`` captured at their delivery instant instead of sending them, in
    one UPDATE (the rows are not loaded)."""
    session.execute(
        update(Notice)
        .where(Notice.id.in_(ids))
        .values(status="captured", sent_at=Notice.deliver_after)
    )


def record_outcome(
    notice_id: int, error: str | None, now: dt.datetime, *, session: Session
) -> tuple[str, str]:
    """Record one attempt at a row: sent, retrying after the backoff, or failed after
    ``MAX_ATTEMPTS``. Returns 'sent', 'retrying' or 'failed', and the error line for a
    failure. A row sent is recorded by one UPDATE, without loading it."""
    if error is None:
        session.connection().execute(_RECORD_SENT, {"row": notice_id, "at": utc_now()})
        return "sent", ""
    notice = session.get(Notice, notice_id)
    notice.attempts += 1
    notice.claimed_at = None
    if notice.attempts >= MAX_ATTEMPTS:
        notice.status, notice.last_error = "failed", error
        outcome = "failed"
    else:
        notice.status, notice.last_error = "pending", error
        notice.next_attempt_at = now + backoff(notice.attempts)
        outcome = "retrying"
    session.add(notice)
    return outcome, f"#{notice_id} {notice.person_key}: {error}"


def claim(
    now: dt.datetime, inspection_id: str | None, *, limit: int | None, session: Session
) -> list[int]:
    """Claim up to ``limit`` due rows, oldest first: rows pending and due, or held by a
    sender whose lease has run out. The caller commits before sending any of them."""
    stale = now - CLAIM_LEASE
    pending = (Notice.status == "pending") & or_(
        Notice.next_attempt_at == None,  # noqa: E711
        Notice.next_attempt_at <= now,
    )
    abandoned = (Notice.status == "sending") & (Notice.claimed_at <= stale)
    due = (Notice.deliver_after <= now) & or_(pending, abandoned)
    # The oldest of each kind in its own select, then the oldest of both. On SQLite each
    # reads its status's index in id order (the index holds the rowid) and stops at
    # ``limit`` rows; one select on both statuses read and sorted every row still pending at
    # each claim (5 000 due rows: some 300 claims of 16, each reading up to 5 000 rows).
    # PostgreSQL reads the pending rows of its status index and keeps the oldest (a top-N
    # sort), as it did for the single select.
    oldest = []
    for kind in (pending, abandoned):
        query = select(Notice.id).where(kind, Notice.deliver_after <= now)
        if inspection_id:
            query = query.where(Notice.inspection_id == inspection_id)
        oldest.append(select(query.order_by(Notice.id).limit(limit).subquery().c.id))
    both = union_all(*oldest).subquery()
    candidates = list(session.exec(select(both.c.id).order_by(both.c.id).limit(limit)))
    if not candidates:
        return []
    # The condition again, on each row as it is locked: another sender may have taken
    # one since the query above.
    claimed = session.exec(
        update(Notice)
        .where(Notice.id.in_(candidates), due)
        .values(status="sending", claimed_at=now)
        .returning(Notice.id)
    )
    return sorted(claimed.scalars())


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
        real = message_id.with_message_id(real, key)
        if real.startswith(HEADER_SCHEMES):
            real += (
                "&" if "?" in real else "?"
            ) + f"+X-Rectify-Key={key.replace('|', '%7C').replace('#', '%23')}"
        notifier = _notifier()
        if not notifier.add(_plugin(real) or real):
            errors.append(f"invalid Apprise URL {redact(url, secrets)}")
            continue
        if not real.startswith(HEADER_SCHEMES):
            sender_http.enter_window()  # mail and the rest: the whole call may deliver
        # Apprise 2 keeps each call's warnings in its result (this thread's call only; a
        # capture of the shared "apprise" logger would take in the other workers' too).
        with notifier.notify(body=body, title=subject) as result:
            if not result:
                detail = " ".join(" ".join(e.message for e in result.logs()).split())
                errors.append(
                    redact(f"{_private(real)}: {detail[-300:] or 'delivery failed'}", secrets)
                )
    return "; ".join(errors) if errors else None


def _notifier() -> apprise.Apprise:
    notifier = getattr(_NOTIFIERS, "notifier", None)
    if notifier is None:
        notifier = _NOTIFIERS.notifier = apprise.Apprise(asset=ASSET)
    notifier.clear()
    return notifier


def _plugin(url: str) -> NotifyBase | None:
    """The Apprise plugin of ``url``, made as ``Apprise.instantiate`` makes it (the scheme's
    plugin, its ``parse_url``, the sender's asset, no tags), without the two privacy-safe
    copies of the URL it formats for its log lines, logged or not: 7-12 % of a notice's
    sending (benchmarks/delivery.py, code before and after in the same minutes). None when
    that is not plainly the same: a contact of several URLs, a scheme Apprise does not know
    by name (native URLs), a disabled plugin, a URL its plugin does not parse, a plugin that
    refuses its arguments or disables itself; the caller then adds the URL itself, and
    Apprise reports what is wrong with it as before."""
    urls = parse_urls(url)  # as Apprise.add splits a contact of several URLs
    if len(urls) != 1:
        return None
    url = urls[0]
    if (match := GET_SCHEMA_RE.match(url)) is None:  # as url_to_dict finds the scheme
        return None
    scheme = match.group("schema").lower()
    if scheme not in _PLUGINS:
        return None
    plugin_class = _PLUGINS[scheme]
    if not plugin_class.enabled:
        return None
    parsed = plugin_class.parse_url(url.replace("/#", "/%23"))  # as url_to_dict does
    if not parsed:
        return None
    try:
        plugin = plugin_class(**{**parsed, "tag": set(), "asset": ASSET})
    except Exception:  # a plugin's own refusal: Apprise logs it when the URL is added
        return None
    return plugin if plugin.enabled else None


def _private(url: str) -> str:
    plugin = apprise.Apprise.instantiate(url)
    return plugin.url(privacy=True) if plugin else "(url)"
