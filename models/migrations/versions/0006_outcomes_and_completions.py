"""measures completed one by one, stage reports on long-term problems, the outcomes a unit
records (meetings, institutions built, accountability cases), a problem's earlier round and
the public's contact of an inspection

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def _instant() -> sa.Column:
    return sa.Column("at", models.db.UtcDateTime(), nullable=False)


def _table(name: str, parent: str, *columns: sa.Column) -> None:
    """A history table: id, the parent key, the instant, who, and its own columns."""
    key = f"{parent}_id"
    key_type = TEXT() if parent == "inspection" else sa.Integer()
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(key, key_type, nullable=False),
        _instant(),
        sa.Column("by", TEXT(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint([key], [f"{parent}.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_{key}"), [key], unique=False)


def upgrade() -> None:
    op.add_column("problem", sa.Column("carried_from", TEXT(), nullable=True))
    op.add_column(
        "inspection",
        sa.Column("public_contact", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    _table("measurecompletion", "measure", sa.Column("text", TEXT(), nullable=False))
    _table(
        "stagereport",
        "problem",
        sa.Column("text", TEXT(), nullable=False),
        sa.Column("next_checkpoint", sa.Date(), nullable=False),
    )
    _table(
        "meeting",
        "inspection",
        sa.Column("kind", TEXT(), nullable=False),
        sa.Column("title", TEXT(), nullable=False),
    )
    _table("institution", "inspection", sa.Column("title", TEXT(), nullable=False))
    _table(
        "accountabilitycase",
        "inspection",
        sa.Column("kind", TEXT(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("text", TEXT(), nullable=False),
    )


def downgrade() -> None:
    for name in (
        "accountabilitycase",
        "institution",
        "meeting",
        "stagereport",
        "measurecompletion",
    ):
        op.drop_table(name)
    # SQLite (3.35+) drops a column in place: a batch copy of ``problem`` would break the
    # foreign keys of its measures.
    op.execute("ALTER TABLE problem DROP COLUMN carried_from")
    op.execute("ALTER TABLE inspection DROP COLUMN public_contact")
