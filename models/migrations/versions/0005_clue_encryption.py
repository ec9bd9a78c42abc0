"""problem clues sealed at rest: a keyed digest to look a clue up by; the number, summary,
feedback note and extension reasons encrypted; each clue's transfer deadline

Existing clues are converted with the clue key (``rectify.clues.sealing``); without one the
upgrade stops with a clear message and changes nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_CLUE = sa.table(
    "clue",
    sa.column("id", sa.Integer),
    sa.column("inspection_id", sa.String),
    sa.column("digest", sa.String),
    sa.column("number", sa.String),
    sa.column("summary", sa.String),
    sa.column("feedback_note", sa.String),
)
_EXTENSION = sa.table("clueextension", sa.column("id", sa.Integer), sa.column("reason", sa.String))


def _key(rows: int, doing: str):
    """The clue key, or a clear stop when there are clues to convert and no key."""
    from rectify.clues.sealing import ClueKeyError, clue_key

    try:
        return clue_key()
    except ClueKeyError as exc:
        raise SystemExit(f"迁移 0005 无法{doing}已有的 {rows} 条问题线索：{exc.message}") from None


def _convert(transform, doing: str) -> None:
    """Rewrite every clue's sealed fields with ``transform(key, text)``."""
    bind = op.get_bind()
    clues = bind.execute(sa.select(_CLUE)).mappings().all()
    extensions = bind.execute(sa.select(_EXTENSION)).mappings().all()
    if not clues and not extensions:
        return
    key = _key(len(clues), doing)
    for c in clues:
        bind.execute(
            _CLUE.update()
            .where(_CLUE.c.id == c["id"])
            .values(
                number=transform(key, c["number"]),
                digest=key.digest(c["inspection_id"], _open(key, c["number"])),
                summary=transform(key, c["summary"]),
                feedback_note=transform(key, c["feedback_note"]) if c["feedback_note"] else None,
            )
        )
    for e in extensions:
        bind.execute(
            _EXTENSION.update()
            .where(_EXTENSION.c.id == e["id"])
            .values(reason=transform(key, e["reason"]))
        )


def _seal(key, text: str) -> str:
    from rectify.clues.sealing import is_sealed

    return text if is_sealed(text) else key.seal(text)


def _open(key, text: str) -> str:
    from rectify.clues.sealing import is_sealed

    return key.open(text) if is_sealed(text) else text


def upgrade() -> None:
    # Columns are added, not the table rebuilt: SQLite could not drop the clue table that the
    # extensions refer to. The digest's empty default is filled in just below.
    op.add_column(
        "clue",
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
    )
    op.add_column("clue", sa.Column("transfer_due", sa.Date(), nullable=True))
    _convert(_seal, "加密")
    op.create_index(
        "ix_clue_inspection_id_digest", "clue", ["inspection_id", "digest"], unique=True
    )


def downgrade() -> None:
    _convert(_open, "解密")
    op.drop_index("ix_clue_inspection_id_digest", table_name="clue")
    op.execute("ALTER TABLE clue DROP COLUMN transfer_due")
    op.execute("ALTER TABLE clue DROP COLUMN digest")
