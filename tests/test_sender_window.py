"""The sender's window and its HTTP sessions, as a receiver sees them: never more notices in
flight at once than ``send_threads`` says (each one a sender killed at that instant would
send again), every notice delivered once, and no cookie of a receiver carried from one
notice to the next."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from models import Notice, create_schema, session_scope
from rectify.notices.sender import deliver_due
from tests.receivers import HttpReceiver

NOW = dt.datetime(2024, 12, 16, 2, 0, tzinfo=dt.UTC)
SHARED = dict(  # what every notice of these tests has in common
    inspection_id="w", kind="dispatch", role="responsible_person", period="2024-12-16",
    subject="半月调度提醒", body="问题1：按计划推进", problems=["1"], created_at=NOW,
    deliver_after=NOW,
)  # fmt: skip

# (case, notices in flight allowed, rows, the receiver's delay per answer, Set-Cookie)
CASES = [
    ("one in flight", 1, 8, 0.05, ""),
    ("two in flight", 2, 8, 0.05, ""),
    ("three in flight", 3, 9, 0.05, ""),
    ("a receiver setting a cookie", 1, 4, 0.0, "session=abc; Path=/"),
    ("a cookie with two in flight", 2, 6, 0.0, "session=abc; Path=/"),
]


def enqueue(receiver: HttpReceiver, rows: int) -> None:
    create_schema()
    keys = [f"w|dispatch|p{n}|2024-12-16" for n in range(rows)]
    with session_scope() as session:
        session.add_all(
            Notice(
                dedupe_key=key,
                person_key=key.split("|")[2],
                contacts=[f"json://127.0.0.1:{receiver.port}/{key.split('|')[2]}/t"],
                **SHARED,
            )
            for key in keys
        )


@pytest.mark.parametrize(
    ("in_flight", "rows", "latency", "cookie"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_receiver_never_has_more_notices_at_once_than_allowed(
    db, in_flight, rows, latency, cookie
):
    with HttpReceiver(latency=latency, set_cookie=cookie) as receiver:
        enqueue(receiver, rows)
        report = deliver_due(NOW, sessions=session_scope, concurrency=in_flight)
    assert (report.sent, report.failed, report.retrying) == (rows, 0, 0)
    assert sorted(m.key for m in receiver.messages) == sorted(
        f"w|dispatch|p{n}|2024-12-16" for n in range(rows)
    )
    assert 1 <= receiver.peak <= in_flight
    assert receiver.cookies == [""] * rows  # no notice carries another one's cookie
    with session_scope() as session:
        stored = list(session.exec(select(Notice)))
    assert {(n.status, n.attempts, n.claimed_at) for n in stored} == {("sent", 1, None)}
