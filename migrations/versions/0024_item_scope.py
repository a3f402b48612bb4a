"""Scoped items (RULES §9): an item's scope of units and label, its totals and its voters frozen at announcement

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("scope_label", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("scope_area_centi", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("scope_heads", sa.Integer(), nullable=True))
    op.create_table(
        "session_item_scope_entry",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("roll_entry_id", sa.Integer(), nullable=False),
        sa.Column("area_centi", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("area_centi > 0", name=op.f("ck_session_item_scope_entry_area_positive")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["session_item.id"], name=op.f("fk_session_item_scope_entry_item_id_session_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_session_item_scope_entry_roll_entry_id_roll_entry"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", "roll_entry_id", name=op.f("pk_session_item_scope_entry")),
    )
    with op.batch_alter_table("session_item_scope_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_item_scope_entry_roll_entry_id"), ["roll_entry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("session_item_scope_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_item_scope_entry_roll_entry_id"))
    op.drop_table("session_item_scope_entry")
    with op.batch_alter_table("session_item", schema=None) as batch_op:
        batch_op.drop_column("scope_heads")
        batch_op.drop_column("scope_area_centi")
        batch_op.drop_column("scope_label")
        batch_op.drop_column("scope")
