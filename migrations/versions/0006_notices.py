"""notices: a community's public board, published versions immutable

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 22:19:18.695887
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# A published version never changes and never goes: corrections are new rows.
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER notice_published_no_update BEFORE UPDATE ON notice WHEN OLD.state = 'published'"
    " BEGIN SELECT RAISE(ABORT, 'published notices are immutable'); END",
    "CREATE TRIGGER notice_published_no_delete BEFORE DELETE ON notice WHEN OLD.state = 'published'"
    " BEGIN SELECT RAISE(ABORT, 'published notices are immutable'); END",
)
_PG_TRIGGERS = (
    "CREATE FUNCTION notice_published_immutable() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN IF OLD.state = 'published' THEN RAISE EXCEPTION 'published notices are immutable'; END IF;"
    " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER notice_published_immutable BEFORE UPDATE OR DELETE ON notice"
    " FOR EACH ROW EXECUTE FUNCTION notice_published_immutable()",
)


def upgrade() -> None:
    op.create_table("notice",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("public_id", sa.String(length=24), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.Enum("announcement", "decision", "result", "election_slate", "statement", "order", "general", name="notice_kind", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("state", sa.Enum("draft", "pending", "published", name="notice_state", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("body_html", sa.Text(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("supersedes_id", sa.Integer(), nullable=True),
    sa.Column("session_id", sa.Integer(), nullable=True),
    sa.Column("created_by_user_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("requested_by_user_id", sa.Integer(), nullable=True),
    sa.Column("confirmed_by_user_id", sa.Integer(), nullable=True),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_notice_community_id_community"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["confirmed_by_user_id"], ["user_account.id"], name=op.f("fk_notice_confirmed_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["created_by_user_id"], ["user_account.id"], name=op.f("fk_notice_created_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["requested_by_user_id"], ["user_account.id"], name=op.f("fk_notice_requested_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_notice_session_id_assembly_session"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["supersedes_id"], ["notice.id"], name=op.f("fk_notice_supersedes_id_notice"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    sa.UniqueConstraint("public_id", name=op.f("uq_notice_public_id")),
    sa.UniqueConstraint("supersedes_id", name=op.f("uq_notice_supersedes_id"))
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_session_id"), ["session_id"], unique=False)
    for statement in _PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER notice_published_immutable ON notice")
        op.execute("DROP FUNCTION notice_published_immutable()")
    else:
        op.execute("DROP TRIGGER notice_published_no_update")
        op.execute("DROP TRIGGER notice_published_no_delete")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_session_id"))
        batch_op.drop_index(batch_op.f("ix_notice_published_at"))
        batch_op.drop_index(batch_op.f("ix_notice_community_id"))

    op.drop_table("notice")
