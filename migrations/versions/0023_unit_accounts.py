"""Each unit's fund account: deposits from imported files, and the shares of the costs it bore

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fund_deposit_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=False),
        sa.Column("imported_by_user_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rows > 0", name=op.f("ck_fund_deposit_import_rows_positive")),
        sa.CheckConstraint("total_fen > 0", name=op.f("ck_fund_deposit_import_total_positive")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_fund_deposit_import_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_fund_deposit_import_imported_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"], ["ledger_entry.id"], name=op.f("fk_fund_deposit_import_ledger_entry_id_ledger_entry"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_deposit_import")),
        sa.UniqueConstraint("community_id", "sha256", name=op.f("uq_fund_deposit_import_community_id_sha256")),
    )
    with op.batch_alter_table("fund_deposit_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_deposit_import_community_id"), ["community_id"], unique=False)

    op.create_table(
        "fund_unit_deposit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("deposit_date", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("payer", sa.String(length=200), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_fund_unit_deposit_amount_positive")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_fund_unit_deposit_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_fund_unit_deposit_created_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["fund_deposit_import.id"], name=op.f("fk_fund_unit_deposit_import_id_fund_deposit_import"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_fund_unit_deposit_unit_id_unit"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_unit_deposit")),
    )
    with op.batch_alter_table("fund_unit_deposit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_unit_deposit_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_unit_deposit_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_unit_deposit_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "fund_unit_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_fund_unit_share_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_fund_unit_share_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"], ["ledger_entry.id"], name=op.f("fk_fund_unit_share_ledger_entry_id_ledger_entry"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_fund_unit_share_unit_id_unit"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_unit_share")),
        sa.UniqueConstraint("ledger_entry_id", "unit_id", name=op.f("uq_fund_unit_share_ledger_entry_id_unit_id")),
    )
    with op.batch_alter_table("fund_unit_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_unit_share_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_unit_share_ledger_entry_id"), ["ledger_entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_unit_share_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ("fund_unit_share", ("unit_id", "ledger_entry_id", "community_id")),
        ("fund_unit_deposit", ("unit_id", "import_id", "community_id")),
        ("fund_deposit_import", ("community_id",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
