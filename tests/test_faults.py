"""Faults: a dispatch killed at random points, a receiver that fails or hangs, two dispatches
of the same inspections at once, the database gone in the middle of a run.

Each drives the scheduled entry points for real (the half-monthly dispatch flow, the
sender), in child processes wherever a process has to die or race (tests/fault_child.py),
against HTTP receivers on localhost that count every delivery by its X-Rectify-Key."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest
import yaml
from prefect.settings import PREFECT_API_URL
from sqlalchemy import create_engine, make_url, text
from sqlmodel import select

from flows.half_monthly_dispatch import half_monthly_dispatch
from models import CycleRun, Notice, create_schema, get_engine, reset_engine, session_scope
from rectify.core.settings import get_settings, reset_settings
from rectify.feedback.service import import_file
from rectify.notices.sender import CLAIM_LEASE, MAX_ATTEMPTS, deliver_due
from rectify.problems import service
from rectify.problems.actions import ApprovePlan
from tests.conftest import POSTGRES_URL, dump_database
from tests.receivers import HttpReceiver

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]

CHILD = Path(__file__).with_name("fault_child.py")
DEPUTIES = 3  # each gets the dispatch summary, besides one digest per responsible person
WORKERS = get_settings().send_threads  # rows a sender sends at once


def local(*args) -> dt.datetime:
    return pendulum.datetime(*args, tz="Asia/Shanghai")


AT = local(2024, 11, 1, 10)  # a Friday and a dispatch day, in working hours
DAY = AT.date().isoformat()


# ---------------------------------------------------------------- inspections to dispatch


def feedback(index: int, people: int, contact) -> dict:
    """An inspection (spec: feedback-format.md) with one problem per responsible person,
    so that one dispatch gives ``people + DEPUTIES`` digests."""
    persons = [
        {"id": "secretary", "name": "党组书记", "roles": ["leader"], "contacts": []},
        {"id": "office_head", "name": "办公室主任", "roles": ["office", "reviewer"]},
    ]
    persons += [
        {"id": f"deputy_{d}", "name": f"副局长{d}", "roles": ["deputy"], "contacts": []}
        for d in range(DEPUTIES)
    ]
    persons += [
        {"id": f"p{k:03d}", "name": f"责任人{k}", "roles": [], "contacts": []}
        for k in range(people)
    ]
    for person in persons:
        person["contacts"] = [contact(f"load-{index}", person["id"])]
    problems = [
        {
            "ref": str(k + 1),
            "title": f"问题{k + 1}",
            "measures": [
                {
                    "text": f"整改措施{k + 1}",
                    "lead_leader": "secretary",
                    "responsible_leader": f"deputy_{k % DEPUTIES}",
                    "department": "office",
                    "responsible_person": f"p{k:03d}",
                    "due": dt.date(2024, 12, 31),
                }
            ],
        }
        for k in range(people)
    ]
    return {
        "inspection": {
            "id": f"load-{index}",
            "round": "四届区委第八轮巡察",
            "group": "区委巡察八组",
            "unit": f"第{index + 1}单位党组",
            "kind": "regular",
            "onsite": {"start": dt.date(2024, 3, 14), "end": dt.date(2024, 4, 27)},
            "feedback_date": dt.date(2024, 6, 27),
        },
        "policy": {"dispatch_days": [1, 4]},  # 1 and 4 November 2024: a Friday, a Monday
        "people": persons,
        "departments": [{"id": "office", "name": "办公室"}],
        "aspects": [{"title": "方面一", "categories": [{"title": "类别一", "problems": problems}]}],
    }


def load(tmp_path: Path, http: HttpReceiver, *, inspections: int, people: int, query="") -> int:
    """Import and approve ``inspections`` inspections; returns the digests one dispatch
    of all of them enqueues."""
    for index in range(inspections):
        path = tmp_path / f"load-{index}.yaml"
        data = feedback(
            index,
            people,
            lambda unit, person: f"json://127.0.0.1:{http.port}/{person}/{unit}{query}",
        )
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert import_file(path).done
        approval = ApprovePlan(by="secretary", meeting="党组会议")
        assert service.act(f"load-{index}", approval, local(2024, 8, 28, 10)).done
    return inspections * (people + DEPUTIES)


# ---------------------------------------------------------------- child processes


class Child:
    """One run of tests/fault_child.py: ``dispatch`` (the flow) or ``deliver`` (the sender
    alone), started ahead of time and released by ``go``."""

    def __init__(self, run: str, log: Path, **env: str) -> None:
        self.log, self.stderr, self.is_ready = log, log.open("w"), False
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), run],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env={
                **os.environ,  # the test's database (RECTIFY_HOME, RECTIFY_DATABASE_URL)
                "PREFECT_API_URL": PREFECT_API_URL.value(),  # the session's test server
                "PREFECT_LOGGING_LEVEL": "WARNING",
                **env,
            },
            text=True,
        )

    def ready(self) -> Child:
        """Wait until it has imported what it needs."""
        if not self.is_ready:
            line = self.process.stdout.readline()
            assert line.strip() == "ready", f"no start:\n{self.log.read_text()[-3000:]}"
            self.is_ready = True
        return self

    def go(self, at: dt.datetime) -> None:
        self.ready()
        self.process.stdin.write(f"{at.isoformat()}\n")
        self.process.stdin.flush()

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def outcome(self, timeout: float = 120) -> dict:
        """The run's final state (the child's last line), once it has ended."""
        out, _ = self.process.communicate(timeout=timeout)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        assert lines, f"no outcome, exit {self.process.returncode}:\n{self.log.read_text()[-3000:]}"
        return json.loads(lines[-1])

    def stop(self) -> None:
        if self.running:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            stream.close()


@contextmanager
def children(tmp_path: Path, **env: str):
    """Starts children on demand; whatever is still running at the end is stopped."""
    started: list[Child] = []

    def start(run: str) -> Child:
        child = Child(run, tmp_path / f"child-{len(started)}.log", **env)
        started.append(child)
        return child

    try:
        yield start
    finally:
        for child in started:
            child.stop()


class Probe:
    """Reads the outbox while children write it, without taking SQLite's write lock (the
    engine's sessions begin IMMEDIATE) and without sharing the engine's pool."""

    def __init__(self) -> None:
        self.engine = create_engine(get_engine().url)

    def count(self, where: str = "1=1", **params) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM notice WHERE {where}"), params).scalar()

    def close(self) -> None:
        self.engine.dispose()


def outbox() -> list[Notice]:
    with session_scope() as session:
        return list(session.exec(select(Notice).order_by(Notice.id)))


def cycles() -> list[tuple[str, str, str]]:
    with session_scope() as session:
        return sorted((c.inspection_id, c.kind, c.period) for c in session.exec(select(CycleRun)))


def assert_each_notice_once(notices: list[Notice], expected: int) -> None:
    """No notice twice in the outbox, by its key or by what it is."""
    assert len(notices) == expected
    assert len({n.dedupe_key for n in notices}) == expected
    assert len({(n.inspection_id, n.kind, n.person_key, n.period) for n in notices}) == expected


# ---------------------------------------------------------------- 1. killed at random points


@dataclass
class Kill:
    target: str  # where it was aimed: "enqueue" (before any sending) or "sending"
    run: str  # the run killed: "dispatch" (the flow) or "deliver" (the sender alone)
    after: float  # seconds into the run
    phase: str  # where it landed: enqueue, dispatched (written, nothing sent yet), sending
    written: int  # the day's notices in the outbox after it
    delivered: int  # deliveries the receiver got from the run


def test_dispatch_killed_at_20_random_points_loses_nothing_and_repeats_only_in_flight(db, tmp_path):
    """SIGKILL at 20 seeded random points of dispatches of 309 digests each, restarting
    after each: every notice arrives, none is enqueued twice, and the only repeats at the
    receiver are the rows the dying sender had in flight (their X-Rectify-Key tells them
    apart)."""
    rng = random.Random(20241101)
    # a receiver that takes 0.1 s to answer: the sending lasts seconds, like the dispatch
    with HttpReceiver(latency=0.1) as http:
        per_day = load(tmp_path, http, inspections=3, people=100)
        probe = Probe()
        # The enqueue kills come first, at a random fraction of the time the last run took
        # to write its day's outbox (``enqueue_for``, learnt as the runs go). Once a day's
        # outbox is written there is nothing left to interrupt: the next dispatch day is
        # taken. The dispatch writes two inspections in one transaction, then the third.
        plan = ["enqueue"] * 8 + ["sending"] * 12
        days, day, enqueue_for = [AT, local(2024, 11, 4, 10)], 0, 0.8
        kills: list[Kill] = []
        at = AT
        started = time.monotonic()
        with children(tmp_path, RECTIFY_BATCH_SIZE="2") as start:
            spare = {run: start(run) for run in ("dispatch", "deliver")}
            runs = 0
            while len(kills) < len(plan):
                runs += 1
                assert runs <= 2 * len(plan), f"the runs stopped being killable: {kills}"
                target = plan[len(kills)]
                enqueue_at, sending_for = rng.uniform(0.15, 1.0), rng.uniform(0.0, 0.4)
                # a sending kill is in a restart of the whole flow or of the sender alone
                run = "deliver" if target == "sending" and rng.random() < 0.7 else "dispatch"
                period = days[day].date().isoformat()
                if target == "enqueue" and probe.count("period = :p", p=period) == per_day:
                    if day + 1 < len(days):
                        day += 1
                        at, period = days[day], days[day].date().isoformat()
                child, spare[run] = spare[run], start(run)  # the next starts while this runs
                delivered = len(http.messages)
                child.go(at)
                t0 = time.monotonic()
                kill_at = t0 + enqueue_at * enqueue_for if target == "enqueue" else None
                before = probe.count("period = :p", p=period)
                written = before if target == "enqueue" else None
                while child.running:
                    now = time.monotonic()
                    if written is not None and written < per_day:
                        written = probe.count("period = :p", p=period)
                        if written == per_day:
                            enqueue_for = now - t0
                    if kill_at is None and len(http.messages) > delivered:
                        kill_at = now + sending_for
                    if kill_at is not None and now >= kill_at:
                        child.kill()
                        http.settle()  # what it had in flight reaches the receiver
                        got = len(http.messages) - delivered
                        written = probe.count("period = :p", p=period)
                        if got:
                            phase = "sending"
                        elif written < per_day:
                            phase = "enqueue"
                            if written == before:  # let the next one live longer
                                enqueue_for *= 1.25
                        else:
                            phase = "dispatched"
                        kills.append(Kill(target, run, round(now - t0, 2), phase, written, got))
                        break
                    time.sleep(0.005)
                else:
                    outcome = child.outcome()
                    assert outcome["state"] == "COMPLETED", outcome
                    if probe.count("status NOT IN ('pending', 'sending')") == per_day * (day + 1):
                        # all sent already: the kills left can only hit the dispatch
                        plan[len(kills) :] = ["enqueue"] * (len(plan) - len(kills))
                # the restart comes later: the rows the dead run held are claimed again
                at = at + CLAIM_LEASE + dt.timedelta(minutes=1)
            spare["dispatch"].go(at)
            outcome = spare["dispatch"].outcome()
            assert outcome["state"] == "COMPLETED", outcome
        # the last run's claims are sent once their lease has run out
        deliver_due(at + CLAIM_LEASE + dt.timedelta(minutes=1), sessions=session_scope)
        seconds = time.monotonic() - started
        probe.close()

        dispatched = [d.date().isoformat() for d in days[: day + 1]]
        notices = outbox()
        assert_each_notice_once(notices, per_day * len(dispatched))
        assert Counter(n.status for n in notices) == {"sent": len(notices)}  # none left sending
        assert {n.attempts for n in notices} == {1}  # a killed attempt leaves no record
        assert cycles() == [(f"load-{i}", "dispatch", d) for i in range(3) for d in dispatched]

        received = http.keys()
        keys = {n.dedupe_key for n in notices}
        lost, unknown = keys - set(received), set(received) - keys
        raw, distinct = sum(received.values()), len(received)
        phases = Counter(k.phase for k in kills)
        print(
            f"\n{len(kills)} kills in {runs} runs {dict(phases)}, {seconds:.0f} s: "
            f"{len(notices)} notices, {raw} deliveries, {distinct} distinct keys, "
            f"{raw - distinct} repeats ({(raw - distinct) / len(kills):.2f} a kill), "
            f"{len(lost)} lost\n" + "\n".join(map(str, kills))
        )
        assert not lost and not unknown and distinct == len(notices)
        # each worker of a dying sender had at most one row delivered and not yet recorded
        assert raw - distinct <= WORKERS * len(kills)
        assert phases["enqueue"] >= 1 and phases["sending"] >= 1, kills


# ---------------------------------------------------------------- 2. a receiver that fails


TIMEOUTS = "?cto=0.5&rto=0.5"  # Apprise's connect and read timeouts, in seconds


def test_a_hanging_receiver_is_retried_at_1_2_4_8_minutes_then_failed_and_reported(db, tmp_path):
    """A receiver that accepts the post but answers after the sender's read timeout: each
    notice is tried again 1, 2, 4 and 8 minutes later (never sooner), failed after the fifth
    attempt, and the next dispatch's summary to the deputies names every failure, once."""
    # every post is held 1 s (the sender waits 0.5 s) and then refused
    with HttpReceiver(slow=10**6, slow_for=1.0, fail=10**6) as http:
        expected = load(tmp_path, http, inspections=1, people=2, query=TIMEOUTS)
        half_monthly_dispatch(as_of=AT)
        tried, schedule = AT, []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            notices = outbox()
            assert {n.attempts for n in notices} == {attempt}
            assert http.attempts == attempt * expected
            assert all(n.last_error and "127.0.0.1" in n.last_error for n in notices)
            if attempt == MAX_ATTEMPTS:
                break
            assert {n.status for n in notices} == {"pending"}
            (due,) = {n.next_attempt_at for n in notices}
            schedule.append((due - tried).total_seconds() / 60)
            # not before its time
            deliver_due(due - dt.timedelta(seconds=1), sessions=session_scope)
            assert http.attempts == attempt * expected
            deliver_due(due, sessions=session_scope)
            tried = due
        assert schedule == [1, 2, 4, 8]
        assert {n.status for n in notices} == {"failed"} and http.messages == []

        http.settle()  # the last posts are refused too
        http.slow = http.fail = 0  # the receiver is back
        half_monthly_dispatch(as_of=local(2024, 11, 4, 10))
        failed = {n.dedupe_key: n for n in notices}
        summaries = [m for m in http.messages if m.to.startswith("deputy_")]
        assert len(summaries) == DEPUTIES
        for summary in summaries:
            assert f"有{expected}条通知发送失败" in summary.body
            assert all(f"{n.person_key}的{n.subject}" in summary.body for n in failed.values())
        assert not set(failed) & set(http.keys())  # a failed notice is not sent later
        # reported once: the dispatch after that one does not name them again
        half_monthly_dispatch(as_of=local(2024, 12, 4, 10))
        later = [m for m in http.messages if m.to.startswith("deputy_")][DEPUTIES:]
        assert len(later) == DEPUTIES and not any("发送失败" in m.body for m in later)


