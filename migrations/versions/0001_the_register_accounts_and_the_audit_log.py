"""the register, accounts and the audit log

Revision ID: 0001
Revises:
Create Date: 2026-11-22 20:07:51.047206
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Audit events are append-only: the database itself refuses to change or drop one.
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event"
    " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event"
    " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
)
_PG_TRIGGERS = (
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event"
    " FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("street_office",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=40), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_street_office")),
    sa.UniqueConstraint("code", name=op.f("uq_street_office_code"))
    )
    op.create_table("user_account",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=80), nullable=False),
    sa.Column("display_name", sa.String(length=200), nullable=False),
    sa.Column("password_hash", sa.String(length=255), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("session_version", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
    sa.UniqueConstraint("username", name=op.f("uq_user_account_username"))
    )
    op.create_table("community",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("street_office_id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=60), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("address", sa.String(length=300), nullable=False),
    sa.Column("rule_profile", sa.String(length=40), nullable=False),
    sa.Column("settings", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["street_office_id"], ["street_office.id"], name=op.f("fk_community_street_office_id_street_office"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_community")),
    sa.UniqueConstraint("slug", name=op.f("uq_community_slug"))
    )
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_street_office_id"), ["street_office_id"], unique=False)

    op.create_table("audit_event",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_user_id", sa.Integer(), nullable=True),
    sa.Column("actor", sa.String(length=120), nullable=False),
    sa.Column("action", sa.String(length=80), nullable=False),
    sa.Column("target_type", sa.String(length=40), nullable=False),
    sa.Column("target_id", sa.String(length=80), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=True),
    sa.Column("street_office_id", sa.Integer(), nullable=True),
    sa.Column("data", sa.JSON(), nullable=False),
    sa.Column("prev_hash", sa.String(length=64), nullable=False),
    sa.Column("hash", sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(["actor_user_id"], ["user_account.id"], name=op.f("fk_audit_event_actor_user_id_user_account"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_audit_event_community_id_community"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["street_office_id"], ["street_office.id"], name=op.f("fk_audit_event_street_office_id_street_office"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    sa.UniqueConstraint("seq", name=op.f("uq_audit_event_seq"))
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_user_id"), ["actor_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_community_id"), ["community_id"], unique=False)
    for statement in _PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)

    op.create_table("building",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_building_community_id_community"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_building")),
    sa.UniqueConstraint("community_id", "name", name=op.f("uq_building_community_id_name"))
    )
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_building_community_id"), ["community_id"], unique=False)

    op.create_table("person",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.Enum("person", "organisation", name="person_kind", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("id_last4", sa.String(length=4), nullable=True),
    sa.Column("phone", sa.String(length=30), nullable=True),
    sa.Column("is_developer", sa.Boolean(), nullable=False),
    sa.CheckConstraint("id_last4 IS NULL OR length(id_last4) = 4", name=op.f("ck_person_id_last4_length")),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_person_community_id_community"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_person"))
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_community_name", ["community_id", "name"], unique=False)
        batch_op.create_index("uq_person_developer", ["community_id"], unique=True, sqlite_where=sa.text("is_developer"), postgresql_where=sa.text("is_developer"))

    op.create_table("role_assignment",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("role", sa.Enum("administrator", "street_official", "committee_chair", "committee_vice_chair", "committee_member", name="role", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("street_office_id", sa.Integer(), nullable=True),
    sa.Column("community_id", sa.Integer(), nullable=True),
    sa.CheckConstraint(
        "(role = 'administrator' AND street_office_id IS NULL AND community_id IS NULL)"
        " OR (role = 'street_official' AND street_office_id IS NOT NULL AND community_id IS NULL)"
        " OR (role IN ('committee_chair', 'committee_vice_chair', 'committee_member')"
        " AND community_id IS NOT NULL AND street_office_id IS NULL)",
        name=op.f("ck_role_assignment_scope_matches_role"),
    ),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_role_assignment_community_id_community"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["street_office_id"], ["street_office.id"], name=op.f("fk_role_assignment_street_office_id_street_office"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_role_assignment_user_id_user_account"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_role_assignment")),
    sa.UniqueConstraint("user_id", "role", "street_office_id", "community_id", name=op.f("uq_role_assignment_user_id_role_street_office_id_community_id"))
    )
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_assignment_user_id"), ["user_id"], unique=False)

    op.create_table("unit",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("community_id", sa.Integer(), nullable=False),
    sa.Column("building_id", sa.Integer(), nullable=False),
    sa.Column("number", sa.String(length=40), nullable=False),
    sa.Column("area_centi", sa.BigInteger(), nullable=False),
    sa.Column("area_source", sa.Enum("registry", "survey", "contract", name="area_source", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("kind", sa.Enum("residential", "commercial", "parking", "storage", "other", name="unit_kind", native_enum=False, create_constraint=True), nullable=False),
    sa.Column("votes", sa.Boolean(), nullable=False),
    sa.CheckConstraint("area_centi > 0", name=op.f("ck_unit_area_positive")),
    sa.ForeignKeyConstraint(["building_id"], ["building.id"], name=op.f("fk_unit_building_id_building"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_unit_community_id_community"), ondelete="RESTRICT"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
    sa.UniqueConstraint("building_id", "number", name=op.f("uq_unit_building_id_number"))
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_community_id"), ["community_id"], unique=False)

    op.create_table("holding",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("unit_id", sa.Integer(), nullable=False),
    sa.Column("person_id", sa.Integer(), nullable=False),
    sa.Column("state", sa.Enum("delivered", "undelivered", "unsold", name="holding_state", native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_holding_person_id_person"), ondelete="RESTRICT"),
    sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_holding_unit_id_unit"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_holding")),
    sa.UniqueConstraint("unit_id", "person_id", name=op.f("uq_holding_unit_id_person_id"))
    )
    with op.batch_alter_table("holding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holding_person_id"), ["person_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("holding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holding_person_id"))

    op.drop_table("holding")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_community_id"))

    op.drop_table("unit")
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_assignment_user_id"))

    op.drop_table("role_assignment")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("uq_person_developer", sqlite_where=sa.text("is_developer"), postgresql_where=sa.text("is_developer"))
        batch_op.drop_index("ix_person_community_name")

    op.drop_table("person")
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_building_community_id"))

    op.drop_table("building")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_community_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_no_update ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
    op.drop_table("audit_event")
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_street_office_id"))

    op.drop_table("community")
    op.drop_table("user_account")
    op.drop_table("street_office")
