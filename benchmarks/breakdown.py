"""Where a benchmark run's time goes beyond its own work: the Prefect API calls its process
makes (count and seconds, by method and path), the events it emits, the artifacts it
publishes (count and seconds), the CPU time of its own process and of the Prefect server's
processes (a separate process on the same cores).

``install()`` in the measured process, ``report()`` at its end; ``cpu_seconds(pids)`` in the
parent, before and after the run, on the server's processes (``server_pids()``).
"""

from __future__ import annotations

import os
import re
import resource
import time
from collections import Counter, defaultdict
from functools import wraps
from pathlib import Path

_calls: Counter = Counter()
_seconds: defaultdict = defaultdict(float)
_events: Counter = Counter()
_artifacts = {"count": 0, "seconds": 0.0, "created": 0}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}")


def _route(request) -> str:
    return f"{request.method} {_UUID.sub('{id}', request.url.path.split('/api', 1)[-1])}"


_start: dict[str, float] = {}


def install() -> None:
    """Count and time the API calls, events and artifacts of this process from now on; the
    server's CPU time too when the parent named its processes (``BENCH_SERVER_PIDS``)."""
    _start["client"] = _own_cpu()
    _start["server"] = cpu_seconds(_server())
    from prefect.client import base
    from prefect.events import worker

    from tasks import publish

    def timed_sync(send):
        @wraps(send)
        def run(self, request, *args, **kwargs):
            started = time.perf_counter()
            try:
                return send(self, request, *args, **kwargs)
            finally:
                _calls[_route(request)] += 1
                _seconds[_route(request)] += time.perf_counter() - started

        return run

    def timed_async(send):
        @wraps(send)
        async def run(self, request, *args, **kwargs):
            started = time.perf_counter()
            try:
                return await send(self, request, *args, **kwargs)
            finally:
                _calls[_route(request)] += 1
                _seconds[_route(request)] += time.perf_counter() - started

        return run

    base.PrefectHttpxSyncClient.send = timed_sync(base.PrefectHttpxSyncClient.send)
    base.PrefectHttpxAsyncClient.send = timed_async(base.PrefectHttpxAsyncClient.send)

    handle = worker.EventsWorker._handle

    async def counted(self, event):
        _events[event.event.rsplit(".", 1)[0]] += 1
        return await handle(self, event)

    worker.EventsWorker._handle = counted
    _time_artifacts(publish)


def _time_artifacts(publish) -> None:
    create = publish.Publisher._create

    async def timed(self, client, artifact):
        started = time.perf_counter()
        try:
            return await create(self, client, artifact)
        finally:
            _artifacts["count"] += 1
            _artifacts["seconds"] += time.perf_counter() - started

    publish.Publisher._create = timed
    leave = publish.Publisher.wait

    def counted(self):
        leave(self)
        _artifacts["created"] += self.created

    publish.Publisher.wait = counted


def report() -> dict:
    """What ``install`` counted, and this process's CPU seconds."""
    return {
        "client_cpu": _own_cpu() - _start["client"],
        "server_cpu": cpu_seconds(_server()) - _start["server"],
        "api_calls": sum(_calls.values()),
        "api_seconds": sum(_seconds.values()),
        "api": {k: [_calls[k], round(_seconds[k], 3)] for k in sorted(_calls)},
        "events": dict(_events),
        "artifacts": _artifacts["created"],
        "artifact_seconds": _artifacts["seconds"],
    }


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server() -> list[int]:
    return [int(p) for p in os.environ.get("BENCH_SERVER_PIDS", "").split()]


def server_pids() -> list[int]:
    """This process's descendants (the embedded Prefect server and what it started)."""
    found, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        for child in _children(pid):
            found.append(child)
            todo.append(child)
    return found


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of these processes so far (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick
