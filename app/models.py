"""Every model, imported so the metadata is complete (migrations, tests)."""

from .accounts.models import RecoveryCode, RoleAssignment, User
from .audit.models import AuditEvent
from .communities.models import Building, Community, Holding, Person, StreetOffice, Unit
from .db import Base
from .notices.models import Attachment, LedgerEntry, Notice, Statement
from .oversight.models import Certification, Dispute, Order
from .sessions.models import (
    AssemblySession,
    Ballot,
    BallotChoice,
    BulletinEntry,
    BulletinHead,
    Item,
    Letter,
    PaperBallot,
    ProxyAuthorisation,
    RollEntry,
)

__all__ = [
    "AssemblySession",
    "Attachment",
    "AuditEvent",
    "Ballot",
    "BallotChoice",
    "Base",
    "Building",
    "BulletinEntry",
    "BulletinHead",
    "Certification",
    "Community",
    "Dispute",
    "Holding",
    "Item",
    "LedgerEntry",
    "Letter",
    "Notice",
    "Order",
    "PaperBallot",
    "Person",
    "ProxyAuthorisation",
    "RecoveryCode",
    "RoleAssignment",
    "RollEntry",
    "Statement",
    "StreetOffice",
    "Unit",
    "User",
]
