"""No secret leaves the process except towards its own receiver.

A whole simulation, really delivering (``send``), to people whose contacts are Apprise URLs
holding ``${RECTIFY_SECRET_…}`` secrets taken from the environment: a receiver that takes
every post, one that answers 500 to every post, an SMTP server that refuses the login, a port
nobody listens on, and a URL a secret makes invalid — so that every kind of error text is
written. Then every place a text can end up is searched for each secret, as written and as a
URL library writes it back (percent-encoded): log records of every logger at DEBUG, stdout
and stderr, the Prefect API's logs, artifacts, flow and task runs (names, parameters, state
messages), the Prefect server's database file, every file the simulation wrote, the
engine's database, and the outbox rows — whose contacts keep the ``${VAR}`` template."""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime as dt
import json
import logging
import urllib.parse
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from models import Notice, Person, session_scope
from rectify.runtime.simulation import load_scenario, simulate, write_outputs
from tests.conftest import SPEC_EXAMPLE, dump_database
from tests.receivers import HttpReceiver, SmtpReceiver, free_port

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]

SECRETS = {
    "RECTIFY_SECRET_HOOK": "hook-Zq81-sEcReT-a9F3",  # path of the receiver that takes posts
    "RECTIFY_SECRET_BEARER": "bearer+Kx/9Yz=sEcReT-Qw",  # a header, with URL-special characters
    "RECTIFY_SECRET_FAIL": "fail-Tn42-sEcReT-u7Hc",  # path of the receiver answering 500
    "RECTIFY_SECRET_FAIL_HEADER": "hdr+Lp/3Rm=sEcReT-Vk",
    "RECTIFY_SECRET_SMTP": "smtp-Wd56-sEcReT-e2Jx",  # password the SMTP server cannot take
    "RECTIFY_SECRET_DOWN": "down-Ga19-sEcReT-o4Bn",  # path on a port nobody listens on
    "RECTIFY_SECRET_SLASHED": "sl/ash-sEcReT-Pq",  # makes its URL invalid (a / in user:pass)
}

SCENARIO = """\
feedback: binhai.yaml
clock:
  start: 2024-10-09T09:00
  until: 2024-11-02T18:00
events:
  - at: 2024-10-09T10:00
    approve_plan: {meeting: 2024年第N次局党组会议, by: secretary}
  - at: 2024-10-22
    progress: {problem: "2", text: 已部署, by: clerk}
  - at: 2024-11-02T10:00
    sign_off: {problem: "1", by: discipline, evidence: [minutes-0910.pdf]}
"""


def forms(value: str) -> set[str]:
    """A secret as written and as URL libraries and HTTP basic auth write it back."""
    quoted = {
        value,
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote(value),
        urllib.parse.quote_plus(value),
        value.replace("+", " "),
    }
    return quoted | {base64.b64encode(f"user:{v}".encode()).decode() for v in quoted}


class Recorder(logging.Handler):
    """Every record, formatted with its exception, of every logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))


@pytest.fixture
def recorder():
    """Attached to the root logger and to every logger that does not propagate to it (the
    Prefect ones), everything at DEBUG: whatever a library would log, it logs here."""
    handler = Recorder()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    noisy = ("apprise", "urllib3", "requests", "rectify", "flows", "tasks", "prefect.flow_runs")
    levels = {name: logging.getLogger(name).level for name in noisy}
    for logger in loggers:
        logger.addHandler(handler)
    for name in noisy:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def scenario(db, tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    with HttpReceiver() as ok, HttpReceiver(fail=10**9) as failing, SmtpReceiver() as smtp:
        data = yaml.safe_load(SPEC_EXAMPLE.read_text(encoding="utf-8"))
        contacts = {
            "secretary": [
                f"mailto://user:${{RECTIFY_SECRET_SMTP}}@127.0.0.1:{smtp.port}"
                "?from=rectify@example.gov.cn&to=secretary@example.gov.cn&mode=insecure"
            ],
            "deputy_law": [
                ok.url("deputy_law", "RECTIFY_SECRET_HOOK")
                + "?+Authorization=Bearer%20${RECTIFY_SECRET_BEARER}"
            ],
            "office_head": [
                failing.url("office_head", "RECTIFY_SECRET_FAIL")
                + "?+X-Token=${RECTIFY_SECRET_FAIL_HEADER}"
            ],
            "discipline": [f"json://127.0.0.1:{free_port()}/discipline/${{RECTIFY_SECRET_DOWN}}"],
            "clerk": [f"json://user:${{RECTIFY_SECRET_SLASHED}}@127.0.0.1:{ok.port}/clerk"],
        }
        roles = {"discipline": ["reviewer"], "clerk": []}
        data["people"] = [
            {"id": p["id"], "name": p["name"], "roles": p["roles"], "contacts": contacts[p["id"]]}
            for p in data["people"]
        ] + [
            {"id": key, "name": key, "roles": roles[key], "contacts": contacts[key]}
            for key in ("discipline", "clerk")
        ]
        for staff in data["office"]["staff"]:  # the office's side: refused by its receiver
            staff["contacts"] = [
                failing.url(staff["id"], "RECTIFY_SECRET_FAIL")
                + "?+X-Token=${RECTIFY_SECRET_FAIL_HEADER}"
            ]
        problems = data["aspects"][0]["categories"][0]["problems"]
        second = {**problems[0], "ref": "2", "title": "制度执行不严"}
        second["measures"] = [
            {
                **copy.deepcopy(problems[0]["measures"][0]),
                "responsible_person": "clerk",
                "responsible_leader": "discipline",
            }
        ]
        problems.append(second)
        (tmp_path / "binhai.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
        path = tmp_path / "scenario.yaml"
        path.write_text(SCENARIO, encoding="utf-8")
        yield path, ok, failing, smtp


def prefect_texts(since: dt.datetime) -> list[tuple[str, str]]:
    """What the Prefect API holds from ``since``: logs, artifacts, flow and task runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterStartTime,
        LogFilter,
        LogFilterTimestamp,
    )
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # send the logs still queued

    async def read(method, **kwargs) -> list:
        out, offset = [], 0
        async with get_client() as client:
            while page := await getattr(client, method)(limit=200, offset=offset, **kwargs):
                out += page
                offset += len(page)
        return out

    async def everything():
        runs = FlowRunFilter(start_time=FlowRunFilterStartTime(after_=since))
        return (
            await read(
                "read_logs", log_filter=LogFilter(timestamp=LogFilterTimestamp(after_=since))
            ),
            await read("read_artifacts"),
            await read("read_flow_runs", flow_run_filter=runs),
            await read("read_task_runs", flow_run_filter=runs),
        )

    logs, artifacts, flow_runs, task_runs = asyncio.run(everything())
    assert logs and artifacts and flow_runs, "the scan would find nothing"
    texts = [("prefect log", f"{log.name} {log.message}") for log in logs]
    texts += [("artifact", f"{a.key} {a.description} {a.data}") for a in artifacts]
    for run in flow_runs + task_runs:
        texts.append((f"run {run.name}", run.model_dump_json()))
    return texts


