"""the public bulletin board: signed entries chained per session, and the chain head

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:54:28.270085
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER bulletin_entry_no_update BEFORE UPDATE ON bulletin_entry"
    " BEGIN SELECT RAISE(ABORT, 'bulletin entries are append-only'); END",
    "CREATE TRIGGER bulletin_entry_no_delete BEFORE DELETE ON bulletin_entry"
    " BEGIN SELECT RAISE(ABORT, 'bulletin entries are append-only'); END",
)
_PG_TRIGGERS = (
    "CREATE FUNCTION bulletin_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN RAISE EXCEPTION 'bulletin entries are append-only'; END $$",
    "CREATE TRIGGER bulletin_entry_no_update BEFORE UPDATE OR DELETE ON bulletin_entry"
    " FOR EACH ROW EXECUTE FUNCTION bulletin_entry_append_only()",
)


def upgrade() -> None:
    op.create_table("bulletin_head",
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("head", sa.String(length=64), nullable=False),
    sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_bulletin_head_session_id_assembly_session"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("session_id", name=op.f("pk_bulletin_head"))
    )
    op.create_table("bulletin_entry",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=10), nullable=False),
    sa.Column("hash", sa.String(length=64), nullable=False),
    sa.Column("prev", sa.String(length=64), nullable=False),
    sa.Column("ballot_id", sa.Integer(), nullable=True),
    sa.Column("body", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_bulletin_entry_ballot_id_ballot"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_bulletin_entry_session_id_assembly_session"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_entry")),
    sa.UniqueConstraint("ballot_id", name=op.f("uq_bulletin_entry_ballot_id")),
    sa.UniqueConstraint("hash", name=op.f("uq_bulletin_entry_hash")),
    sa.UniqueConstraint("session_id", "prev", name=op.f("uq_bulletin_entry_session_id_prev")),
    sa.UniqueConstraint("session_id", "seq", name=op.f("uq_bulletin_entry_session_id_seq"))
    )
    for statement in _PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)
    # Sessions announced before the bulletin existed get an empty chain to append to.
    op.execute(
        "INSERT INTO bulletin_head (session_id, seq, head)"
        f" SELECT id, 0, '{'0' * 64}' FROM assembly_session WHERE state <> 'draft'"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER bulletin_entry_no_update ON bulletin_entry")
        op.execute("DROP FUNCTION bulletin_entry_append_only()")
    else:
        op.execute("DROP TRIGGER bulletin_entry_no_update")
        op.execute("DROP TRIGGER bulletin_entry_no_delete")
    op.drop_table("bulletin_entry")
    op.drop_table("bulletin_head")
