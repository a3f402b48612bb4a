"""Officials' accounts and their role assignments, each scoped to a community or a street office."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, str_enum, utcnow
from ..security.roles import Role


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to log a user out everywhere: the login cookie names the version.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The register's person this official is, when they are also an owner: a seated member votes for the chair with it.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), unique=True)
    # TOTP (RFC 6238): the secret encrypted with the instance key; the last
    # accepted time step, so a code is accepted once only.
    totp_secret_enc: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="user", cascade="all, delete-orphan")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def totp_enrolled(self) -> bool:
        return self.totp_secret_enc is not None

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class RoleAssignment(Base):
    __tablename__ = "role_assignment"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "street_office_id", "community_id"),
        CheckConstraint(
            "(role = 'administrator' AND street_office_id IS NULL AND community_id IS NULL)"
            " OR (role = 'street_official' AND street_office_id IS NOT NULL AND community_id IS NULL)"
            " OR (role IN ('committee_chair', 'committee_vice_chair', 'committee_member', 'preparatory_member')"
            " AND community_id IS NOT NULL AND street_office_id IS NULL)"
            " OR (role = 'district_official' AND district_id IS NOT NULL AND street_office_id IS NULL AND community_id IS NULL)"
            " OR (role = 'city_official' AND city_id IS NOT NULL AND street_office_id IS NULL AND community_id IS NULL)"
            " OR (role = 'property_staff' AND company_id IS NOT NULL AND street_office_id IS NULL AND community_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    street_office_id: Mapped[int | None] = mapped_column(ForeignKey("street_office.id", ondelete="RESTRICT"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="RESTRICT"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("property_company.id", ondelete="RESTRICT"))

    user: Mapped[User] = relationship(back_populates="roles")


class RecoveryCode(Base):
    """A one-time code for when the authenticator is lost; only its keyed hash is stored."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class ApiToken(Base):
    """A bearer token an official made for another system; only its SHA-256 is kept, and it can be revoked."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The first characters, shown in the list so the owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Space-separated: "committee", "office", "area".
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class LoginSession(Base):
    """One signed-in browser: the cookie carries a random key, only its SHA-256 is kept; logging out ends it here."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
