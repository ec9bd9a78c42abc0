"""The append-only audit log: every action, done or refused, with its reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from models import AuditEvent
from rectify.core.clock import utc_now

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id",
    "at",
    "recorded_at",
    "inspection_id",
    "actor",
    "action",
    "subject",
    "outcome",
    "code",
    "reason",
    "details",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, str) and value.startswith(("{", "[")):
        try:
            return json.loads(value)  # JSON read back as text by a raw query
        except ValueError:
            return value
    return value


def event_hash(previous: str, fields: dict[str, Any]) -> str:
    """sha256 over the previous hash and the event's content, canonically serialised."""
    content = {name: _canonical(fields.get(name)) for name in HASHED_FIELDS}
    if isinstance(content["at"], str) and " " in content["at"]:  # a raw SQLite timestamp
        content["at"] = _canonical(dt.datetime.fromisoformat(content["at"]))
    if isinstance(content["recorded_at"], str) and " " in content["recorded_at"]:
        content["recorded_at"] = _canonical(dt.datetime.fromisoformat(content["recorded_at"]))
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous + text).encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """One writer extends the chain at a time (SQLite: BEGIN IMMEDIATE already serialises)."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(7305771)"))


def record(
    session: Session,
    *,
    at: dt.datetime,
    action: str,
    outcome: str,
    inspection_id: str | None = None,
    actor: str | None = None,
    subject: str | None = None,
    code: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the hash-chained audit log (审计日志), done or refused, in the
    caller's transaction, and return it."""
    event = AuditEvent(
        at=at,
        recorded_at=utc_now(),
        inspection_id=inspection_id,
        actor=actor,
        action=action,
        subject=subject,
        outcome=outcome,
        code=code,
        reason=reason,
        details=details or {},
    )
    _lock_chain(session)
    last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    event.prev_hash = (last.hash if last else None) or GENESIS
    session.add(event)
    session.flush()  # the id is part of what is hashed
    event.hash = event_hash(event.prev_hash, event.model_dump())
    session.add(event)
    return event


# Columns an event cannot be without; a NULL there is a row edited outside the engine.
REQUIRED_FIELDS = ("at", "recorded_at", "action", "outcome", "details", "hash")


def _unreadable(row: dict[str, Any]) -> str | None:
    """Why a raw row cannot be an event as the engine wrote it, or None."""
    missing = [name for name in REQUIRED_FIELDS if row.get(name) is None]
    if missing:
        return f"{'、'.join(missing)} 为空"
    details = row["details"]
    if isinstance(details, str):  # SQLite returns JSON as text to a raw query
        try:
            details = json.loads(details)
        except ValueError:
            return "details 不是有效的 JSON"
    if not isinstance(details, dict):
        return "details 不是 JSON 对象"
    for name in ("at", "recorded_at"):
        if isinstance(row[name], str):
            try:
                dt.datetime.fromisoformat(row[name])
            except ValueError:
                return f"{name} 不是有效的时间"
    return None


def _raw_events(session: Session):
    """Every event as stored, oldest first, read without the table's types (a row that is
    not what the engine wrote is then reported, not raised)."""
    columns = ", ".join(f'"{name}"' for name in (*HASHED_FIELDS, "prev_hash", "hash"))
    table = AuditEvent.__tablename__
    return session.connection().execute(text(f"SELECT {columns} FROM {table} ORDER BY id"))


def verify(session: Session) -> list[str]:
    """Every place the chain does not hold: an edited event, one inserted or deleted, or a row
    that cannot be read at all (malformed JSON, a NULL where a value must be) — tampered too."""
    problems: list[str] = []
    expected = GENESIS
    for mapping in _raw_events(session).mappings():
        row = dict(mapping)
        number = row["id"]
        if row["prev_hash"] != expected:
            problems.append(
                f"事件 #{number}：与前一条记录衔接不上，#{number} 之前有记录被删除或插入"
            )
        unreadable = _unreadable(row)
        if unreadable:
            problems.append(f"事件 #{number}：记录无法读取（{unreadable}），已被篡改")
        elif row["hash"] != event_hash(row["prev_hash"] or "", row):
            problems.append(f"事件 #{number}：记录后内容被修改")
        expected = row["hash"] or ""
    return problems
