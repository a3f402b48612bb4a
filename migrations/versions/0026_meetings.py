"""The committee's meetings: requests to convene, attendance, motions and their votes, minutes and their signatures;
an order revoking a committee decision names its motion

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 21:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum("requested", "convened", "closed", name="meeting_state", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("convened_by_id", sa.Integer(), nullable=False),
        sa.Column("convened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_committee_meeting_committee_id_committee"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_committee_meeting_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["convened_by_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_meeting_convened_by_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_meeting")),
        sa.UniqueConstraint("public_id", name=op.f("uq_committee_meeting_public_id")),
    )
    op.create_index(op.f("ix_committee_meeting_committee_id"), "committee_meeting", ["committee_id"], unique=False)
    op.create_index(op.f("ix_committee_meeting_community_id"), "committee_meeting", ["community_id"], unique=False)
    op.create_table(
        "committee_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["committee_meeting.id"], name=op.f("fk_committee_attendance_meeting_id_committee_meeting"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_attendance_membership_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_attendance_recorded_by_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_attendance")),
        sa.UniqueConstraint("meeting_id", "membership_id", name=op.f("uq_committee_attendance_meeting_id_membership_id")),
    )
    op.create_index(op.f("ix_committee_attendance_meeting_id"), "committee_attendance", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_committee_attendance_membership_id"), "committee_attendance", ["membership_id"], unique=False)
    op.create_table(
        "committee_meeting_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["committee_meeting.id"],
            name=op.f("fk_committee_meeting_request_meeting_id_committee_meeting"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_meeting_request_membership_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_meeting_request")),
        sa.UniqueConstraint("meeting_id", "membership_id", name=op.f("uq_committee_meeting_request_meeting_id_membership_id")),
    )
    op.create_index(op.f("ix_committee_meeting_request_meeting_id"), "committee_meeting_request", ["meeting_id"], unique=False)
    op.create_table(
        "committee_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.Enum("draft", "confirmed", name="minutes_state", native_enum=False, create_constraint=True), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_minutes_drafted_by_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["committee_meeting.id"], name=op.f("fk_committee_minutes_meeting_id_committee_meeting"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["committee_minutes.id"],
            name=op.f("fk_committee_minutes_supersedes_id_committee_minutes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_minutes")),
        sa.UniqueConstraint("meeting_id", "version", name=op.f("uq_committee_minutes_meeting_id_version")),
        sa.UniqueConstraint("public_id", name=op.f("uq_committee_minutes_public_id")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_committee_minutes_supersedes_id")),
    )
    op.create_index(op.f("ix_committee_minutes_meeting_id"), "committee_minutes", ["meeting_id"], unique=False)
    op.create_table(
        "committee_motion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "state", sa.Enum("open", "passed", "failed", name="motion_state", native_enum=False, create_constraint=True), nullable=False
        ),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("agree", sa.Integer(), nullable=False),
        sa.Column("disagree", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["committee_member.id"], name=op.f("fk_committee_motion_closed_by_id_committee_member"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["committee_meeting.id"], name=op.f("fk_committee_motion_meeting_id_committee_meeting"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_committee_motion_notice_id_notice"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_motion")),
        sa.UniqueConstraint("meeting_id", "number", name=op.f("uq_committee_motion_meeting_id_number")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_committee_motion_notice_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_committee_motion_public_id")),
    )
    op.create_index(op.f("ix_committee_motion_meeting_id"), "committee_motion", ["meeting_id"], unique=False)
    op.create_table(
        "committee_minutes_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_minutes_signature_membership_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["committee_minutes.id"],
            name=op.f("fk_committee_minutes_signature_minutes_id_committee_minutes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_minutes_signature")),
        sa.UniqueConstraint("minutes_id", "membership_id", name=op.f("uq_committee_minutes_signature_minutes_id_membership_id")),
    )
    op.create_index(op.f("ix_committee_minutes_signature_minutes_id"), "committee_minutes_signature", ["minutes_id"], unique=False)
    op.create_table(
        "committee_motion_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("how", sa.Enum("online", "paper", name="motion_vote_channel", native_enum=False, create_constraint=True), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paper_reference", sa.String(length=100), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_motion_vote_confirmed_by_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_motion_vote_entered_by_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["committee_member.id"],
            name=op.f("fk_committee_motion_vote_membership_id_committee_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["motion_id"], ["committee_motion.id"], name=op.f("fk_committee_motion_vote_motion_id_committee_motion"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_motion_vote")),
        sa.UniqueConstraint("motion_id", "membership_id", name=op.f("uq_committee_motion_vote_motion_id_membership_id")),
    )
    op.create_index(op.f("ix_committee_motion_vote_motion_id"), "committee_motion_vote", ["motion_id"], unique=False)

    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("motion_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_oversight_order_motion_id_committee_motion"), "committee_motion", ["motion_id"], ["id"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("oversight_order", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_oversight_order_motion_id_committee_motion"), type_="foreignkey")
        batch_op.drop_column("motion_id")

    op.drop_index(op.f("ix_committee_motion_vote_motion_id"), table_name="committee_motion_vote")
    op.drop_table("committee_motion_vote")
    op.drop_index(op.f("ix_committee_minutes_signature_minutes_id"), table_name="committee_minutes_signature")
    op.drop_table("committee_minutes_signature")
    op.drop_index(op.f("ix_committee_motion_meeting_id"), table_name="committee_motion")
    op.drop_table("committee_motion")
    op.drop_index(op.f("ix_committee_minutes_meeting_id"), table_name="committee_minutes")
    op.drop_table("committee_minutes")
    op.drop_index(op.f("ix_committee_meeting_request_meeting_id"), table_name="committee_meeting_request")
    op.drop_table("committee_meeting_request")
    op.drop_index(op.f("ix_committee_attendance_membership_id"), table_name="committee_attendance")
    op.drop_index(op.f("ix_committee_attendance_meeting_id"), table_name="committee_attendance")
    op.drop_table("committee_attendance")
    op.drop_index(op.f("ix_committee_meeting_community_id"), table_name="committee_meeting")
    op.drop_index(op.f("ix_committee_meeting_committee_id"), table_name="committee_meeting")
    op.drop_table("committee_meeting")
