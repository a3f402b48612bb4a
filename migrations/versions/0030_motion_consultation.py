"""A committee motion names the owners' consultation it follows, which its decision notice links

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("committee_motion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consultation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_committee_motion_consultation_id_consultation"), "consultation", ["consultation_id"], ["id"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    with op.batch_alter_table("committee_motion", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_committee_motion_consultation_id_consultation"), type_="foreignkey")
        batch_op.drop_column("consultation_id")
