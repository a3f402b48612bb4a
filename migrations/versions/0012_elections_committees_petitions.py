"""Committee elections, committees and their members, petitions; suspension and re-election orders

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 00:37:09.168332
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_KINDS_BEFORE = "'rectify', 'revoke', 'convene'"
_KINDS_NOW = "'rectify', 'revoke', 'convene', 'suspend', 'reelect'"


def upgrade() -> None:
    op.create_table(
        "petition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "reached", "expired", name="petition_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_petition_community_id_community"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["assembly_session.id"], name=op.f("fk_petition_session_id_assembly_session"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition")),
        sa.UniqueConstraint("public_id", name=op.f("uq_petition_public_id")),
    )
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_community_id"), ["community_id"], unique=False)

    op.create_table(
        "election",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("regular", "runoff", "supplementary", name="election_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "nominating",
                "published",
                "on_ballot",
                "decided",
                "seated",
                "failed",
                name="election_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("alternates", sa.Integer(), nullable=False),
        sa.Column("nominations_open_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nominations_close_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_by", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("slate_notice_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("nominations_close_at > nominations_open_at", name=op.f("ck_election_nomination_period_positive")),
        sa.CheckConstraint("seats > 0 AND alternates >= 0", name=op.f("ck_election_places_positive")),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_election_community_id_community"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user_account.id"], name=op.f("fk_election_created_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["item_id"], ["session_item.id"], name=op.f("fk_election_item_id_session_item"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["parent_id"], ["election.id"], name=op.f("fk_election_parent_id_election"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["slate_notice_id"], ["notice.id"], name=op.f("fk_election_slate_notice_id_notice"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election")),
        sa.UniqueConstraint("item_id", name=op.f("uq_election_item_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_election_public_id")),
    )
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_election_community_id"), ["community_id"], unique=False)

    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column(
            "nomination",
            sa.Enum("self", "joint", "organisation", name="nomination", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("nominated_by", sa.JSON(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("party_declared", sa.Boolean(), nullable=False),
        sa.Column("party_verified", sa.Boolean(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("nominated", "approved", "rejected", "withdrawn", name="candidate_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("vetted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("vetted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["election.id"], name=op.f("fk_candidate_election_id_election"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_candidate_person_id_person"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["vetted_by_user_id"], ["user_account.id"], name=op.f("fk_candidate_vetted_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate")),
        sa.UniqueConstraint("election_id", "person_id", name=op.f("uq_candidate_election_id_person_id")),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_election_id"), ["election_id"], unique=False)

    op.create_table(
        "committee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("owners", "temporary", name="committee_kind", native_enum=False, create_constraint=True), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=False),
        sa.Column("seated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handover_audit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handover_audit_by_user_id", sa.Integer(), nullable=True),
        sa.Column("reelection_ordered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_committee_community_id_community"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["election_id"], ["election.id"], name=op.f("fk_committee_election_id_election"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["handover_audit_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_committee_handover_audit_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee")),
    )
    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_community_id"), ["community_id"], unique=False)

    op.create_table(
        "petition_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("roll_entry_id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("area_centi", sa.BigInteger(), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["voting_letter.id"], name=op.f("fk_petition_signature_letter_id_voting_letter"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petition.id"], name=op.f("fk_petition_signature_petition_id_petition"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["roll_entry_id"], ["roll_entry.id"], name=op.f("fk_petition_signature_roll_entry_id_roll_entry"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_signature")),
        sa.UniqueConstraint("petition_id", "roll_entry_id", name=op.f("uq_petition_signature_petition_id_roll_entry_id")),
    )
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_signature_petition_id"), ["petition_id"], unique=False)

    op.create_table(
        "ballot_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("area_centi", sa.BigInteger(), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_ballot_approval_ballot_id_ballot"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidate.id"], name=op.f("fk_ballot_approval_candidate_id_candidate"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["session_item.id"], name=op.f("fk_ballot_approval_item_id_session_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["assembly_session.id"], name=op.f("fk_ballot_approval_session_id_assembly_session"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_approval")),
        sa.UniqueConstraint("ballot_id", "item_id", "candidate_id", name=op.f("uq_ballot_approval_ballot_id_item_id_candidate_id")),
    )
    with op.batch_alter_table("ballot_approval", schema=None) as batch_op:
        batch_op.create_index("ix_ballot_approval_tally", ["session_id", "item_id", "candidate_id", "area_centi", "heads"], unique=False)

    op.create_table(
        "committee_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum("chair", "vice_chair", "member", "alternate", name="member_role", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("alternate_rank", sa.Integer(), nullable=True),
        sa.Column("party", sa.Boolean(), nullable=False),
        sa.Column("owner_representative", sa.Boolean(), nullable=False),
        sa.Column("affiliation", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=300), nullable=False),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidate.id"], name=op.f("fk_committee_member_candidate_id_candidate"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_committee_member_committee_id_committee"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_committee_member_person_id_person"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_member")),
        sa.UniqueConstraint("committee_id", "person_id", name=op.f("uq_committee_member_committee_id_person_id")),
    )
    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_member_committee_id"), ["committee_id"], unique=False)

    op.create_table(
        "chair_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("choice_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["choice_id"], ["committee_member.id"], name=op.f("fk_chair_ballot_choice_id_committee_member"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_chair_ballot_committee_id_committee"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["committee_member.id"], name=op.f("fk_chair_ballot_voter_id_committee_member"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chair_ballot")),
        sa.UniqueConstraint("committee_id", "office", "voter_id", name=op.f("uq_chair_ballot_committee_id_office_voter_id")),
    )
    with op.batch_alter_table("chair_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chair_ballot_committee_id"), ["committee_id"], unique=False)

    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("membership_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("committee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("election_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("petition_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_oversight_order_election_id_election"), "election", ["election_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_oversight_order_membership_id_committee_member"),
            "committee_member",
            ["membership_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_oversight_order_petition_id_petition"), "petition", ["petition_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_oversight_order_committee_id_committee"), "committee", ["committee_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.drop_constraint(op.f("ck_oversight_order_order_kind"), type_="check")
        batch_op.create_check_constraint("order_kind", f"kind IN ({_KINDS_NOW})")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_user_account_person_id"), ["person_id"])
        batch_op.create_foreign_key(batch_op.f("fk_user_account_person_id_person"), "person", ["person_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_user_account_person_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_user_account_person_id"), type_="unique")
        batch_op.drop_column("person_id")

    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_oversight_order_committee_id_committee"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_oversight_order_petition_id_petition"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_oversight_order_membership_id_committee_member"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_oversight_order_election_id_election"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_oversight_order_order_kind"), type_="check")
        batch_op.create_check_constraint("order_kind", f"kind IN ({_KINDS_BEFORE})")
        batch_op.drop_column("petition_id")
        batch_op.drop_column("election_id")
        batch_op.drop_column("committee_id")
        batch_op.drop_column("membership_id")

    with op.batch_alter_table("chair_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chair_ballot_committee_id"))

    op.drop_table("chair_ballot")
    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_member_committee_id"))

    op.drop_table("committee_member")
    with op.batch_alter_table("ballot_approval", schema=None) as batch_op:
        batch_op.drop_index("ix_ballot_approval_tally")

    op.drop_table("ballot_approval")
    with op.batch_alter_table("petition_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_signature_petition_id"))

    op.drop_table("petition_signature")
    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_community_id"))

    op.drop_table("committee")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_election_id"))

    op.drop_table("candidate")
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_community_id"))

    op.drop_table("election")
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_community_id"))

    op.drop_table("petition")
