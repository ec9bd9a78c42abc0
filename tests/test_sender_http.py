"""The sender's HTTP session prepares each request as ``requests`` does: the method, URL,
query, headers and body a receiver gets are the same whether the session's shortcut
prepares them (a plain request, its URL prepared once per receiver and query) or
``requests`` itself (cookies, auth, files, JSON, credentials in the URL)."""

from __future__ import annotations

import pytest
import requests

from rectify.notices.sender_http import _Session

JSON = '{"version": "1.0", "title": "\\u6807\\u9898", "message": "\\u6b63\\u6587"}'
HEADERS = {"User-Agent": "Apprise", "Content-Type": "application/json", "X-Rectify-Key": "a|1"}

# (case, Request arguments)
CASES = [
    ("json post", {"method": "post", "url": "http://127.0.0.1:8080/p1", "data": JSON}),
    (
        "json post with a query",
        {
            "method": "POST",
            "url": "http://127.0.0.1:8080/p1?x=1",
            "data": JSON,
            "params": {"token": "a b/c", "中": "文"},
        },
    ),
    ("form post", {"method": "POST", "url": "https://h.example/f", "data": {"title": "标题"}}),
    ("xml post", {"method": "POST", "url": "http://h.example/x", "data": "<a>标题</a>".encode()}),
    ("get without a body", {"method": "GET", "url": "http://h.example/g", "data": {}}),
    ("a header set to None", {"method": "POST", "url": "http://h/", "headers": {"Accept": None}}),
    ("basic auth", {"method": "POST", "url": "http://h/", "data": JSON, "auth": ("u", "p")}),
    ("credentials in the URL", {"method": "POST", "url": "http://u:p@h/", "data": JSON}),
    ("a query of lists", {"method": "POST", "url": "http://h/", "params": {"a": ["1", "2"]}}),
    ("a cookie given", {"method": "POST", "url": "http://h/", "cookies": {"c": "1"}}),
    ("a file", {"method": "POST", "url": "http://h/", "files": {"f": ("a.txt", b"abc")}}),
    ("json argument", {"method": "POST", "url": "http://h/", "json": {"a": "标题"}}),
]


def _seen(prepared: requests.PreparedRequest) -> tuple:
    body = prepared.body
    if isinstance(body, bytes) and body.startswith(b"--"):  # a file's random boundary
        body = body.replace(body[2 : body.index(b"\r\n")], b"B")
    return prepared.method, prepared.url, dict(prepared.headers), body


@pytest.mark.parametrize("arguments", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_a_request_is_prepared_as_requests_prepares_it(arguments):
    plain = requests.Session()
    plain.trust_env = False
    session = _Session()
    expected = _seen(plain.prepare_request(requests.Request(**{"headers": HEADERS, **arguments})))
    for _ in range(2):  # the first time and from what the session kept
        made = session.prepare_request(requests.Request(**{"headers": HEADERS, **arguments}))
        assert _seen(made) == expected


def test_the_same_receiver_with_another_query_is_prepared_again():
    session = _Session()
    url = "http://127.0.0.1:8080/p1"
    first = session.prepare_request(requests.Request("POST", url, params={"a": "1"}))
    second = session.prepare_request(requests.Request("POST", url, params={"a": "2"}))
    assert (first.url, second.url) == (f"{url}?a=1", f"{url}?a=2")
