"""notice attachments

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 23:07:20.118364
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("notice_attachment",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("notice_id", sa.Integer(), nullable=False),
    sa.Column("filename", sa.String(length=200), nullable=False),
    sa.Column("content_type", sa.String(length=40), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_notice_attachment_notice_id_notice"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_attachment"))
    )
    with op.batch_alter_table("notice_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_attachment_notice_id"), ["notice_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("notice_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_attachment_notice_id"))

    op.drop_table("notice_attachment")
