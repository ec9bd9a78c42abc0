"""Schema migrations (Alembic): ``rectify init`` and ``rectify upgrade`` bring SQLite and
PostgreSQL databases to the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(revision: str = "head") -> None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    from models.db import get_engine

    config = alembic_config()
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        unversioned = MigrationContext.configure(connection).get_current_revision() is None
        if unversioned and inspect(connection).has_table("inspection"):
            command.stamp(config, "0001")  # made before migrations existed: the first schema
        command.upgrade(config, revision)


def current_revision() -> str | None:
    from alembic.runtime.migration import MigrationContext

    from models.db import get_engine

    with get_engine().connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def revision(message: str) -> None:
    """Autogenerate a new revision against the current database (for developers)."""
    config = alembic_config()
    command.revision(config, message=message, autogenerate=True)
