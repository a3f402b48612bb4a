"""Cities and their districts over the street offices; district and city officials

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_ROLES_BEFORE = "'administrator', 'street_official', 'committee_chair', 'committee_vice_chair', 'committee_member', 'preparatory_member'"
_ROLES_NOW = _ROLES_BEFORE + ", 'district_official', 'city_official'"
_SCOPE_BEFORE = (
    "(role = 'administrator' AND street_office_id IS NULL AND community_id IS NULL)"
    " OR (role = 'street_official' AND street_office_id IS NOT NULL AND community_id IS NULL)"
    " OR (role IN ('committee_chair', 'committee_vice_chair', 'committee_member', 'preparatory_member')"
    " AND community_id IS NOT NULL AND street_office_id IS NULL)"
)
_SCOPE_NOW = (
    _SCOPE_BEFORE
    + " OR (role = 'district_official' AND district_id IS NOT NULL AND street_office_id IS NULL AND community_id IS NULL)"
    " OR (role = 'city_official' AND city_id IS NOT NULL AND street_office_id IS NULL AND community_id IS NULL)"
)


def upgrade() -> None:
    op.create_table(
        "city",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rule_profile", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city")),
        sa.UniqueConstraint("code", name=op.f("uq_city_code")),
    )
    op.create_table(
        "district",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], name=op.f("fk_district_city_id_city"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district")),
        sa.UniqueConstraint("code", name=op.f("uq_district_code")),
    )
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_district_city_id"), ["city_id"], unique=False)

    with op.batch_alter_table("street_office", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_street_office_district_id"), ["district_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_street_office_district_id_district"), "district", ["district_id"], ["id"], ondelete="RESTRICT"
        )

    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("city_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_role_assignment_district_id_district"), "district", ["district_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_foreign_key(batch_op.f("fk_role_assignment_city_id_city"), "city", ["city_id"], ["id"], ondelete="RESTRICT")
        batch_op.drop_constraint(op.f("ck_role_assignment_role"), type_="check")
        batch_op.create_check_constraint("role", f"role IN ({_ROLES_NOW})")
        batch_op.drop_constraint(op.f("ck_role_assignment_scope_matches_role"), type_="check")
        batch_op.create_check_constraint("scope_matches_role", _SCOPE_NOW)


def downgrade() -> None:
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_role_assignment_scope_matches_role"), type_="check")
        batch_op.create_check_constraint("scope_matches_role", _SCOPE_BEFORE)
        batch_op.drop_constraint(op.f("ck_role_assignment_role"), type_="check")
        batch_op.create_check_constraint("role", f"role IN ({_ROLES_BEFORE})")
        batch_op.drop_constraint(batch_op.f("fk_role_assignment_city_id_city"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_role_assignment_district_id_district"), type_="foreignkey")
        batch_op.drop_column("city_id")
        batch_op.drop_column("district_id")

    with op.batch_alter_table("street_office", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_street_office_district_id_district"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_street_office_district_id"))
        batch_op.drop_column("district_id")

    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_district_city_id"))

    op.drop_table("district")
    op.drop_table("city")
