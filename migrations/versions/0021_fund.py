"""The maintenance fund's projects and emergency applications; ledger entries name the one they were booked for

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

OLD_CHECK = "ledger <> 'maintenance_fund' OR direction <> 'expense' OR authorised_item_id IS NOT NULL OR emergency_reason IS NOT NULL"
# SQLite rebuilds the table in batch mode, and its triggers go with the old table: they are made again after.
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER ledger_entry_locked_no_update BEFORE UPDATE ON ledger_entry WHEN OLD.statement_id IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'entries of a locked period are immutable'); END",
    "CREATE TRIGGER ledger_entry_locked_no_delete BEFORE DELETE ON ledger_entry WHEN OLD.statement_id IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'entries of a locked period are immutable'); END",
)


def _sqlite_triggers_again() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


NEW_CHECK = (
    "ledger <> 'maintenance_fund' OR direction <> 'expense' OR project_id IS NOT NULL OR emergency_id IS NOT NULL"
    " OR authorised_item_id IS NOT NULL OR emergency_reason IS NOT NULL"
)


def upgrade() -> None:
    op.create_table(
        "fund_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("works", sa.Text(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("scope_label", sa.String(length=200), nullable=False),
        sa.Column("contractor", sa.String(length=200), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("works_start", sa.Date(), nullable=True),
        sa.Column("works_end", sa.Date(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "applied",
                "approved",
                "works",
                "accepted",
                "settled",
                "withdrawn",
                name="fund_project_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("budget_fen > 0", name=op.f("ck_fund_project_budget_positive")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_fund_project_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user_account.id"], name=op.f("fk_fund_project_created_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["item_id"], ["session_item.id"], name=op.f("fk_fund_project_item_id_session_item"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_project")),
        sa.UniqueConstraint("public_id", name=op.f("uq_fund_project_public_id")),
    )
    with op.batch_alter_table("fund_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_project_community_id"), ["community_id"], unique=False)

    op.create_table(
        "fund_emergency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("works", sa.Text(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("scope_label", sa.String(length=200), nullable=False),
        sa.Column("contractor", sa.String(length=200), nullable=False),
        sa.Column("estimate_fen", sa.BigInteger(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "applied",
                "confirmed",
                "refused",
                "completed",
                "published",
                name="fund_emergency_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("applied_by_user_id", sa.Integer(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("works_done_on", sa.Date(), nullable=True),
        sa.Column("publish_due_on", sa.Date(), nullable=True),
        sa.Column("published_notice_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("estimate_fen > 0", name=op.f("ck_fund_emergency_estimate_positive")),
        sa.ForeignKeyConstraint(
            ["applied_by_user_id"], ["user_account.id"], name=op.f("fk_fund_emergency_applied_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_fund_emergency_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["user_account.id"], name=op.f("fk_fund_emergency_decided_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["published_notice_id"], ["notice.id"], name=op.f("fk_fund_emergency_published_notice_id_notice"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_emergency")),
        sa.UniqueConstraint("public_id", name=op.f("uq_fund_emergency_public_id")),
    )
    with op.batch_alter_table("fund_emergency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_emergency_community_id"), ["community_id"], unique=False)

    op.create_table(
        "fund_project_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["fund_project.id"], name=op.f("fk_fund_project_document_project_id_fund_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_fund_project_document_uploaded_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_project_document")),
    )
    with op.batch_alter_table("fund_project_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_project_document_project_id"), ["project_id"], unique=False)

    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("emergency_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_ledger_entry_emergency_id"), ["emergency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entry_project_id"), ["project_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_entry_project_id_fund_project"), "fund_project", ["project_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_entry_emergency_id_fund_emergency"), "fund_emergency", ["emergency_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.drop_constraint(op.f("ck_ledger_entry_fund_expense_authorised"), type_="check")
        batch_op.create_check_constraint("fund_expense_authorised", NEW_CHECK)
    _sqlite_triggers_again()


def downgrade() -> None:
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entry_fund_expense_authorised"), type_="check")
        batch_op.create_check_constraint("fund_expense_authorised", OLD_CHECK)
        batch_op.drop_constraint(batch_op.f("fk_ledger_entry_emergency_id_fund_emergency"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_ledger_entry_project_id_fund_project"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_ledger_entry_project_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_emergency_id"))
        batch_op.drop_column("emergency_id")
        batch_op.drop_column("project_id")
    _sqlite_triggers_again()

    with op.batch_alter_table("fund_project_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_project_document_project_id"))

    op.drop_table("fund_project_document")
    with op.batch_alter_table("fund_emergency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_emergency_community_id"))

    op.drop_table("fund_emergency")
    with op.batch_alter_table("fund_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_project_community_id"))

    op.drop_table("fund_project")
