"""Every model, imported so the metadata is complete (migrations, tests)."""

from .accounts.models import RecoveryCode, RoleAssignment, User
from .audit.models import AuditEvent
from .communities.models import Building, Community, Holding, Person, StreetOffice, Unit
from .db import Base

__all__ = [
    "AuditEvent",
    "Base",
    "Building",
    "Community",
    "Holding",
    "Person",
    "RecoveryCode",
    "RoleAssignment",
    "StreetOffice",
    "Unit",
    "User",
]
