"""The negative list's findings against committee members, the vetting's checklist, and term-end audits

A committee whose term-end audit was ticked (``committee.handover_audit_at``) gets a
published ``term_audit`` in its place, so that nothing already seated or ready to be
re-seated changes; the tick's columns go, the audit being the one record seating reads.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

_committee = sa.table(
    "committee",
    sa.column("id", sa.Integer()),
    sa.column("community_id", sa.Integer()),
    sa.column("handover_audit_at", sa.DateTime(timezone=True)),
    sa.column("handover_audit_by_user_id", sa.Integer()),
)
_audit = sa.table(
    "term_audit",
    sa.column("public_id", sa.String()),
    sa.column("committee_id", sa.Integer()),
    sa.column("community_id", sa.Integer()),
    sa.column("auditor", sa.String()),
    sa.column("scope", sa.JSON()),
    sa.column("state", sa.String()),
    sa.column("created_by_user_id", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("published_by_user_id", sa.Integer()),
    sa.column("published_at", sa.DateTime(timezone=True)),
)


class _ForeignKeysOff:
    """SQLite rebuilds a table to drop a column; other tables' rows reference it, so foreign keys are
    switched off meanwhile (only possible between transactions: the one the upgrade runs in is committed first)."""

    def __enter__(self) -> None:
        bind = op.get_bind()
        self.sqlite = bind.dialect.name == "sqlite"
        if self.sqlite:
            bind.exec_driver_sql("COMMIT")
            bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
            bind.exec_driver_sql("BEGIN")

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            bind = op.get_bind()
            problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign keys broken by the rebuild: {problems[:5]}")
            bind.exec_driver_sql("COMMIT")
            bind.exec_driver_sql("PRAGMA foreign_keys=ON")
            bind.exec_driver_sql("BEGIN")


def _audits_from_ticks() -> None:
    """Each ticked audit becomes a published one, by the official who ticked it, when they ticked it; its scope unknown."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_committee.c.id, _committee.c.community_id, _committee.c.handover_audit_at, _committee.c.handover_audit_by_user_id).where(
            _committee.c.handover_audit_at.is_not(None)
        )
    ).all()
    if rows:
        op.bulk_insert(
            _audit,
            [
                {
                    "public_id": f"ticked-{committee_id}",
                    "committee_id": committee_id,
                    "community_id": community_id,
                    "auditor": "",
                    "scope": {},
                    "state": "published",
                    "created_by_user_id": by,
                    "created_at": at,
                    "published_by_user_id": by,
                    "published_at": at,
                }
                for committee_id, community_id, at, by in rows
            ],
        )


def _ticks_from_audits() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_audit.c.committee_id, _audit.c.published_at, _audit.c.published_by_user_id).where(_audit.c.state == "published")
    ).all()
    for committee_id, at, by in rows:
        bind.execute(_committee.update().where(_committee.c.id == committee_id).values(handover_audit_at=at, handover_audit_by_user_id=by))


def upgrade() -> None:
    op.create_table(
        "term_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("auditor", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("state", sa.Enum("draft", "published", name="audit_state", native_enum=False, create_constraint=True), nullable=False),
        sa.Column("report_filename", sa.String(length=200), nullable=True),
        sa.Column("report_content_type", sa.String(length=40), nullable=True),
        sa.Column("report_size", sa.Integer(), nullable=True),
        sa.Column("report_sha256", sa.String(length=64), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_user_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"], name=op.f("fk_term_audit_committee_id_committee"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_term_audit_community_id_community"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user_account.id"], name=op.f("fk_term_audit_created_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_term_audit_notice_id_notice"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["published_by_user_id"], ["user_account.id"], name=op.f("fk_term_audit_published_by_user_id_user_account"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_audit")),
        sa.UniqueConstraint("committee_id", name=op.f("uq_term_audit_committee_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_term_audit_public_id")),
    )
    with op.batch_alter_table("term_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_audit_community_id"), ["community_id"], unique=False)

    op.create_table(
        "conduct_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=24), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("limit", sa.Integer(), nullable=True),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("standing", "removed", "lifted", name="finding_outcome", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("removal_item_id", sa.Integer(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("outcome_notice_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_conduct_finding_committee_id_committee"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_conduct_finding_community_id_community"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_conduct_finding_decided_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"], ["committee_member.id"], name=op.f("fk_conduct_finding_membership_id_committee_member"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_conduct_finding_notice_id_notice"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["outcome_notice_id"], ["notice.id"], name=op.f("fk_conduct_finding_outcome_notice_id_notice"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_conduct_finding_recorded_by_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["removal_item_id"], ["session_item.id"], name=op.f("fk_conduct_finding_removal_item_id_session_item"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conduct_finding")),
        sa.UniqueConstraint("public_id", name=op.f("uq_conduct_finding_public_id")),
    )
    with op.batch_alter_table("conduct_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conduct_finding_committee_id"), ["committee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conduct_finding_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conduct_finding_membership_id"), ["membership_id"], unique=False)

    op.create_table(
        "conduct_finding_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["conduct_finding.id"], name=op.f("fk_conduct_finding_document_finding_id_conduct_finding"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conduct_finding_document")),
    )
    with op.batch_alter_table("conduct_finding_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conduct_finding_document_finding_id"), ["finding_id"], unique=False)

    op.create_table(
        "term_audit_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["term_audit.id"], name=op.f("fk_term_audit_finding_audit_id_term_audit"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["oversight_order.id"], name=op.f("fk_term_audit_finding_order_id_oversight_order"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_audit_finding")),
    )
    with op.batch_alter_table("term_audit_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_audit_finding_audit_id"), ["audit_id"], unique=False)

    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cleared", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("rejected_entry", sa.String(length=40), nullable=True))

    _audits_from_ticks()
    with _ForeignKeysOff(), op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_committee_handover_audit_by_user_id_user_account"), type_="foreignkey")
        batch_op.drop_column("handover_audit_by_user_id")
        batch_op.drop_column("handover_audit_at")


def downgrade() -> None:
    with _ForeignKeysOff(), op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handover_audit_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handover_audit_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_committee_handover_audit_by_user_id_user_account"),
            "user_account",
            ["handover_audit_by_user_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    _ticks_from_audits()
    with _ForeignKeysOff(), op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("rejected_entry")
        batch_op.drop_column("cleared")

    with op.batch_alter_table("term_audit_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_audit_finding_audit_id"))

    op.drop_table("term_audit_finding")
    with op.batch_alter_table("conduct_finding_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conduct_finding_document_finding_id"))

    op.drop_table("conduct_finding_document")
    with op.batch_alter_table("conduct_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conduct_finding_membership_id"))
        batch_op.drop_index(batch_op.f("ix_conduct_finding_community_id"))
        batch_op.drop_index(batch_op.f("ix_conduct_finding_committee_id"))

    op.drop_table("conduct_finding")
    with op.batch_alter_table("term_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_audit_community_id"))

    op.drop_table("term_audit")