def test_a_notice_that_timed_out_is_sent_when_the_receiver_recovers(db, tmp_path):
    """The receiver handles the first posts only after the sender gave up waiting: the
    notices are retried a minute later and sent; the receiver got each twice and can tell
    by X-Rectify-Key that the second is a repeat."""
    with HttpReceiver(slow=10**6, slow_for=1.0) as http:
        expected = load(tmp_path, http, inspections=1, people=2, query=TIMEOUTS)
        half_monthly_dispatch(as_of=AT)
        notices = outbox()
        assert {(n.status, n.attempts) for n in notices} == {("pending", 1)}
        http.slow = 0  # the receiver answers in time again
        http.settle()  # the first posts, handled late
        assert len(http.messages) == expected
        report = deliver_due(AT + dt.timedelta(minutes=1), sessions=session_scope)
        assert (report.sent, report.retrying, report.failed) == (expected, 0, 0)
        notices = outbox()
        assert {(n.status, n.attempts, n.last_error) for n in notices} == {("sent", 2, None)}
        assert http.keys() == Counter({n.dedupe_key: 2 for n in notices})


# ---------------------------------------------------------------- 3. two dispatches at once


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, db, monkeypatch) -> str:
    """The test on a SQLite file and on PostgreSQL (RECTIFY_TEST_DATABASE_URL), whichever
    database the rest of the suite runs on."""
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip("PostgreSQL variant: set RECTIFY_TEST_DATABASE_URL (CI's second run does)")
    if request.param == "sqlite" and POSTGRES_URL:
        monkeypatch.delenv("RECTIFY_DATABASE_URL")
        reset_settings()
        reset_engine()
        create_schema()
    return request.param


