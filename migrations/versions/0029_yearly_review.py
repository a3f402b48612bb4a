"""The street office's yearly review of each committee (考核): marks, remarks, commendation and the frozen scorecard

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "yearly_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("office_marks", sa.Integer(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("commended", sa.Boolean(), nullable=False),
        sa.Column("measured", sa.JSON(), nullable=True),
        sa.Column("total", sa.String(length=20), nullable=True),
        sa.Column("grade", sa.String(length=10), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("office_marks >= 0 AND office_marks <= 20", name=op.f("ck_yearly_review_office_marks_range")),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"], name=op.f("fk_yearly_review_committee_id_committee"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_yearly_review_community_id_community"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_yearly_review_notice_id_notice"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["reviewed_by_user_id"], ["user_account.id"], name=op.f("fk_yearly_review_reviewed_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearly_review")),
        sa.UniqueConstraint("committee_id", "year", name=op.f("uq_yearly_review_committee_id_year")),
        sa.UniqueConstraint("public_id", name=op.f("uq_yearly_review_public_id")),
    )
    op.create_index(op.f("ix_yearly_review_community_id"), "yearly_review", ["community_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_yearly_review_community_id"), table_name="yearly_review")
    op.drop_table("yearly_review")
