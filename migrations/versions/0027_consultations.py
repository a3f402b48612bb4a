"""Consultations (意见征询): the committee's non-binding questions to the owners, their options, roll and answers

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-10 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "open", "closed", name="consultation_state", native_enum=False, create_constraint=True, length=6),
            nullable=False,
        ),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("announcement_notice_id", sa.Integer(), nullable=True),
        sa.Column("summary_notice_id", sa.Integer(), nullable=True),
        sa.Column("roll_sha256", sa.String(length=64), nullable=True),
        sa.Column("roll_area_centi", sa.BigInteger(), nullable=True),
        sa.Column("roll_heads", sa.Integer(), nullable=True),
        _fk("consultation", "community_id", "community", "RESTRICT"),
        _fk("consultation", "created_by_user_id", "user_account", "RESTRICT"),
        _fk("consultation", "announcement_notice_id", "notice", "RESTRICT"),
        _fk("consultation", "summary_notice_id", "notice", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
        sa.UniqueConstraint("public_id", name=op.f("uq_consultation_public_id")),
    )
    op.create_index(op.f("ix_consultation_community_id"), "consultation", ["community_id"], unique=False)
    op.create_table(
        "consultation_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        _fk("consultation_option", "consultation_id", "consultation", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_option")),
        sa.UniqueConstraint("consultation_id", "position", name=op.f("uq_consultation_option_consultation_id_position")),
    )
    op.create_index(op.f("ix_consultation_option_consultation_id"), "consultation_option", ["consultation_id"], unique=False)
    op.create_table(
        "consultation_roll_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=400), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("area_centi", sa.BigInteger(), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        _fk("consultation_roll_line", "consultation_id", "consultation", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_roll_line")),
        sa.UniqueConstraint("consultation_id", "voter_key", name=op.f("uq_consultation_roll_line_consultation_id_voter_key")),
    )
    op.create_index(op.f("ix_consultation_roll_line_consultation_id"), "consultation_roll_line", ["consultation_id"], unique=False)
    op.create_table(
        "consultation_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("roll_line_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("area_centi", sa.BigInteger(), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        _fk("consultation_answer", "consultation_id", "consultation", "RESTRICT"),
        _fk("consultation_answer", "roll_line_id", "consultation_roll_line", "RESTRICT"),
        _fk("consultation_answer", "option_id", "consultation_option", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_answer")),
        sa.UniqueConstraint("consultation_id", "roll_line_id", name=op.f("uq_consultation_answer_consultation_id_roll_line_id")),
    )
    op.create_index(op.f("ix_consultation_answer_consultation_id"), "consultation_answer", ["consultation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_consultation_answer_consultation_id"), table_name="consultation_answer")
    op.drop_table("consultation_answer")
    op.drop_index(op.f("ix_consultation_roll_line_consultation_id"), table_name="consultation_roll_line")
    op.drop_table("consultation_roll_line")
    op.drop_index(op.f("ix_consultation_option_consultation_id"), table_name="consultation_option")
    op.drop_table("consultation_option")
    op.drop_index(op.f("ix_consultation_community_id"), table_name="consultation")
    op.drop_table("consultation")
