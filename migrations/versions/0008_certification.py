"""certification: the street office's signed verdict on a tallied session

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 22:45:26.454351
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("certification",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("verdict", sa.Enum("certified", "rejected", name="verdict", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("reasons", sa.Text(), nullable=False),
    sa.Column("official_user_id", sa.Integer(), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("statement", sa.Text(), nullable=False),
    sa.Column("key_id", sa.String(length=16), nullable=False),
    sa.Column("signature", sa.String(length=100), nullable=False),
    sa.Column("notice_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_certification_notice_id_notice"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["official_user_id"], ["user_account.id"], name=op.f("fk_certification_official_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_certification_session_id_assembly_session"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_certification")),
    sa.UniqueConstraint("session_id", name=op.f("uq_certification_session_id"))
    )


def downgrade() -> None:
    op.drop_table("certification")
