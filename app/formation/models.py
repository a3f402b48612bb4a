"""The preparatory group and its members; at most one group of a community is open (``dissolved_at`` null)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, str_enum


class PreparatoryGroup(Base):
    """业主大会筹备组: formed by the street office, dissolved when the committee its assembly elected is seated, or by the office."""

    __tablename__ = "preparatory_group"
    __table_args__ = (
        # One open group per community.
        Index(
            "uq_preparatory_group_open",
            "community_id",
            unique=True,
            sqlite_where=text("dissolved_at IS NULL"),
            postgresql_where=text("dissolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    formed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    formed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    # The member list on the community's board (RULES §10: within the profile's days of forming).
    members_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    dissolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dissolved_reason: Mapped[str] = mapped_column(String(300), default="")
    # The committee the group handed over to, when its assembly's election was seated.
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"))

    members: Mapped[list[GroupMember]] = relationship(back_populates="group", order_by="GroupMember.id")

    @property
    def is_open(self) -> bool:
        return self.dissolved_at is None


class MemberKind(enum.Enum):
    OWNER = "owner"  # 业主代表
    DEVELOPER = "developer"  # 建设单位代表
    OFFICE = "office"  # 街道办事处代表
    RESIDENTS_COMMITTEE = "residents_committee"  # 居民委员会代表


class GroupMember(Base):
    __tablename__ = "preparatory_group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("preparatory_group.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[MemberKind] = mapped_column(str_enum(MemberKind, "group_member_kind"))
    name: Mapped[str] = mapped_column(String(200))
    unit_label: Mapped[str] = mapped_column(String(80), default="")  # owners: the unit they own ("1-101")
    # Owners: the register's person; the developer's representative: the developer.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    leader: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))

    group: Mapped[PreparatoryGroup] = relationship(back_populates="members")
