"""A light local HTTP receiver in its own process, for the delivery benchmark: one asyncio
loop, no thread per connection, HTTP/1.1 keep-alive. It reads each POST's headers and body,
counts it (and its distinct X-Rectify-Key headers) and answers 200 with an empty body;
``GET /count`` answers ``{"posts": n, "keys": k, "cpu": seconds}`` (``cpu``: this process's
own CPU time, user + system, so the benchmark can say what the receiver cost on the shared
cores).

    python benchmarks/receiver.py PORT
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

posts = 0
keys: set[str] = set()
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global posts
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:] if line)
            }
            length = int(headers.get("content-length", 0))
            if length:
                await reader.readexactly(length)
            if lines[0].startswith("GET /count"):
                times = os.times()
                body = json.dumps(
                    {"posts": posts, "keys": len(keys), "cpu": times.user + times.system}
                ).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            else:
                posts += 1
                keys.add(headers.get("x-rectify-key", ""))
                writer.write(OK)
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=256)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
