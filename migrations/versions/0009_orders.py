"""orders of the street office, and revoked items

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 22:54:51.746564
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("oversight_order",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("public_id", sa.String(length=24), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.Enum("rectify", "revoke", "convene", name="order_kind", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("status", sa.Enum("open", "complied", "withdrawn", name="order_status", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("subject", sa.String(length=200), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("due_on", sa.Date(), nullable=False),
    sa.Column("item_id", sa.Integer(), nullable=True),
    sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("notice_id", sa.Integer(), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("closed_by_user_id", sa.Integer(), nullable=True),
    sa.Column("closing_note", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["closed_by_user_id"], ["user_account.id"], name=op.f("fk_oversight_order_closed_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_oversight_order_community_id_community"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["issued_by_user_id"], ["user_account.id"], name=op.f("fk_oversight_order_issued_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["item_id"], ["session_item.id"], name=op.f("fk_oversight_order_item_id_session_item"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_oversight_order_notice_id_notice"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_order")),
    sa.UniqueConstraint("public_id", name=op.f("uq_oversight_order_public_id"))
    )
    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oversight_order_community_id"), ["community_id"], unique=False)

    with op.batch_alter_table("session_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table("session_item", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")

    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oversight_order_community_id"))

    op.drop_table("oversight_order")