@contextmanager
def barrier(database: str, waiting: int):
    """Holds the outbox while the runs start, so that they reach it together. PostgreSQL:
    until ``waiting`` sessions wait for a lock; SQLite (one writer at a time): for 2 s."""
    if database == "sqlite":
        lock = sqlite3.connect(get_engine().url.database, timeout=60, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            yield
            time.sleep(2)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        return
    engine = create_engine(get_engine().url, isolation_level="AUTOCOMMIT")
    with engine.connect() as holder, engine.connect() as watcher:
        holder.execute(text("BEGIN"))
        holder.execute(text("LOCK TABLE notice IN ACCESS EXCLUSIVE MODE"))
        yield
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            blocked = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            ).scalar()
            if blocked >= waiting:
                break
            time.sleep(0.01)
        else:
            raise AssertionError("the runs never reached the outbox together")
        holder.execute(text("ROLLBACK"))
    engine.dispose()


def test_two_dispatches_at_once_enqueue_and_deliver_each_notice_once(database, tmp_path):
    """The same dispatch started twice at the same moment in two processes (a manual run
    beside the scheduled one): both complete, and every notice is in the outbox once and
    reaches its receiver once."""
    with HttpReceiver() as http:
        expected = load(tmp_path, http, inspections=3, people=40)
        with children(tmp_path) as start:
            runs = [start("dispatch").ready() for _ in range(2)]
            with barrier(database, waiting=len(runs)):
                for run in runs:
                    run.go(AT)
            outcomes = [run.outcome() for run in runs]
        late = deliver_due(AT + CLAIM_LEASE + dt.timedelta(minutes=1), sessions=session_scope)
        notices = outbox()
        assert_each_notice_once(notices, expected)
        assert Counter(n.status for n in notices) == {"sent": expected}
        assert {n.attempts for n in notices} == {1} and late.sent == 0
        assert cycles() == [(f"load-{i}", "dispatch", DAY) for i in range(3)]
        received = http.keys()
        assert set(received) == {n.dedupe_key for n in notices}
        assert sum(received.values()) == expected  # 0 duplicate deliveries
        assert [o["state"] for o in outcomes] == ["COMPLETED"] * 2, outcomes
        sent = [o["result"]["delivery"]["sent"] for o in outcomes]
        assert sum(sent) == expected, sent


