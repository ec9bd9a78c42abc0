"""A mail's Message-ID comes from its outbox row's dedupe key: the same row sent again after
a crash carries the same Message-ID, so a mail system or client recognises the repeat; two
rows never share one; a mail sent without a key of ours keeps Apprise's own."""

from __future__ import annotations

import email

import pytest

from rectify.notices.message_id import message_id
from rectify.notices.sender import _send
from tests.receivers import SmtpReceiver

# (case, the dedupe keys sent in order, which sends must carry one Message-ID)
CASES = [
    ("one row", ["insp|dispatch|p1|2024-11-01"], [[0]]),
    (
        "a row sent again after a crash",
        ["insp|dispatch|p1|2024-11-01", "insp|dispatch|p1|2024-11-01"],
        [[0, 1]],
    ),
    (
        "two rows for one person",
        ["insp|dispatch|p1|2024-11-01", "insp|dispatch|p1|2024-11-04"],
        [[0], [1]],
    ),
    ("a key with the URL's own characters", ["a/b|督办|张#1|?&=+"], [[0]]),
]


@pytest.mark.parametrize(("keys", "same"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_mail_carries_the_message_id_of_its_dedupe_key(keys, same):
    with SmtpReceiver() as smtp:
        for key in keys:
            assert _send(key, [smtp.url("p1")], "半月调度提醒", "正文") is None
    ids = [m.message_id for m in smtp.messages]
    assert ids == [message_id(k) for k in keys]
    assert len({ids[group[0]] for group in same}) == len(same)  # different rows differ
    for group in same:
        assert {ids[i] for i in group} == {ids[group[0]]}


def test_a_mail_has_exactly_one_message_id():
    with SmtpReceiver() as smtp:
        handler = smtp.controller.handler
        seen: list[bytes] = []
        original = handler.handle_DATA

        async def keep(server, session, envelope):
            seen.append(envelope.content)
            return await original(server, session, envelope)

        handler.handle_DATA = keep
        assert _send("insp|dispatch|p1|2024-11-01", [smtp.url("p1")], "t", "b") is None
    assert email.message_from_bytes(seen[0]).get_all("Message-ID") == [
        message_id("insp|dispatch|p1|2024-11-01")
    ]
