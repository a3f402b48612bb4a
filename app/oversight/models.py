"""The street office's decisions on a community's sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, str_enum


class Verdict(enum.Enum):
    CERTIFIED = "certified"
    REJECTED = "rejected"


class Certification(Base):
    """备案/确认: the street official's verdict on a tallied session, signed with the server's key.

    ``statement`` is the exact canonical JSON that was signed: the session,
    the SHA-256 of its result, the hash of its bulletin seal, the verdict and
    its time, so anyone holding the published keys can check it.
    """

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), unique=True)
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict, "verdict"))
    reasons: Mapped[str] = mapped_column(Text, default="")
    official_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    statement: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
