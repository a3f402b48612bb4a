"""The chair vote's deadline: a vote the street office orders again opens a new round of ballots

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_KINDS_BEFORE = "'rectify', 'revoke', 'convene', 'suspend', 'reelect'"
_KINDS_NOW = "'rectify', 'revoke', 'convene', 'suspend', 'reelect', 'chair_vote'"


def upgrade() -> None:
    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chair_vote_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("chair_round", sa.Integer(), server_default="1", nullable=False))

    with op.batch_alter_table("chair_ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), server_default="1", nullable=False))
        batch_op.drop_constraint(batch_op.f("uq_chair_ballot_committee_id_office_voter_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_chair_ballot_committee_id_office_voter_id_round"), ["committee_id", "office", "voter_id", "round"]
        )

    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_oversight_order_order_kind"), type_="check")
        batch_op.alter_column("kind", existing_type=sa.String(length=7), type_=sa.String(length=10), existing_nullable=False)
        batch_op.create_check_constraint("order_kind", f"kind IN ({_KINDS_NOW})")


def downgrade() -> None:
    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_oversight_order_order_kind"), type_="check")
        batch_op.alter_column("kind", existing_type=sa.String(length=10), type_=sa.String(length=7), existing_nullable=False)
        batch_op.create_check_constraint("order_kind", f"kind IN ({_KINDS_BEFORE})")

    with op.batch_alter_table("chair_ballot", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_chair_ballot_committee_id_office_voter_id_round"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_chair_ballot_committee_id_office_voter_id"), ["committee_id", "office", "voter_id"])
        batch_op.drop_column("round")

    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_column("chair_round")
        batch_op.drop_column("chair_vote_until")
