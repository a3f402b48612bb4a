"""Every model, imported so the metadata is complete (migrations, tests)."""

from .accounts.models import RecoveryCode, RoleAssignment, User
from .audit.models import AuditEvent
from .communities.models import Building, Community, Holding, Person, StreetOffice, Unit
from .db import Base
from .sessions.models import AssemblySession, Ballot, BallotChoice, Item, Letter, PaperBallot, ProxyAuthorisation, RollEntry

__all__ = [
    "AssemblySession",
    "AuditEvent",
    "Ballot",
    "BallotChoice",
    "Base",
    "Building",
    "Community",
    "Holding",
    "Item",
    "Letter",
    "PaperBallot",
    "Person",
    "ProxyAuthorisation",
    "RecoveryCode",
    "RoleAssignment",
    "RollEntry",
    "StreetOffice",
    "Unit",
    "User",
]
