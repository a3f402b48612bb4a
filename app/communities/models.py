"""The register: cities, districts, street offices, communities, buildings, units, persons, holdings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import AreaMixin, Base, UTCDateTime, str_enum, utcnow


class AreaSource(enum.Enum):
    REGISTRY = "registry"  # 不动产登记
    SURVEY = "survey"  # 测绘
    CONTRACT = "contract"  # 合同


class UnitKind(enum.Enum):
    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    PARKING = "parking"
    STORAGE = "storage"
    OTHER = "other"


class PersonKind(enum.Enum):
    PERSON = "person"
    ORGANISATION = "organisation"


class HoldingState(enum.Enum):
    DELIVERED = "delivered"  # 已交付: the holder votes
    UNDELIVERED = "undelivered"  # 已售未交付: the developer votes
    UNSOLD = "unsold"  # 未售: the developer votes


class City(Base):
    """A city (市): its districts' offices report their figures against its profile's yearly targets."""

    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The rule profile whose yearly targets (formation_targets) apply to the city's figures.
    rule_profile: Mapped[str] = mapped_column(String(40), default="cn-national")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    districts: Mapped[list[District]] = relationship(back_populates="city", order_by="District.name")


class District(Base):
    """A district (区 / 旗县区) of a city, over its street offices."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    city: Mapped[City] = relationship(back_populates="districts")
    offices: Mapped[list[StreetOffice]] = relationship(back_populates="district", order_by="StreetOffice.name")


class StreetOffice(Base):
    __tablename__ = "street_office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None until an operator assigns the office to its district.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    district: Mapped[District | None] = relationship(back_populates="offices")

    communities: Mapped[list[Community]] = relationship(back_populates="street_office", order_by="Community.name")


class Community(Base):
    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_office_id: Mapped[int] = mapped_column(ForeignKey("street_office.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    rule_profile: Mapped[str] = mapped_column(String(40), default="cn-national")
    # Overrides of the rule profile's settings (notice days, revoting, ...).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    street_office: Mapped[StreetOffice] = relationship(back_populates="communities")
    buildings: Mapped[list[Building]] = relationship(back_populates="community", order_by="Building.name")


class Building(Base):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(40))

    community: Mapped[Community] = relationship(back_populates="buildings")
    units: Mapped[list[Unit]] = relationship(back_populates="building", order_by="Unit.number")


class Unit(AreaMixin, Base):
    """A unit (专有部分). Its area is kept in integer hundredths of m² (DESIGN §7)."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("building_id", "number"),
        CheckConstraint("area_centi > 0", name="area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id", ondelete="RESTRICT"))
    number: Mapped[str] = mapped_column(String(40))
    area_centi: Mapped[int] = mapped_column(BigInteger)
    area_source: Mapped[AreaSource] = mapped_column(str_enum(AreaSource, "area_source"))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind, "unit_kind"))
    votes: Mapped[bool] = mapped_column(Boolean, default=True)

    building: Mapped[Building] = relationship(back_populates="units")
    holdings: Mapped[list[Holding]] = relationship(back_populates="unit", cascade="all, delete-orphan")


class Person(Base):
    """An owner or an organisation (the developer). Only the ID number's last four digits are kept."""

    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("id_last4 IS NULL OR length(id_last4) = 4", name="id_last4_length"),
        Index("ix_person_community_name", "community_id", "name"),
        # At most one developer per community.
        Index(
            "uq_person_developer",
            "community_id",
            unique=True,
            sqlite_where=text("is_developer"),
            postgresql_where=text("is_developer"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    kind: Mapped[PersonKind] = mapped_column(str_enum(PersonKind, "person_kind"), default=PersonKind.PERSON)
    name: Mapped[str] = mapped_column(String(200))
    id_last4: Mapped[str | None] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(String(30))
    is_developer: Mapped[bool] = mapped_column(Boolean, default=False)

    holdings: Mapped[list[Holding]] = relationship(back_populates="person")


class Holding(Base):
    """Which persons hold which unit; co-owners are several rows for one unit."""

    __tablename__ = "holding"
    __table_args__ = (UniqueConstraint("unit_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    state: Mapped[HoldingState] = mapped_column(str_enum(HoldingState, "holding_state"), default=HoldingState.DELIVERED)

    unit: Mapped[Unit] = relationship(back_populates="holdings")
    person: Mapped[Person] = relationship(back_populates="holdings")


class IdentityAttempts(Base):
    """Wrong tries of the register's identity check (unit, name, ID's last four) on one unit; too many lock it for a while."""

    __tablename__ = "identity_attempts"
    __table_args__ = (UniqueConstraint("community_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    unit: Mapped[str] = mapped_column(String(100))  # the label as the register holds it: "1-101"
    failed: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
