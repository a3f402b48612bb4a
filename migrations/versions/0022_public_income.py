"""Standing authorisations of public-income spending (a category with a yearly cap); expenses name the one they use

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# SQLite rebuilds ledger_entry in batch mode, and its triggers go with the old table: they are made again after.
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


def upgrade() -> None:
    op.create_table('public_income_authorisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('yearly_cap_fen', sa.BigInteger(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('yearly_cap_fen > 0', name=op.f('ck_public_income_authorisation_cap_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_public_income_authorisation_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], name=op.f('fk_public_income_authorisation_created_by_user_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['item_id'], ['session_item.id'], name=op.f('fk_public_income_authorisation_item_id_session_item'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_income_authorisation'))
    )
    with op.batch_alter_table('public_income_authorisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_income_authorisation_community_id'), ['community_id'], unique=False)

    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorisation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entry_authorisation_id_public_income_authorisation'), 'public_income_authorisation', ['authorisation_id'], ['id'], ondelete='RESTRICT')
    _sqlite_triggers_again()



def downgrade() -> None:
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entry_authorisation_id_public_income_authorisation'), type_='foreignkey')
        batch_op.drop_column('authorisation_id')
    _sqlite_triggers_again()

    with op.batch_alter_table('public_income_authorisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_income_authorisation_community_id'))

    op.drop_table('public_income_authorisation')
