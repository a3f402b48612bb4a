"""Petitions from the public board (no session), the register's identity check, sessions the street office convenes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_identity_attempts_community_id_community"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_attempts")),
        sa.UniqueConstraint("community_id", "unit", name=op.f("uq_identity_attempts_community_id_unit")),
    )
    op.create_table(
        "petition_roll_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=400), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("area_centi", sa.BigInteger(), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], name=op.f("fk_petition_roll_line_petition_id_petition"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_roll_line")),
        sa.UniqueConstraint("petition_id", "voter_key", name=op.f("uq_petition_roll_line_petition_id_voter_key")),
    )
    with op.batch_alter_table("petition_roll_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_roll_line_petition_id"), ["petition_id"], unique=False)
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.alter_column("session_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("roll_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("roll_area_centi", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("roll_heads", sa.Integer(), nullable=True))
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.alter_column("roll_entry_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("letter_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("roll_line_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_petition_signature_roll_line_id_petition_roll_line"), "petition_roll_line", ["roll_line_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_foreign_key(batch_op.f("fk_petition_signature_person_id_person"), "person", ["person_id"], ["id"], ondelete="RESTRICT")
        batch_op.create_unique_constraint(batch_op.f("uq_petition_signature_petition_id_roll_line_id"), ["petition_id", "roll_line_id"])
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("convened_by", sa.String(length=20), server_default="committee", nullable=False))
    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("convened_session_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_oversight_order_convened_session_id_assembly_session"),
            "assembly_session",
            ["convened_session_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_unique_constraint(batch_op.f("uq_oversight_order_convened_session_id"), ["convened_session_id"])


def downgrade() -> None:
    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_oversight_order_convened_session_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_oversight_order_convened_session_id_assembly_session"), type_="foreignkey")
        batch_op.drop_column("convened_session_id")
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.drop_column("convened_by")
    op.execute("DELETE FROM petition_signature WHERE roll_line_id IS NOT NULL")
    op.execute("DELETE FROM oversight_order WHERE petition_id IN (SELECT id FROM petition WHERE session_id IS NULL)")
    op.execute("DELETE FROM petition WHERE session_id IS NULL")
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_petition_signature_petition_id_roll_line_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_petition_signature_person_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_petition_signature_roll_line_id_petition_roll_line"), type_="foreignkey")
        batch_op.drop_column("person_id")
        batch_op.drop_column("roll_line_id")
        batch_op.alter_column("letter_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("roll_entry_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_column("roll_heads")
        batch_op.drop_column("roll_area_centi")
        batch_op.drop_column("roll_sha256")
        batch_op.alter_column("session_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("petition_roll_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_roll_line_petition_id"))
    op.drop_table("petition_roll_line")
    op.drop_table("identity_attempts")
