"""Paper ballots a second member rejects (with the reason) or their author withdraws

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-20 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("paper_ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejected_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_paper_ballot_rejected_by_user_id_user_account"),
            "user_account",
            ["rejected_by_user_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("paper_ballot", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_paper_ballot_rejected_by_user_id_user_account"), type_="foreignkey")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("rejected_at")
        batch_op.drop_column("rejected_by_user_id")
