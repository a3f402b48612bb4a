"""Objections to a preliminary result: kinds, answers, decisions and outcomes; the windows that reopen a count for one voter

The owners' "not my ballot" reports of ``dispute`` become objections of the kind ``not_mine``.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

KINDS = ("not_mine", "unit_missing", "unit_wrong", "weight_wrong", "count_wrong")
STATUSES = ("filed", "answered", "upheld", "dismissed", "settled")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade() -> None:
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("objections_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "correction_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("roll_entry_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("voided_ballot_id", sa.Integer(), nullable=True),
        sa.Column("objection", sa.String(length=24), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ballot_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_correction_window_ballot_id_ballot"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_correction_window_roll_entry_id_roll_entry"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["assembly_session.id"], name=op.f("fk_correction_window_session_id_assembly_session"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["voided_ballot_id"], ["ballot.id"], name=op.f("fk_correction_window_voided_ballot_id_ballot"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_window")),
    )
    op.create_index(op.f("ix_correction_window_session_id"), "correction_window", ["session_id"], unique=False)
    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("roll_entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("objection_kind", *KINDS), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _enum("objection_status", *STATUSES), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", _enum("objection_outcome", "paper", "reissue", "rejected"), nullable=True),
        sa.Column("reissued_letter_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_user_id"], ["user_account.id"], name=op.f("fk_objection_answered_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_objection_ballot_id_ballot"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["user_account.id"], name=op.f("fk_objection_decided_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["letter_id"], ["voting_letter.id"], name=op.f("fk_objection_letter_id_voting_letter"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["order_id"], ["oversight_order.id"], name=op.f("fk_objection_order_id_oversight_order"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["reissued_letter_id"], ["voting_letter.id"], name=op.f("fk_objection_reissued_letter_id_voting_letter"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_objection_roll_entry_id_roll_entry"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["assembly_session.id"], name=op.f("fk_objection_session_id_assembly_session"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
        sa.UniqueConstraint("letter_id", "kind", name=op.f("uq_objection_letter_id_kind")),
        sa.UniqueConstraint("public_id", name=op.f("uq_objection_public_id")),
    )
    op.create_index(op.f("ix_objection_session_id"), "objection", ["session_id"], unique=False)
    op.create_table(
        "objection_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objection.id"], name=op.f("fk_objection_document_objection_id_objection"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection_document")),
    )
    op.create_index(op.f("ix_objection_document_objection_id"), "objection_document", ["objection_id"], unique=False)
    # A report the office resolved was dealt with: it stays settled, with what the office wrote.
    op.execute(
        """
        INSERT INTO objection (public_id, session_id, letter_id, roll_entry_id, kind, ballot_id, statement, filed_at, status,
                               answer, decision, decided_by_user_id, decided_at, settled_at)
        SELECT d.public_id, d.session_id, d.letter_id, l.roll_entry_id, 'not_mine', d.ballot_id, d.statement, d.filed_at,
               CASE WHEN d.status = 'resolved' THEN 'settled' ELSE 'filed' END,
               '', d.resolution, d.resolved_by_user_id, d.resolved_at, d.resolved_at
        FROM dispute d JOIN voting_letter l ON l.id = d.letter_id
        """
    )
    op.drop_index(op.f("ix_dispute_session_id"), table_name="dispute")
    op.drop_table("dispute")


def downgrade() -> None:
    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _enum("dispute_status", "open", "resolved"), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_dispute_ballot_id_ballot"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["letter_id"], ["voting_letter.id"], name=op.f("fk_dispute_letter_id_voting_letter"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["resolved_by_user_id"], ["user_account.id"], name=op.f("fk_dispute_resolved_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_dispute_session_id_assembly_session"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_dispute_letter_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_dispute_public_id")),
    )
    op.create_index(op.f("ix_dispute_session_id"), "dispute", ["session_id"], unique=False)
    op.execute(
        """
        INSERT INTO dispute (public_id, session_id, letter_id, ballot_id, statement, filed_at, status, resolution,
                             resolved_by_user_id, resolved_at)
        SELECT public_id, session_id, letter_id, ballot_id, statement, filed_at,
               CASE WHEN decided_at IS NULL THEN 'open' ELSE 'resolved' END, decision, decided_by_user_id, decided_at
        FROM objection WHERE kind = 'not_mine' AND ballot_id IS NOT NULL
        """
    )
    op.drop_index(op.f("ix_objection_document_objection_id"), table_name="objection_document")
    op.drop_table("objection_document")
    op.drop_index(op.f("ix_objection_session_id"), table_name="objection")
    op.drop_table("objection")
    op.drop_index(op.f("ix_correction_window_session_id"), table_name="correction_window")
    op.drop_table("correction_window")
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.drop_column("objections_until")
