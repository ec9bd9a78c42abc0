"""Real receivers on localhost: an SMTP server (aiosmtpd) and an HTTP server that records
what Apprise delivers, and can be told to fail."""

from __future__ import annotations

import email
import json
import socket
import threading
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
                    receiver.messages.append(Received(rcpt.split("@")[0], title, body))
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


@dataclass
class HttpReceiver:
    """Records JSON posts by path (``/<person>/<token>``); answers 500 while ``fail`` > 0."""

    messages: list[Received] = field(default_factory=list)
    fail: int = 0
    attempts: int = 0
    port: int = field(default_factory=free_port)

    def url(self, person: str, token_var: str = "RECEIVER_TOKEN") -> str:
        return f"json://127.0.0.1:{self.port}/{person}/${{{token_var}}}"

    def __enter__(self) -> HttpReceiver:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                with lock:
                    receiver.attempts += 1
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
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