def file_texts(since: dt.datetime, *folders: Path) -> list[tuple[str, str]]:
    """Every file written under ``folders`` from ``since`` (outputs, databases and their
    journals, stored results), as text."""
    return [
        (str(path), path.read_bytes().decode("utf-8", errors="replace"))
        for folder in folders
        if folder.exists()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.stat().st_mtime >= since.timestamp()
    ]


def test_no_secret_in_logs_runs_artifacts_files_or_outbox(
    scenario, tmp_path, recorder, capsys, caplog
):
    import prefect.settings

    path, ok, failing, smtp = scenario
    caplog.set_level(logging.DEBUG)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    out = tmp_path / "out"
    write_outputs(simulate(load_scenario(path), send=True, in_place=True), out)

    # the secrets were used: delivered with the path token, refused, failed
    assert ok.messages and all(m.path.startswith("/deputy_law/hook-Zq81") for m in ok.messages)
    assert failing.attempts > 0 and not failing.messages
    with session_scope() as session:
        notices = session.exec(select(Notice)).all()
        templates = {p.key: p.contacts for p in session.exec(select(Person))}
    errors = [n.last_error for n in notices if n.last_error]
    assert {n.person_key for n in notices if n.status == "sent"} == {"deputy_law"}
    for person in ("secretary", "office_head", "discipline", "clerk"):
        assert any(n.person_key == person and n.last_error for n in notices), person
    assert any("invalid Apprise URL" in e for e in errors)
    assert any("error=500" in e for e in errors)
    for notice in notices:  # the outbox keeps the template, never the value
        assert notice.contacts == templates[notice.person_key]
        assert all("${RECTIFY_SECRET_" in url for url in notice.contacts)

    texts = [("log record", text) for text in recorder.texts]
    assert any("Failed to send JSON" in text for text in recorder.texts)
    captured = capsys.readouterr()
    texts += [("stdout", captured.out), ("stderr", captured.err), ("caplog", caplog.text)]
    texts += [(f"outbox #{n.id}", n.model_dump_json()) for n in notices]
    texts += [("engine database", json.dumps(dump_database(), ensure_ascii=False))]
    texts += prefect_texts(since)
    server_db = prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL.value()
    folders = [out, tmp_path / "home"]  # outputs; the engine's SQLite file, WAL and journal
    if server_db and server_db.startswith("sqlite"):
        folders.append(Path(server_db.split("///", 1)[1]).parent)
    folders.append(prefect.settings.PREFECT_LOCAL_STORAGE_PATH.value())
    texts += file_texts(since, *folders)
    assert any(name.endswith("notices.jsonl") for name, _ in texts)

    leaks = [
        (where, name, form)
        for where, text in texts
        for name, value in SECRETS.items()
        for form in forms(value)
        if form in text
    ]
    assert not leaks, "\n".join(
        f"{name} as {form!r} in {where}" for where, name, form in sorted(set(leaks))
    )
