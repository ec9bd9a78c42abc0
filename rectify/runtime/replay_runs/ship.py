"""The new Prefect database the engine ships for its Prefect version (``databases/``): on a
new home a replay's own server starts on a copy of it instead of running Prefect's
migrations (``OwnServer``). Made again when the Prefect the engine pins changes:

    .venv/bin/python -m rectify.runtime.replay_runs.ship

which makes one as a first replay does (``make_database``) and packs it with gzip. The slow
tests make one again and compare it with the shipped one (``describe``)."""

from __future__ import annotations

import gzip
import re
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from rectify.runtime.replay_runs.own_server import make_database, prefect_version, shipped


def describe(database: Path) -> dict[str, list[tuple]]:
    """What makes two new Prefect databases the same, their row ids and times aside: every
    table, index and trigger with its SQL (a table's constraints in any order: Prefect's
    migrations write them in an order that differs from one run to the next), the migration
    reached, the block types and the block schemas (by checksum) registered."""
    uri = f"file:{database}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        found = {
            name: db.execute(query).fetchall()
            for name, query in (
                ("schema", "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2"),
                ("migration", "SELECT version_num FROM alembic_version"),
                ("block types", "SELECT slug, name, is_protected FROM block_type ORDER BY 1"),
                ("block schemas", "SELECT checksum, version FROM block_schema ORDER BY 1"),
            )
        }
    found["schema"] = [(*row[:3], _constraints_sorted(row[3])) for row in found["schema"]]
    return found


def _constraints_sorted(sql: str | None) -> str | None:
    """A ``CREATE TABLE`` with its ``CONSTRAINT`` clauses sorted, its columns in order."""
    if not sql or not sql.startswith("CREATE TABLE") or not sql.endswith("\n)"):
        return sql
    parts = re.split(r",\s*\n\t", sql[: -len("\n)")])
    constraints = sorted(p for p in parts if p.lstrip().startswith("CONSTRAINT"))
    columns = [p for p in parts if not p.lstrip().startswith("CONSTRAINT")]
    return ",\n\t".join(columns + constraints) + "\n)"


def ship() -> Path:
    """Make a new database of the installed Prefect and pack it where the engine ships it."""
    target = shipped(prefect_version())
    with tempfile.TemporaryDirectory() as tmp:
        made = Path(tmp) / "prefect.db"
        make_database(made)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(made, "rb") as source, gzip.GzipFile(target, "wb", mtime=0) as packed:
            shutil.copyfileobj(source, packed)
    return target


if __name__ == "__main__":
    print(ship())
