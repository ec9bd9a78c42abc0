"""the inspection office (巡察办) and its staff; people carry their side; the unit's
rectification office is the role ``unit_office``

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 05:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 待销号审核: a problem awaiting the office's decision on its sign-off. SQLite keeps the enum
    # as text; PostgreSQL's enum type needs the new name.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE problemstate ADD VALUE IF NOT EXISTS 'AWAITING_CONFIRMATION'")
    op.create_table(
        "office",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "officestaff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "key"),
    )
    with op.batch_alter_table("officestaff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_officestaff_office_id"), ["office_id"], unique=False)
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("office_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_inspection_office_id"), ["office_id"], unique=False)
        batch_op.create_foreign_key("fk_inspection_office_id", "office", ["office_id"], ["id"])
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "side", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="unit"
            )
        )
    op.create_table(
        "signoffapplication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("at", models.db.UtcDateTime(), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "signoffreturn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("at", models.db.UtcDateTime(), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "reportsubmission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", models.db.UtcDateTime(), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for table, column in (
        ("signoffapplication", "problem_id"),
        ("signoffreturn", "problem_id"),
        ("reportsubmission", "inspection_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_due", sa.Date(), nullable=True))
    # The unit's rectification office (整改办) was the role "office": it is "unit_office" now.
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("roles", sa.JSON))
    connection = op.get_bind()
    for row_id, roles in connection.execute(sa.select(person.c.id, person.c.roles)).all():
        if roles and "office" in roles:
            renamed = ["unit_office" if r == "office" else r for r in roles]
            connection.execute(person.update().where(person.c.id == row_id).values(roles=renamed))


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("new_due")
    for table in ("reportsubmission", "signoffreturn", "signoffapplication"):
        op.drop_table(table)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("side")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_constraint("fk_inspection_office_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_inspection_office_id"))
        batch_op.drop_column("office_id")
    with op.batch_alter_table("officestaff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_officestaff_office_id"))
    op.drop_table("officestaff")
    op.drop_table("office")
