"""Schema migrations (Alembic): ``rectify init`` and ``rectify upgrade`` bring SQLite and
PostgreSQL databases to the newest revision."""

from __future__ import annotations

import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from models.db import get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# The engines already brought up to date in this process: a new engine (``reset_engine``)
# is checked again.
_MIGRATED: weakref.WeakSet[Engine] = weakref.WeakSet()


def create_schema() -> None:
    """Bring the database to the newest schema revision (Alembic), once per engine."""
    engine = get_engine()
    if engine in _MIGRATED:
        return
    upgrade()
    _MIGRATED.add(engine)


def alembic_config() -> Config:
    """The Alembic configuration pointing at the engine's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (an older database made before migrations is
    first stamped with the first schema)."""
    config = alembic_config()
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        unversioned = MigrationContext.configure(connection).get_current_revision() is None
        if unversioned and inspect(connection).has_table("inspection"):
            command.stamp(config, "0001")  # made before migrations existed: the first schema
        command.upgrade(config, revision)


def current_revision() -> str | None:
    """The database's schema revision, or None if it has none."""
    with get_engine().connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def revision(message: str) -> None:
    """Autogenerate a new revision against the current database (for developers)."""
    config = alembic_config()
    command.revision(config, message=message, autogenerate=True)
