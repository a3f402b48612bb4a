"""The preparatory group (业主大会筹备组) and its members; the group's role

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_ROLES_BEFORE = "'administrator', 'street_official', 'committee_chair', 'committee_vice_chair', 'committee_member'"
_ROLES_NOW = _ROLES_BEFORE + ", 'preparatory_member'"
_SCOPE = (
    "(role = 'administrator' AND street_office_id IS NULL AND community_id IS NULL)"
    " OR (role = 'street_official' AND street_office_id IS NOT NULL AND community_id IS NULL)"
    " OR (role IN ({community_roles}) AND community_id IS NOT NULL AND street_office_id IS NULL)"
)
_SCOPE_BEFORE = _SCOPE.format(community_roles="'committee_chair', 'committee_vice_chair', 'committee_member'")
_SCOPE_NOW = _SCOPE.format(community_roles="'committee_chair', 'committee_vice_chair', 'committee_member', 'preparatory_member'")


def _checks(roles: str, scope: str) -> None:
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_role_assignment_role"), type_="check")
        batch_op.drop_constraint(op.f("ck_role_assignment_scope_matches_role"), type_="check")
        batch_op.create_check_constraint("role", f"role IN ({roles})")
        batch_op.create_check_constraint("scope_matches_role", scope)


def upgrade() -> None:
    op.create_table(
        "preparatory_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("formed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("formed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("members_notice_id", sa.Integer(), nullable=True),
        sa.Column("dissolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dissolved_reason", sa.String(length=300), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_preparatory_group_committee_id_committee"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_preparatory_group_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["formed_by_user_id"], ["user_account.id"], name=op.f("fk_preparatory_group_formed_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["members_notice_id"], ["notice.id"], name=op.f("fk_preparatory_group_members_notice_id_notice"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preparatory_group")),
    )
    with op.batch_alter_table("preparatory_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preparatory_group_community_id"), ["community_id"], unique=False)
        batch_op.create_index(
            "uq_preparatory_group_open",
            ["community_id"],
            unique=True,
            sqlite_where=sa.text("dissolved_at IS NULL"),
            postgresql_where=sa.text("dissolved_at IS NULL"),
        )

    op.create_table(
        "preparatory_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("owner", "developer", "office", "residents_committee", name="group_member_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_label", sa.String(length=80), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("affiliation", sa.String(length=200), nullable=False),
        sa.Column("leader", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["preparatory_group.id"], name=op.f("fk_preparatory_group_member_group_id_preparatory_group"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_preparatory_group_member_person_id_person"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_preparatory_group_member_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preparatory_group_member")),
    )
    with op.batch_alter_table("preparatory_group_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preparatory_group_member_group_id"), ["group_id"], unique=False)

    _checks(_ROLES_NOW, _SCOPE_NOW)


def downgrade() -> None:
    op.execute("DELETE FROM role_assignment WHERE role = 'preparatory_member'")
    _checks(_ROLES_BEFORE, _SCOPE_BEFORE)
    with op.batch_alter_table("preparatory_group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preparatory_group_member_group_id"))
    op.drop_table("preparatory_group_member")
    with op.batch_alter_table("preparatory_group", schema=None) as batch_op:
        batch_op.drop_index("uq_preparatory_group_open", sqlite_where=sa.text("dissolved_at IS NULL"), postgresql_where=sa.text("dissolved_at IS NULL"))
        batch_op.drop_index(batch_op.f("ix_preparatory_group_community_id"))
    op.drop_table("preparatory_group")
