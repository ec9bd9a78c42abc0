"""Kept-alive HTTP connections for Apprise's ``json://``, ``form://`` and ``xml://`` plugins,
and the sender's window of notices in flight.

Those plugins post with ``requests.request``: a new ``requests.Session`` (its adapters and
connection pool) and a new TCP connection for every notice. ``install`` points each of them
at a stand-in for the ``requests`` module whose ``request`` goes through one session per
sending thread, so a thread keeps its connection to each receiver open from one notice to
the next. Everything else (the exceptions, the status codes) is the ``requests`` module's
own. The sessions keep no cookies: a receiver's cookie never reaches another notice. They
read the environment (proxies and ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``, ``~/.netrc``) once
per receiver host, as ``requests`` would for each request (it scans the whole environment
and stats the netrc files every time: ~1 ms a notice).

A ``Window`` bounds the notices between the start of their sending and their committed
outcome; the sessions enter it when a request is ready to go, so that the next notice is
prepared outside it.
"""

from __future__ import annotations

import http.cookiejar
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from urllib.parse import urlsplit

import requests
from apprise.plugins import custom_form, custom_json, custom_xml
from requests.cookies import RequestsCookieJar
from requests.sessions import merge_setting
from requests.structures import CaseInsensitiveDict

PLUGINS = (custom_json, custom_form, custom_xml)
URLS_KEPT = 4096  # prepared receiver URLs a sending thread keeps
_SESSIONS = threading.local()
_THREAD = threading.local()  # the window of the row this thread is delivering


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie, request) -> bool:
        return False


class _Session(requests.Session):
    """A session without cookies that reads the environment once per receiver host."""

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # read per host below instead of per request
        self.cookies.set_policy(_NoCookies())
        self._hosts: dict[tuple[str, str], tuple] = {}
        self._urls: dict[tuple, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        host = urlsplit(url)[:2]
        if (known := self._hosts.get(host)) is None:
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            known = self._hosts[host] = (
                requests.utils.get_environ_proxies(url),
                bundle,
                requests.utils.get_netrc_auth(url),
            )
        proxies, bundle, netrc = known
        kwargs.setdefault("proxies", proxies)
        # (a bundle given to a plain http:// request would only cost a stat of its path)
        if bundle and host[0] == "https" and kwargs.get("verify", True) is True:
            kwargs["verify"] = bundle
        if netrc and not kwargs.get("auth"):
            kwargs["auth"] = netrc
        return super().request(method, url, **kwargs)

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        """The request prepared as ``requests`` prepares it, with its URL and query prepared
        once per receiver and query: this session adds no parameters, auth or cookies of
        its own, so there is nothing to merge but the headers (0.34 → 0.25 ms a request,
        of 1.4–1.7 ms a notice).
        Anything else (cookies, auth, files, JSON, a query that is not a plain dict, a URL
        with credentials in it) is prepared by ``requests`` itself."""
        url = self._url(request)
        if url is None:
            return super().prepare_request(request)
        prepared = requests.PreparedRequest()
        prepared.prepare_method(request.method.upper())
        prepared.url = url
        prepared.prepare_headers(
            merge_setting(request.headers, self.headers, dict_class=CaseInsensitiveDict)
        )
        prepared._cookies = RequestsCookieJar()  # empty: no cookie header to add
        prepared.prepare_body(request.data, None, None)
        prepared.prepare_hooks(request.hooks)
        return prepared

    def _url(self, request: requests.Request) -> str | None:
        """The prepared URL of a plain request (see ``prepare_request``), or None."""
        params = request.params or {}
        if (
            self.params  # (none of these three are ever set on this session)
            or self.auth
            or len(self.cookies)
            or request.cookies
            or request.auth
            or request.files
            or request.json is not None
            or type(params) is not dict
            or not all(type(v) is str for v in params.values())
        ):
            return None
        key = (request.url, tuple(params.items()))
        if (url := self._urls.get(key)) is None:
            probe = requests.PreparedRequest()
            probe.prepare_url(request.url, params)
            if "@" in urlsplit(probe.url).netloc:  # credentials: requests' auth from the URL
                return None
            if len(self._urls) >= URLS_KEPT:
                self._urls.clear()
            url = self._urls[key] = probe.url
        return url

    def send(self, request, **kwargs) -> requests.Response:
        enter_window()  # the request is prepared: from here on it may reach the receiver
        return super().send(request, **kwargs)


class Window:
    """At most ``size`` notices at once between the start of their sending and the commit of
    their outcome: a sender killed at any instant has at most that many notices delivered
    and not recorded. A sending thread enters just before a notice's first byte may go out
    (an HTTP plugin's request once prepared; any other plugin's whole call) and leaves once
    its outcome is committed; preparing a notice (its URL, its payload) happens outside."""

    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(max(1, size))

    @contextmanager
    def delivering(self) -> Iterator[None]:
        """One row's delivery in this thread: from its sending to its recorded outcome."""
        _THREAD.window, _THREAD.held = self, False
        try:
            yield
        finally:
            if _THREAD.held:
                self._slots.release()
            _THREAD.window, _THREAD.held = None, False

    def enter(self) -> None:
        if not _THREAD.held:
            self._slots.acquire()
            _THREAD.held = True


def enter_window() -> None:
    """Wait for a slot of this thread's window, if it is delivering a row and holds none
    yet (a row's next contacts are in the same slot); elsewhere it does nothing."""
    window = getattr(_THREAD, "window", None)
    if window is not None:
        window.enter()


def session() -> requests.Session:
    """This thread's session: its connections stay open between notices."""
    current = getattr(_SESSIONS, "session", None)
    if current is None:
        current = _SESSIONS.session = _Session()
    return current


def end_session() -> None:
    """Close this thread's session and its connections (a delivery in a thread that lives
    on: the next one starts afresh, reading the environment again)."""
    current = getattr(_SESSIONS, "session", None)
    if current is not None:
        del _SESSIONS.session
        current.close()


class _Requests(ModuleType):
    """The ``requests`` module as the plugins see it, but for ``request``."""

    def __getattr__(self, name: str):
        return getattr(requests, name)

    @staticmethod
    def request(method: str, url: str, **kwargs) -> requests.Response:
        return session().request(method, url, **kwargs)


def install() -> None:
    """Route the plugins' requests through the per-thread sessions (once per process)."""
    stand_in = _Requests("requests")
    for plugin in PLUGINS:
        if not isinstance(plugin.requests, _Requests):
            plugin.requests = stand_in
