"""ballots and session results

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:59:22.166943
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("result_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("tallied_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table("ballot",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("roll_entry_id", sa.Integer(), nullable=False),
    sa.Column("letter_id", sa.Integer(), nullable=True),
    sa.Column("channel", sa.Enum("online", "paper", "proxy", name="ballot_channel", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("choices", sa.JSON(), nullable=False),
    sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["letter_id"], ["voting_letter.id"], name=op.f("fk_ballot_letter_id_voting_letter"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_ballot_roll_entry_id_roll_entry"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_ballot_session_id_assembly_session"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot"))
    )
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_session_id"), ["session_id"], unique=False)
        batch_op.create_index("uq_ballot_current_per_voter", ["session_id", "roll_entry_id"], unique=True, sqlite_where=sa.text("superseded_at IS NULL"), postgresql_where=sa.text("superseded_at IS NULL"))

    op.create_table("ballot_choice",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("ballot_id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("item_id", sa.Integer(), nullable=False),
    sa.Column("choice", sa.String(length=10), nullable=False),
    sa.Column("area_centi", sa.BigInteger(), nullable=False),
    sa.Column("heads", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_ballot_choice_ballot_id_ballot"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["item_id"], ["session_item.id"], name=op.f("fk_ballot_choice_item_id_session_item"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_ballot_choice_session_id_assembly_session"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_choice")),
    sa.UniqueConstraint("ballot_id", "item_id", name=op.f("uq_ballot_choice_ballot_id_item_id"))
    )
    with op.batch_alter_table("ballot_choice", schema=None) as batch_op:
        batch_op.create_index("ix_ballot_choice_tally", ["session_id", "item_id", "choice", "area_centi", "heads"], unique=False)



    op.create_table(
        "paper_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("roll_entry_id", sa.Integer(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("paper_reference", sa.String(length=100), nullable=False),
        sa.Column("entered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ballot_id", sa.Integer(), nullable=True),
        sa.Column("conflict_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_paper_ballot_ballot_id_ballot"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["confirmed_by_user_id"], ["user_account.id"], name=op.f("fk_paper_ballot_confirmed_by_user_id_user_account"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["entered_by_user_id"], ["user_account.id"], name=op.f("fk_paper_ballot_entered_by_user_id_user_account"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_paper_ballot_roll_entry_id_roll_entry"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_paper_ballot_session_id_assembly_session"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_ballot")),
    )
    with op.batch_alter_table("paper_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_ballot_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("paper_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_ballot_session_id"))
    op.drop_table("paper_ballot")
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.drop_column("tallied_at")
        batch_op.drop_column("result_sha256")
        batch_op.drop_column("result")
    with op.batch_alter_table("ballot_choice", schema=None) as batch_op:
        batch_op.drop_index("ix_ballot_choice_tally")

    op.drop_table("ballot_choice")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index("uq_ballot_current_per_voter", sqlite_where=sa.text("superseded_at IS NULL"), postgresql_where=sa.text("superseded_at IS NULL"))
        batch_op.drop_index(batch_op.f("ix_ballot_session_id"))

    op.drop_table("ballot")
