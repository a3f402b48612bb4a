"""Documents of a session's items (the rules of procedure, the covenant), kept by their SHA-256

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_item_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["session_item.id"], name=op.f("fk_session_item_document_item_id_session_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_item_document")),
    )
    with op.batch_alter_table("session_item_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_item_document_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("session_item_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_item_document_item_id"))
    op.drop_table("session_item_document")
