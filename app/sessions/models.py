"""Assembly sessions, their items, the frozen roll, voting letters and proxy authorisations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import AreaMixin, Base, UTCDateTime, str_enum, utcnow
from ..domain.lifecycle import SessionState


class SessionForm(enum.Enum):
    MEETING = "meeting"  # 集体讨论
    WRITTEN = "written"  # 书面征求意见


class AssemblySession(Base):
    """业主大会会议: one meeting or written consultation of a community's owners."""

    __tablename__ = "assembly_session"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="window_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    form: Mapped[SessionForm] = mapped_column(str_enum(SessionForm, "session_form"))
    state: Mapped[SessionState] = mapped_column(str_enum(SessionState, "session_state"), default=SessionState.DRAFT)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The frozen roll: its SHA-256 and totals, set at announcement.
    roll_sha256: Mapped[str | None] = mapped_column(String(64))
    roll_area_centi: Mapped[int | None] = mapped_column(BigInteger)
    roll_heads: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The rule engine's result, stored when the session is tallied, and its SHA-256.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    tallied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The preliminary result's objection period ends then (RULES §6); None: a count made before there was one.
    objections_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who convened it: the committee, or the street office after its order went unheeded (RULES §10).
    convened_by: Mapped[str] = mapped_column(String(20), default="committee", server_default="committee")

    items: Mapped[list[Item]] = relationship(back_populates="session", order_by="Item.position", cascade="all, delete-orphan")


class Item(Base):
    """议题: a question with its Civil Code art. 278 matter, or a committee election (kind "election")."""

    __tablename__ = "session_item"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="question")
    matter: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # Set when the street office revokes the decision taken on this item (an Order of kind revoke).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # RULES §9: the unit ids ("<building>-<number>", as the roll names them) that decide the item; None: the whole community.
    scope: Mapped[list[str] | None] = mapped_column(JSON)
    scope_label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # The scope's totals, frozen with the roll at announcement.
    scope_area_centi: Mapped[int | None] = mapped_column(BigInteger)
    scope_heads: Mapped[int | None] = mapped_column(Integer)

    session: Mapped[AssemblySession] = relationship(back_populates="items")


class ItemScopeEntry(Base):
    """One voter of a scoped item's roll (RULES §9), frozen at announcement: the roll entry and its area inside the scope.

    A table rather than a JSON column on the item: each row names its roll
    entry by foreign key (it cannot point at a voter the roll does not hold),
    the ballot page and a cast look a voter up by ``(item, roll entry)``
    through the primary key without decoding a whole scope, and the rows read
    like the roll's own: one voter, one area, a headcount of 1.
    """

    __tablename__ = "session_item_scope_entry"
    __table_args__ = (CheckConstraint("area_centi > 0", name="area_positive"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("session_item.id", ondelete="CASCADE"), primary_key=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="CASCADE"), primary_key=True, index=True)
    area_centi: Mapped[int] = mapped_column(BigInteger)