# ---------------------------------------------------------------- 4. the database goes away


@contextmanager
def outage(db_path: Path):
    """The database unavailable until the block ends; yields what its error may say.
    SQLite: another connection holds the write lock, longer than the run's busy timeout
    (2 s here, 30 s by default) (the engine begins every transaction IMMEDIATE). PostgreSQL: the database
    refuses new connections and every open one is terminated."""
    if not POSTGRES_URL:
        lock = sqlite3.connect(db_path, timeout=60, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # waits for a transaction in progress to end
        try:
            yield ["database is locked"]
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        return
    url = make_url(POSTGRES_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = url.database
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    try:
        yield [
            "terminating connection",
            "not currently accepting connections",
            "server closed the connection",
            "connection is closed",
        ]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        get_engine().dispose()  # its pooled connections were terminated too


UNITS = 3


def test_database_gone_mid_run_fails_loudly_and_leaves_no_half_written_dispatch(db, tmp_path):
    """The database goes away once the first inspection's dispatch is written: the run ends
    Failed with the database's error, every inspection has its dispatch record and all its
    notices or neither, nothing else changed, and the run started again completes it. The
    run holds after its first inspection's transaction until the outage has begun, so the
    outage comes between two of its transactions however fast it runs (without the hold,
    a fast run once wrote all three units of an earlier version before the outage)."""
    with HttpReceiver() as http:
        expected = load(tmp_path, http, inspections=UNITS, people=30)
        per_inspection = expected // UNITS
        before = dump_database()
        probe = Probe()
        # one inspection per transaction, so that the run can fail between two of them
        release = tmp_path / "outage-begun"
        with children(
            tmp_path,
            RECTIFY_BATCH_SIZE="1",
            RECTIFY_SQLITE_BUSY_TIMEOUT="2",
            FAULT_RELEASE_AFTER_FIRST_NOTICES=str(release),
        ) as start:
            run = start("dispatch").ready()
            run.go(AT)
            deadline = time.monotonic() + 60
            while not probe.count("period = :p", p=DAY) and time.monotonic() < deadline:
                assert run.running, run.outcome()
                time.sleep(0.005)
            probe.close()
            with outage(db) as errors:
                release.touch()
                outcome = run.outcome(timeout=120)
        assert outcome["state"] == "FAILED" and run.process.returncode == 1, outcome
        error = outcome.get("error", "")
        assert "OperationalError" in error and any(e in error for e in errors), error

        after = dump_database()
        changed = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
        assert changed <= {"notice", "cyclerun"}, changed
        written = Counter(n.inspection_id for n in outbox())
        recorded = {inspection for inspection, _, _ in cycles()}
        for index in range(UNITS):
            inspection = f"load-{index}"
            assert written[inspection] in (0, per_inspection), written
            assert (inspection in recorded) == (written[inspection] == per_inspection)
        assert sum(written.values()) == per_inspection  # it failed after the first, held one

        with children(tmp_path) as start:
            again = start("dispatch")
            again.go(AT)
            outcome = again.outcome()
        assert outcome["state"] == "COMPLETED", outcome
        deliver_due(AT + CLAIM_LEASE + dt.timedelta(minutes=1), sessions=session_scope)
        notices = outbox()
        assert_each_notice_once(notices, expected)
        assert Counter(n.status for n in notices) == {"sent": expected}
        assert cycles() == [(f"load-{i}", "dispatch", DAY) for i in range(UNITS)]
        assert set(http.keys()) == {n.dedupe_key for n in notices}
