"""Notices the system publishes for others (orders, results, findings, audits, reviews, summaries) are marked so the
committee cannot correct them on its board

Existing notices published straight away (never a committee's draft, never asked to be confirmed, not a correction)
are the system's. Published notices are immutable, so their trigger steps aside for this one update.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

_MARK = (
    "UPDATE notice SET system = :yes WHERE state = 'published' AND requested_by_user_id IS NULL AND supersedes_id IS NULL"
    " AND public_id NOT IN (SELECT target_id FROM audit_event WHERE action = 'notice.draft' AND target_type = 'notice')"
)
_SQLITE_NO_UPDATE = (
    "CREATE TRIGGER notice_published_no_update BEFORE UPDATE ON notice WHEN OLD.state = 'published'"
    " BEGIN SELECT RAISE(ABORT, 'published notices are immutable'); END"
)


def upgrade() -> None:
    op.add_column("notice", sa.Column("system", sa.Boolean(), server_default=sa.false(), nullable=False))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE notice DISABLE TRIGGER notice_published_immutable")
        bind.execute(sa.text(_MARK), {"yes": True})
        op.execute("ALTER TABLE notice ENABLE TRIGGER notice_published_immutable")
    else:
        op.execute("DROP TRIGGER notice_published_no_update")
        bind.execute(sa.text(_MARK), {"yes": True})
        op.execute(_SQLITE_NO_UPDATE)


def downgrade() -> None:
    op.drop_column("notice", "system")
