"""Property services (物业服务): the companies and their contracts, the service's facts on each community's board,
owners' complaints and repair requests on the profile's clock, the yearly satisfaction survey, the office's findings
against a company and the monthly red and black lists.

A complaint keeps the deadlines computed when it was filed (a later change of profile does not move them) and one
event per step, so the ledger (台账) is read from it as it happened. Money is in fen, areas in hundredths of m².
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, str_enum, utcnow


class PropertyCompany(Base):
    """A property-service company (物业服务企业) in a city's registry, kept by its street offices."""

    __tablename__ = "property_company"
    __table_args__ = (UniqueConstraint("city_id", "licence_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The unified social credit code (统一社会信用代码), 18 characters.
    licence_number: Mapped[str] = mapped_column(String(18))
    address: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contracts: Mapped[list[ServiceContract]] = relationship(back_populates="company", order_by="ServiceContract.starts_on")


class ServiceContract(Base):
    """The contract under which a company serves a community (物业服务合同): its term, scope and fee standards.
    ``ended_on`` is set when it ends early; a community has at most one contract in force on a day."""

    __tablename__ = "property_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id", ondelete="RESTRICT"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(Text, default="")  # the services the contract covers
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    company: Mapped[PropertyCompany] = relationship(back_populates="contracts")
    fees: Mapped[list[ContractFee]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractFee.unit_kind"
    )
    documents: Mapped[list[ContractDocument]] = relationship(back_populates="contract", cascade="all, delete-orphan")


class ContractFee(Base):
    """The fee standard for one kind of unit: fen per m² per month (residential 1.85 yuan/m² is 185)."""

    __tablename__ = "property_contract_fee"
    __table_args__ = (UniqueConstraint("contract_id", "unit_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("property_contract.id", ondelete="CASCADE"), index=True)
    unit_kind: Mapped[str] = mapped_column(String(20))  # communities.UnitKind values
    fen_per_m2_month: Mapped[int] = mapped_column(Integer)

    contract: Mapped[ServiceContract] = relationship(back_populates="fees")


class ContractDocument(Base):
    """The signed contract and its annexes, stored by SHA-256 like every published file."""

    __tablename__ = "property_contract_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("property_contract.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contract: Mapped[ServiceContract] = relationship(back_populates="documents")


class FactsState(enum.Enum):
    SUBMITTED = "submitted"  # the company's update, awaiting the committee
    CONFIRMED = "confirmed"  # on the board
    RETURNED = "returned"  # the committee sent it back with a reason


class ServiceFacts(Base):
    """A version of the service's facts on a community's board (物业服务信息公示): the manager on duty, the
    contractors, the shared utility costs per period. The company submits, the committee confirms; the board shows
    the latest confirmed version. ``contractors`` is ``[{"kind", "name", "phone"}]``; ``utility_costs`` is
    ``[{"period": "2026-11", "item", "fen", "basis"}]``."""

    __tablename__ = "property_service_facts"
    __table_args__ = (UniqueConstraint("community_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    manager_name: Mapped[str] = mapped_column(String(100))
    manager_phone: Mapped[str] = mapped_column(String(30))
    contractors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    utility_costs: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    state: Mapped[FactsState] = mapped_column(str_enum(FactsState, "facts_state"), default=FactsState.SUBMITTED)
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str] = mapped_column(Text, default="")


class RequestCategory(enum.Enum):
    COMPLAINT = "complaint"  # 投诉
    REPAIR = "repair"  # 报修


class RequestState(enum.Enum):
    FILED = "filed"
    ACKNOWLEDGED = "acknowledged"  # 受理
    ON_SITE = "on_site"  # 到场
    RESOLVED = "resolved"  # 办结, awaiting the owner's rating
    CLOSED = "closed"  # rated by the owner (or the rating period passed)


class ServiceRequest(Base):
    """An owner's complaint or repair request to the company serving their community.

    Filed with a voting letter or the register's identity check; the unit and the register's person are kept for the
    owner's own view and the company's visit, never shown to the public. ``due_*`` are the clock's deadlines computed
    at filing; ``*_at`` when the company recorded each step."""

    __tablename__ = "property_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id", ondelete="RESTRICT"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("property_contract.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("voting_letter.id", ondelete="SET NULL"), index=True)
    category: Mapped[RequestCategory] = mapped_column(str_enum(RequestCategory, "request_category"))
    kind: Mapped[str] = mapped_column(String(40))  # the profile's complaint_kinds
    text: Mapped[str] = mapped_column(Text)
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    state: Mapped[RequestState] = mapped_column(str_enum(RequestState, "request_state"), default=RequestState.FILED)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    due_acknowledge: Mapped[datetime] = mapped_column(UTCDateTime())
    due_on_site: Mapped[datetime] = mapped_column(UTCDateTime())
    due_resolve: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    on_site_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(Integer)  # 1 (very dissatisfied) to 5 (very satisfied)
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # 回访
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    # The street office's judgement in its ledger review: a founded complaint counts toward the exit procedure.
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    upheld_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    upheld_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    photos: Mapped[list[RequestPhoto]] = relationship(back_populates="request", cascade="all, delete-orphan", order_by="RequestPhoto.id")
    events: Mapped[list[RequestEvent]] = relationship(back_populates="request", cascade="all, delete-orphan", order_by="RequestEvent.id")
    escalations: Mapped[list[Escalation]] = relationship(back_populates="request", cascade="all, delete-orphan", order_by="Escalation.id")


class RequestPhoto(Base):
    """A photo the owner attached (PNG or JPEG by content), stored by SHA-256; shown to the owner, the company, the
    committee and the office, never on the public board."""

    __tablename__ = "property_request_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("property_request.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))

    request: Mapped[ServiceRequest] = relationship(back_populates="photos")


class RequestEvent(Base):
    """One step of a request as it happened: filed, acknowledged, on_site, resolved, rated, follow_up, escalated,
    upheld, note; with who recorded it (a staff member's account, or none for the owner and the clock)."""

    __tablename__ = "property_request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("property_request.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[ServiceRequest] = relationship(back_populates="events")


class Escalation(Base):
    """A step the company missed: shown to the community's committee and its street office until they note it.
    One per request and step; ``step`` is a ``domain.service_clock.Step`` value."""

    __tablename__ = "property_escalation"
    __table_args__ = (UniqueConstraint("request_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("property_request.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    noted_by_committee_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    noted_by_office_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[ServiceRequest] = relationship(back_populates="escalations")


class SatisfactionSurvey(Base):
    """A community's yearly satisfaction survey of its company (物业服务满意度测评): a consultation with purpose
    "satisfaction", one answer per voter, weighed by area and headcount. Its first ``satisfied_options`` options (in
    order) count as satisfied."""

    __tablename__ = "property_satisfaction_survey"
    __table_args__ = (UniqueConstraint("community_id", "company_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="RESTRICT"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    satisfied_options: Mapped[int] = mapped_column(Integer, default=2)


class CompanyFinding(Base):
    """The street office's finding against a company in one of its communities (e.g. on a ledger review); a finding
    in a month puts the company on that month's black list."""

    __tablename__ = "property_company_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id", ondelete="RESTRICT"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    street_office_id: Mapped[int] = mapped_column(ForeignKey("street_office.id", ondelete="RESTRICT"))
    found_on: Mapped[date] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ListState(enum.Enum):
    PROPOSED = "proposed"  # computed on the first of the month from the month before
    CONFIRMED = "confirmed"  # confirmed by a street office with its reasons: published city-wide


class MonthlyStanding(Base):
    """A company's standing for one month (``month`` is its first day): the figures it was computed from, the standing
    the rules give (``domain.service_standing``), and, once an office confirms it, the published standing and reason.
    A confirmed black standing bars the company from the maintenance fund's projects until a later month's list
    says otherwise."""

    __tablename__ = "property_monthly_standing"
    __table_args__ = (UniqueConstraint("company_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id", ondelete="RESTRICT"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    complaints: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)
    steps_due: Mapped[int] = mapped_column(Integer)
    steps_on_time: Mapped[int] = mapped_column(Integer)
    satisfaction_num: Mapped[int | None] = mapped_column(Integer)
    satisfaction_den: Mapped[int | None] = mapped_column(Integer)
    findings: Mapped[int] = mapped_column(Integer)
    computed: Mapped[str] = mapped_column(String(10))  # domain.service_standing.Standing value
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[ListState] = mapped_column(str_enum(ListState, "list_state"), default=ListState.PROPOSED)
    standing: Mapped[str | None] = mapped_column(String(10))  # as confirmed (the office may differ, with its reason)
    office_reason: Mapped[str] = mapped_column(Text, default="")
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    confirmed_by_office_id: Mapped[int | None] = mapped_column(ForeignKey("street_office.id", ondelete="RESTRICT"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
