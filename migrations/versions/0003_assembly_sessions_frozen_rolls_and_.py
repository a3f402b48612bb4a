"""assembly sessions, frozen rolls and voting letters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 20:42:25.952282
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("assembly_session",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("public_id", sa.String(length=24), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("form", sa.Enum("meeting", "written", name="session_form", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("state", sa.Enum("draft", "announced", "open", "closed", "tallied", "certified", "rejected", "revoked", name="session_state", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("roll_sha256", sa.String(length=64), nullable=True),
    sa.Column("roll_area_centi", sa.BigInteger(), nullable=True),
    sa.Column("roll_heads", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_assembly_session_window_positive")),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_assembly_session_community_id_community"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_session")),
    sa.UniqueConstraint("public_id", name=op.f("uq_assembly_session_public_id"))
    )
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assembly_session_community_id"), ["community_id"], unique=False)

    op.create_table("roll_entry",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("voter_key", sa.String(length=400), nullable=False),
    sa.Column("units", sa.JSON(), nullable=False),
    sa.Column("area_centi", sa.BigInteger(), nullable=False),
    sa.Column("heads", sa.Integer(), nullable=False),
    sa.CheckConstraint("area_centi > 0", name=op.f("ck_roll_entry_area_positive")),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_roll_entry_session_id_assembly_session"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_roll_entry")),
    sa.UniqueConstraint("session_id", "voter_key", name=op.f("uq_roll_entry_session_id_voter_key"))
    )
    with op.batch_alter_table("roll_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roll_entry_session_id"), ["session_id"], unique=False)

    op.create_table("session_item",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("matter", sa.String(length=40), nullable=False),
    sa.Column("title", sa.String(length=300), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_session_item_session_id_assembly_session"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_session_item")),
    sa.UniqueConstraint("session_id", "position", name=op.f("uq_session_item_session_id_position"))
    )
    op.create_table("proxy_authorisation",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("roll_entry_id", sa.Integer(), nullable=False),
    sa.Column("owner_person_id", sa.Integer(), nullable=False),
    sa.Column("proxy_name", sa.String(length=200), nullable=False),
    sa.Column("proxy_id_last4", sa.String(length=4), nullable=False),
    sa.Column("scan_reference", sa.String(length=200), nullable=False),
    sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("length(proxy_id_last4) = 4", name=op.f("ck_proxy_authorisation_proxy_id_last4_length")),
    sa.ForeignKeyConstraint(["owner_person_id"], ["person.id"], name=op.f("fk_proxy_authorisation_owner_person_id_person"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["recorded_by_user_id"], ["user_account.id"], name=op.f("fk_proxy_authorisation_recorded_by_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_proxy_authorisation_roll_entry_id_roll_entry"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_proxy_authorisation_session_id_assembly_session"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_authorisation"))
    )
    with op.batch_alter_table("proxy_authorisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proxy_authorisation_session_id"), ["session_id"], unique=False)

    op.create_table("voting_letter",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("roll_entry_id", sa.Integer(), nullable=False),
    sa.Column("person_id", sa.Integer(), nullable=False),
    sa.Column("proxy_id", sa.Integer(), nullable=True),
    sa.Column("nonce", sa.String(length=32), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("failed_attempts", sa.Integer(), nullable=False),
    sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_voting_letter_person_id_person"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["proxy_id"], ["proxy_authorisation.id"], name=op.f("fk_voting_letter_proxy_id_proxy_authorisation"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_voting_letter_roll_entry_id_roll_entry"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["session_id"], ["assembly_session.id"], name=op.f("fk_voting_letter_session_id_assembly_session"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_voting_letter")),
    sa.UniqueConstraint("token_hash", name=op.f("uq_voting_letter_token_hash"))
    )
    with op.batch_alter_table("voting_letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voting_letter_roll_entry_id"), ["roll_entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voting_letter_session_id"), ["session_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("voting_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voting_letter_session_id"))
        batch_op.drop_index(batch_op.f("ix_voting_letter_roll_entry_id"))

    op.drop_table("voting_letter")
    with op.batch_alter_table("proxy_authorisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proxy_authorisation_session_id"))

    op.drop_table("proxy_authorisation")
    op.drop_table("session_item")
    with op.batch_alter_table("roll_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roll_entry_session_id"))

    op.drop_table("roll_entry")
    with op.batch_alter_table("assembly_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assembly_session_community_id"))

    op.drop_table("assembly_session")
