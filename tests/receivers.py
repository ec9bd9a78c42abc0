"""Real receivers on localhost: an SMTP server (aiosmtpd) and an HTTP server that records
what Apprise delivers, and can be told to fail."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    to: str
    title: str
    body: str
    key: str | None = None
    path: str = ""
    message_id: str | None = None  # a mail's Message-ID header


class SmtpReceiver:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.port = free_port()
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                msg = email.message_from_bytes(envelope.content)
                body = ""
                for part in msg.walk():
                    if part.get_content_type() == "text/plain":
                        body = part.get_payload(decode=True).decode("utf-8")
                title = str(make_header(decode_header(msg["Subject"])))
                for rcpt in envelope.rcpt_tos:
                    receiver.messages.append(
                        Received(rcpt.split("@")[0], title, body, message_id=msg["Message-ID"])
                    )
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def url(self, person: str) -> str:
        return (
            f"mailto://127.0.0.1:{self.port}?from=rectify@example.gov.cn"
            f"&to={person}@example.gov.cn&mode=insecure"
        )

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # several senders of 8 threads each connect at once


@dataclass
class HttpReceiver:
    """Records JSON posts by path (``/<person>/<token>``); answers 500 while ``fail`` > 0.

    ``latency`` delays every answer; the next ``slow`` requests are first held ``slow_for``
    seconds (longer than a sender's read timeout: it gives up, the receiver still handles
    the post). ``messages`` keeps every delivery, repeats included; ``keys`` counts them by
    their ``X-Rectify-Key``."""

    messages: list[Received] = field(default_factory=list)
    fail: int = 0
    attempts: int = 0
    latency: float = 0.0
    slow: int = 0
    slow_for: float = 0.0
    in_flight: int = 0  # requests being handled right now
    peak: int = 0  # the most requests handled at once
    set_cookie: str = ""  # a Set-Cookie header on every answer
    cookies: list[str] = field(default_factory=list)  # the Cookie header of each request
    port: int = field(default_factory=free_port)

    def url(self, person: str, token_var: str = "RECEIVER_TOKEN") -> str:
        return f"json://127.0.0.1:{self.port}/{person}/${{{token_var}}}"

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until no request is being handled (a killed sender's last posts)."""
        time.sleep(0.05)  # a post already sent may not have reached its handler yet
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)

    def keys(self) -> Counter[str | None]:
        """Deliveries per dedupe key: a count above 1 is a repeat the receiver can drop."""
        return Counter(m.key for m in list(self.messages))

    def __enter__(self) -> HttpReceiver:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                with lock:
                    receiver.in_flight += 1
                    receiver.peak = max(receiver.peak, receiver.in_flight)
                    receiver.cookies.append(self.headers.get("Cookie", ""))
                try:
                    self._post()
                finally:
                    with lock:
                        receiver.in_flight -= 1

            def _post(self):
                with lock:
                    receiver.attempts += 1
                    hold = receiver.latency
                    if receiver.slow > 0:
                        receiver.slow -= 1
                        hold += receiver.slow_for
                if hold:
                    time.sleep(hold)
                length = int(self.headers.get("Content-Length", 0))
                try:
                    payload = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:  # the sender died halfway through its request
                    return self._answer(400)
                with lock:
                    failing = receiver.fail > 0
                    if failing:
                        receiver.fail -= 1
                    else:
                        person = self.path.strip("/").split("/")[0]
                        receiver.messages.append(
                            Received(
                                person,
                                payload.get("title", ""),
                                payload.get("message", ""),
                                self.headers.get("X-Rectify-Key"),
                                self.path,
                            )
                        )
                self._answer(500 if failing else 200)

            def _answer(self, code: int) -> None:
                try:
                    self.send_response(code)
                    if receiver.set_cookie:
                        self.send_header("Set-Cookie", receiver.set_cookie)
                    self.end_headers()
                except OSError:  # the sender stopped waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
