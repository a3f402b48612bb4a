"""Every model, imported so the metadata is complete (migrations, tests)."""

from .accounts.models import LoginSession, RecoveryCode, RoleAssignment, User
from .audit.models import AuditEvent
from .committees.models import Attendance, Meeting, MeetingRequest, Minutes, MinutesSignature, Motion, MotionVote
from .communities.models import Building, City, Community, District, Holding, Person, StreetOffice, Unit
from .consultations.models import Consultation, ConsultationAnswer, ConsultationOption, ConsultationRollLine
from .db import Base
from .elections.models import Candidate, ChairBallot, Committee, Election, Membership
from .formation.models import GroupMember, PreparatoryGroup
from .fund.models.accounts import DepositImport, UnitDeposit, UnitShare
from .fund.models.emergencies import EmergencyApplication
from .fund.models.projects import FundProject, ProjectDocument
from .ledgers.models import LedgerEntry
from .notices.models import Attachment, Notice, Statement
from .orders.models import Order
from .oversight.models import YearlyReview
from .property_services.models import (
    CompanyFinding,
    ContractDocument,
    ContractFee,
    Escalation,
    MonthlyStanding,
    PropertyCompany,
    RequestEvent,
    RequestPhoto,
    SatisfactionSurvey,
    ServiceContract,
    ServiceFacts,
    ServiceRequest,
)
from .sessions.models import (
    AssemblySession,
    Ballot,
    BallotApproval,
    BallotChoice,
    BulletinEntry,
    BulletinHead,
    Certification,
    Item,
    Letter,
    PaperBallot,
    ProxyAuthorisation,
    RollEntry,
)
from .voting.models import Objection, ObjectionDocument, Petition, PetitionSignature

__all__ = [
    "AssemblySession",
    "Attachment",
    "Attendance",
    "AuditEvent",
    "Ballot",
    "BallotApproval",
    "BallotChoice",
    "Base",
    "Building",
    "BulletinEntry",
    "BulletinHead",
    "Candidate",
    "Certification",
    "ChairBallot",
    "City",
    "Committee",
    "Community",
    "CompanyFinding",
    "Consultation",
    "ConsultationAnswer",
    "ConsultationOption",
    "ConsultationRollLine",
    "ContractDocument",
    "ContractFee",
    "DepositImport",
    "District",
    "Election",
    "EmergencyApplication",
    "Escalation",
    "FundProject",
    "GroupMember",
    "Holding",
    "Item",
    "LedgerEntry",
    "Letter",
    "LoginSession",
    "Meeting",
    "MeetingRequest",
    "Membership",
    "Minutes",
    "MinutesSignature",
    "MonthlyStanding",
    "Motion",
    "MotionVote",
    "Notice",
    "Objection",
    "ObjectionDocument",
    "Order",
    "PaperBallot",
    "Person",
    "Petition",
    "PetitionSignature",
    "PreparatoryGroup",
    "ProjectDocument",
    "PropertyCompany",
    "ProxyAuthorisation",
    "RecoveryCode",
    "RequestEvent",
    "RequestPhoto",
    "RoleAssignment",
    "RollEntry",
    "SatisfactionSurvey",
    "ServiceContract",
    "ServiceFacts",
    "ServiceRequest",
    "Statement",
    "StreetOffice",
    "Unit",
    "UnitDeposit",
    "UnitShare",
    "User",
    "YearlyReview",
]
