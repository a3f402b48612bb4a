"""ledgers and statements: public income and the maintenance fund in fen, locked periods

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 22:28:30.598379
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Entries of a locked period (statement_id set) stay as they were published.
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER ledger_entry_locked_no_update BEFORE UPDATE ON ledger_entry WHEN OLD.statement_id IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'entries of a locked period are immutable'); END",
    "CREATE TRIGGER ledger_entry_locked_no_delete BEFORE DELETE ON ledger_entry WHEN OLD.statement_id IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'entries of a locked period are immutable'); END",
)
_PG_TRIGGERS = (
    "CREATE FUNCTION ledger_entry_locked() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN IF OLD.statement_id IS NOT NULL THEN RAISE EXCEPTION 'entries of a locked period are immutable'; END IF;"
    " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER ledger_entry_locked BEFORE UPDATE OR DELETE ON ledger_entry"
    " FOR EACH ROW EXECUTE FUNCTION ledger_entry_locked()",
)


def upgrade() -> None:
    op.create_table("statement",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("public_id", sa.String(length=24), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("ledger", sa.Enum("public_income", "maintenance_fund", name="ledger_kind", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("period_kind", sa.String(length=10), nullable=False),
    sa.Column("period_start", sa.Date(), nullable=False),
    sa.Column("period_end", sa.Date(), nullable=False),
    sa.Column("figures", sa.JSON(), nullable=False),
    sa.Column("closing_fen", sa.BigInteger(), nullable=False),
    sa.Column("notice_id", sa.Integer(), nullable=False),
    sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_by_user_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_statement_community_id_community"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["locked_by_user_id"], ["user_account.id"], name=op.f("fk_statement_locked_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_statement_notice_id_notice"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
    sa.UniqueConstraint("community_id", "ledger", "period_start", name=op.f("uq_statement_community_id_ledger_period_start")),
    sa.UniqueConstraint("public_id", name=op.f("uq_statement_public_id"))
    )
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_community_id"), ["community_id"], unique=False)

    op.create_table("ledger_entry",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("ledger", sa.Enum("public_income", "maintenance_fund", name="ledger_kind", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("entry_date", sa.Date(), nullable=False),
    sa.Column("direction", sa.Enum("income", "expense", name="entry_direction", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("amount_fen", sa.BigInteger(), nullable=False),
    sa.Column("category", sa.String(length=40), nullable=False),
    sa.Column("counterparty", sa.String(length=200), nullable=False),
    sa.Column("voucher", sa.String(length=100), nullable=False),
    sa.Column("note", sa.String(length=500), nullable=False),
    sa.Column("authorised_item_id", sa.Integer(), nullable=True),
    sa.Column("emergency_reason", sa.Text(), nullable=True),
    sa.Column("statement_id", sa.Integer(), nullable=True),
    sa.Column("created_by_user_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("ledger <> 'maintenance_fund' OR direction <> 'expense' OR authorised_item_id IS NOT NULL OR emergency_reason IS NOT NULL", name=op.f("ck_ledger_entry_fund_expense_authorised")),
    sa.CheckConstraint("amount_fen > 0", name=op.f("ck_ledger_entry_amount_positive")),
    sa.ForeignKeyConstraint(["authorised_item_id"], ["session_item.id"], name=op.f("fk_ledger_entry_authorised_item_id_session_item"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_ledger_entry_community_id_community"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["created_by_user_id"], ["user_account.id"], name=op.f("fk_ledger_entry_created_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["statement_id"], ["statement.id"], name=op.f("fk_ledger_entry_statement_id_statement"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry"))
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_entry_books", ["community_id", "ledger", "entry_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entry_statement_id"), ["statement_id"], unique=False)
    for statement in _PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entry_locked ON ledger_entry")
        op.execute("DROP FUNCTION ledger_entry_locked()")
    else:
        op.execute("DROP TRIGGER ledger_entry_locked_no_update")
        op.execute("DROP TRIGGER ledger_entry_locked_no_delete")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_statement_id"))
        batch_op.drop_index("ix_ledger_entry_books")

    op.drop_table("ledger_entry")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_community_id"))

    op.drop_table("statement")
