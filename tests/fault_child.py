"""A dispatch in its own process, for the fault tests to kill, race or cut off from its
database.

``python tests/fault_child.py dispatch|deliver`` imports what the run needs, prints
``ready`` and waits for one line on stdin, the instant to run for (ISO 8601): the test
starts it ahead of time and so starts its clock when the run itself starts. ``dispatch``
runs the scheduled entry point, ``half_monthly_dispatch(as_of=AT)``: every inspection's
dispatch, then the delivery of what is due; ``deliver`` runs the sender alone,
``deliver_due(AT, sessions=session_scope)``, as the delivery flow does. The last line printed is the run's final
state as JSON; the exit status is 0 only when the run completed. The database and the
Prefect API come from the environment (``RECTIFY_HOME``/``RECTIFY_DATABASE_URL``,
``PREFECT_API_URL``). With ``FAULT_RELEASE_AFTER_FIRST_NOTICES=PATH`` the run holds after
its first transaction that wrote notices until PATH exists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def hold_after_first_notices(release: Path) -> None:
    """Once the first transaction that wrote notices has committed, wait (up to 60 s) until
    ``release`` exists: a test can then take the database away between two of the run's
    transactions, whatever the speed of the run."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    wrote, held = [False], [False]

    @event.listens_for(Engine, "after_cursor_execute")
    def noted(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO NOTICE ("):
            wrote[0] = True

    @event.listens_for(Session, "after_commit")
    def hold(session) -> None:
        if wrote[0] and not held[0]:
            held[0] = True
            deadline = time.monotonic() + 60
            while not os.path.exists(release) and time.monotonic() < deadline:
                time.sleep(0.01)


def main(mode: str) -> int:
    if mode == "dispatch":
        from flows.half_monthly_dispatch import half_monthly_dispatch

        try:  # a finished flow run waits up to 1 s for its heartbeat; the simulation skips it
            from rectify.runtime.simulation import _without_flow_heartbeats as without_heartbeats
        except ImportError:  # pragma: no cover - only slower
            without_heartbeats = contextlib.nullcontext
    else:
        from models import session_scope
        from rectify.notices.sender import deliver_due
    if release := os.environ.get("FAULT_RELEASE_AFTER_FIRST_NOTICES"):
        hold_after_first_notices(Path(release))
    print("ready", flush=True)
    at = sys.stdin.readline().strip()
    if not at:
        return 2  # the test went away before starting this run
    started = time.monotonic()
    if mode == "deliver":
        report = deliver_due(dt.datetime.fromisoformat(at), sessions=session_scope)
        outcome = {"state": "COMPLETED", "result": dataclasses.asdict(report)}
    else:
        with without_heartbeats():
            state = half_monthly_dispatch(as_of=at, return_state=True)
        outcome = {"state": state.type.value, "message": state.message}
        try:
            outcome["result"] = state.result()
        except BaseException as exc:  # the run's own error, reported as it is
            outcome["error"] = f"{type(exc).__name__}: {exc}"
    outcome["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(outcome, ensure_ascii=False, default=str), flush=True)
    return 0 if outcome["state"] == "COMPLETED" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