class ItemDocument(Base):
    """A document an item adopts or concerns (the rules of procedure, the covenant, a quote): a PDF or image kept by its SHA-256.

    Attached while the session is a draft; the announcement lists each with its SHA-256, so the text owners vote on is fixed.
    """

    __tablename__ = "session_item_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("session_item.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RollEntry(AreaMixin, Base):
    """One voter of the roll frozen at announcement (表决权名册)."""

    __tablename__ = "roll_entry"
    __table_args__ = (UniqueConstraint("session_id", "voter_key"), CheckConstraint("area_centi > 0", name="area_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(400))
    units: Mapped[list[str]] = mapped_column(JSON)
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer, default=1)


class ProxyAuthorisation(Base):
    """A written authorisation for a proxy (受托人) to vote for an owner in one session."""

    __tablename__ = "proxy_authorisation"
    __table_args__ = (CheckConstraint("length(proxy_id_last4) = 4", name="proxy_id_last4_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="CASCADE"), index=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="CASCADE"))
    owner_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    proxy_name: Mapped[str] = mapped_column(String(200))
    proxy_id_last4: Mapped[str] = mapped_column(String(4))
    scan_reference: Mapped[str] = mapped_column(String(200))
    # None when recorded by an operator at the command line.
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Letter(Base):
    """表决通知书: one holder's (or proxy's) credentials for one session.

    Only the SHA-256 of the token is stored; the token itself is derived from
    ``nonce`` under a key kept in instance/, so letters can be printed again
    without the database ever holding a usable token.
    """

    __tablename__ = "voting_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="CASCADE"), index=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_authorisation.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roll_entry: Mapped[RollEntry] = relationship()
    session: Mapped[AssemblySession] = relationship()
    proxy: Mapped[ProxyAuthorisation | None] = relationship()


class Channel(enum.Enum):
    ONLINE = "online"
    PAPER = "paper"
    PROXY = "proxy"


class Ballot(Base):
    """表决票: one voter's choices in one session.

    At most one current ballot per voter is a database constraint (a partial
    unique index over ballots not superseded), so concurrent casts cannot both
    land. A revote, where the profile allows it, supersedes and keeps the old one.
    """

    __tablename__ = "ballot"
    __table_args__ = (
        Index(
            "uq_ballot_current_per_voter",
            "session_id",
            "roll_entry_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), index=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="RESTRICT"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("voting_letter.id", ondelete="RESTRICT"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "ballot_channel"))
    choices: Mapped[dict[str, Any]] = mapped_column(JSON)  # item id -> choice, or a list of candidate ids
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BallotChoice(Base):
    """One item's choice of a current ballot, with the voter's weight: the rows the tally groups."""

    __tablename__ = "ballot_choice"
    __table_args__ = (
        UniqueConstraint("ballot_id", "item_id"),
        Index("ix_ballot_choice_tally", "session_id", "item_id", "choice", "area_centi", "heads"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"))
    item_id: Mapped[int] = mapped_column(ForeignKey("session_item.id", ondelete="RESTRICT"))
    choice: Mapped[str] = mapped_column(String(10))
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer)


class BallotApproval(Base):
    """One candidate approved on a current ballot's election item, with the voter's weight."""

    __tablename__ = "ballot_approval"
    __table_args__ = (
        UniqueConstraint("ballot_id", "item_id", "candidate_id"),
        Index("ix_ballot_approval_tally", "session_id", "item_id", "candidate_id", "area_centi", "heads"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"))
    item_id: Mapped[int] = mapped_column(ForeignKey("session_item.id", ondelete="RESTRICT"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="RESTRICT"))
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer)


class PaperBallot(Base):
    """A paper ballot as entered by one committee member; it counts only once a second one confirms it."""

    __tablename__ = "paper_ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), index=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="RESTRICT"))
    choices: Mapped[dict[str, Any]] = mapped_column(JSON)  # item id -> choice, or a list of candidate ids
    paper_reference: Mapped[str] = mapped_column(String(100))
    entered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballot.id", ondelete="RESTRICT"))
    # Set when the voter's ballot arrived another way first: the paper does not count.
    conflict_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a second member found the entry wrong (with the reason), or its author withdrew it:
    # it never counts, and the units can be entered again.
    rejected_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roll_entry: Mapped[RollEntry] = relationship()


class BulletinHead(Base):
    """The end of a session's bulletin chain; every append locks this row first (DESIGN §7).

    Created at announcement, so the first ballot has a row to lock like every other.
    """

    __tablename__ = "bulletin_head"

    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    head: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CorrectionWindow(Base):
    """A sealed session reopened for one voter by an upheld objection (a ``correction`` entry on the bulletin).

    Until ``until`` that voter alone casts again, online with a re-issued letter or on paper entered by two members
    (``channel``); the first ballot, or the end of the window, closes it, and the bulletin is sealed again once no
    window is open.
    """

    __tablename__ = "correction_window"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), index=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="RESTRICT"))
    channel: Mapped[str] = mapped_column(String(10))  # online | paper
    voided_ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballot.id", ondelete="RESTRICT"))
    objection: Mapped[str] = mapped_column(String(24))  # the objection's public id, as the entry names it
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballot.id", ondelete="RESTRICT"))  # the ballot cast in it


class BulletinEntry(Base):
    """One signed entry of a session's public bulletin, stored as the exact canonical JSON published.

    Unique ``(session, seq)`` and ``(session, prev)`` make a fork impossible even
    if the head lock were bypassed; the database refuses updates and deletes.
    """

    __tablename__ = "bulletin_entry"
    __table_args__ = (UniqueConstraint("session_id", "seq"), UniqueConstraint("session_id", "prev"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    prev: Mapped[str] = mapped_column(String(64))
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballot.id", ondelete="RESTRICT"), unique=True)
    body: Mapped[str] = mapped_column(Text)


class Verdict(enum.Enum):
    CERTIFIED = "certified"
    REJECTED = "rejected"


class Certification(Base):
    """备案/确认: the street office's verdict on a tallied session (decided in oversight), signed with the server's key.

    Kept with the sessions it certifies: the packages that act on a certified
    result (elections seat from it) sit below oversight.

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
