"""disputes: owners who find a ballot in their name that they did not cast

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 23:01:30.715683
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("dispute",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("public_id", sa.String(length=24), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("letter_id", sa.Integer(), nullable=False),
    sa.Column("ballot_id", sa.Integer(), nullable=False),
    sa.Column("statement", sa.Text(), nullable=False),
    sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.Enum("open", "resolved", name="dispute_status", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("resolution", sa.Text(), nullable=False),
    sa.Column("resolved_by_user_id", sa.Integer(), nullable=True),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_dispute_ballot_id_ballot"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["letter_id"], ["voting_letter.id"], name=op.f("fk_dispute_letter_id_voting_letter"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["resolved_by_user_id"], ["user_account.id"], name=op.f("fk_dispute_resolved_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_dispute_session_id_assembly_session"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute")),
    sa.UniqueConstraint("letter_id", name=op.f("uq_dispute_letter_id")),
    sa.UniqueConstraint("public_id", name=op.f("uq_dispute_public_id"))
    )
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_session_id"), ["session_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_session_id"))

    op.drop_table("dispute")
