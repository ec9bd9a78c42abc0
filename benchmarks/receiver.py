"""A local HTTP receiver in its own process: counts the notices POSTed to it (and the distinct
X-Rectify-Key headers); ``GET /count`` answers ``{"posts": n, "keys": k}``.

    python benchmarks/receiver.py PORT
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

posts = 0
keys: set[str] = set()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        global posts
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            posts += 1
            keys.add(self.headers.get("X-Rectify-Key", ""))
        self.send_response(200)
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        with lock:
            body = json.dumps({"posts": posts, "keys": len(keys)}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()
