"""The reason a failed delivery records (in the outbox and the audit log): it names the
contact without its secret and says what Apprise reported for that one delivery, even
while other deliveries fail at the same moment in other threads."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from rectify.notices.sender import _send
from tests.receivers import HttpReceiver, free_port

TOKEN = "s3cr+t/tok="
LOG_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}")

# (case, contact (RECEIVER is the local receiver's URL, CLOSED a port nobody listens on),
#  answers the receiver fails, what the reason says (None: delivered))
CASES = [
    ("delivered", "RECEIVER", 0, None),
    ("receiver answers 500", "RECEIVER", 1, ["/p/***", "Failed to send JSON", "error=500"]),
    (
        "nobody listens",
        "json://127.0.0.1:CLOSED/p/${RECEIVER_TOKEN}?cto=0.5&rto=0.5",
        0,
        ["127.0.0.1:", "Connection error"],
    ),
    ("not an Apprise URL", "nonsense-scheme://x/${RECEIVER_TOKEN}", 0, ["invalid Apprise URL"]),
]


@pytest.mark.parametrize(
    ("contact", "fail", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_failed_delivery_records_its_own_reason_without_the_secret(
    monkeypatch, contact, fail, says
):
    monkeypatch.setenv("RECEIVER_TOKEN", TOKEN)
    with HttpReceiver(fail=fail) as receiver:
        url = contact.replace("RECEIVER", receiver.url("p")).replace("CLOSED", str(free_port()))
        reason = _send("insp|1", [url], "标题", "正文")
    if says is None:
        assert reason is None
        assert [m.body for m in receiver.messages] == ["正文"]
        return
    assert reason is not None
    for text in says:
        assert text in reason
    assert TOKEN not in reason and "s3cr%2Bt" not in reason
    assert not LOG_TIMESTAMP.search(reason)  # the call's own report, not a log capture


def test_failures_at_the_same_moment_each_record_only_their_own_report(monkeypatch):
    monkeypatch.setenv("RECEIVER_TOKEN", TOKEN)
    with HttpReceiver(fail=8, latency=0.2) as receiver:
        with ThreadPoolExecutor(8) as pool:
            reasons = list(
                pool.map(lambda i: _send(f"k|{i}", [receiver.url(f"p{i}")], "t", "b"), range(8))
            )
    for i, reason in enumerate(reasons):
        assert f"/p{i}/***" in reason
        assert reason.count("Failed to send JSON") == 1


# Contacts as offices write them, and what the sender makes of each: the same plugin, set up
# the same, as Apprise makes from the URL; or None where Apprise is left to make it.
PLUGIN_CASES = [
    "json://127.0.0.1:8080/p1?+X-Rectify-Key=insp%7Cdispatch%7Cp1",
    "JSONS://user:pa%2Bss@hooks.example.org/in/?+Authorization=Bearer%20x&cto=0.5",
    "form://127.0.0.1/p/#frag?+X-Rectify-Key=k",
    "xml://127.0.0.1:9/path?method=PUT",
    "mailto://user:pass@mail.example.org?to=a@example.org&from=b@example.org",
    "tgram://123456789:abcdefghijklmnopqrstuvwxyzABCDEFGHI/12345",
]
LEFT_TO_APPRISE = [
    "https://discord.com/api/webhooks/4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",  # native
    "nonsense-scheme://x/y",
    "json://",
    "not a url at all",
    "json://127.0.0.1:8080/a, json://127.0.0.1:8081/b",  # two receivers in one contact
]


@pytest.mark.parametrize("url", PLUGIN_CASES)
def test_a_contacts_plugin_is_made_as_apprise_makes_it(url):
    import apprise

    from rectify.notices.sender import ASSET, _plugin

    made, expected = _plugin(url), apprise.Apprise.instantiate(url, asset=ASSET)
    assert made is not None and type(made) is type(expected)
    assert made.url(privacy=False) == expected.url(privacy=False)
    assert made.asset is ASSET and not made.tags
    assert getattr(made, "headers", None) == getattr(expected, "headers", None)


@pytest.mark.parametrize("url", LEFT_TO_APPRISE)
def test_a_contact_apprise_reads_otherwise_is_left_to_it(url):
    from rectify.notices.sender import _plugin

    assert _plugin(url) is None  # added as a URL: Apprise parses it, or says it is invalid


def test_a_contact_of_two_urls_reaches_both(monkeypatch):
    monkeypatch.setenv("RECEIVER_TOKEN", TOKEN)
    with HttpReceiver() as first, HttpReceiver() as second:
        contact = f"{first.url('a')}, {second.url('b')}"
        assert _send("insp|2", [contact], "标题", "正文") is None
    assert [m.body for m in first.messages] == ["正文"]
    assert [m.body for m in second.messages] == ["正文"]
