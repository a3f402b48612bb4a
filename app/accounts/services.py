"""Account operations: authentication and user management."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import Actor, record
from ..db import db
from ..domain.errors import RuleViolation
from ..security.permissions import can_manage_deployment, require
from .models import COMMITTEE_ROLES, Role, RoleAssignment, User


@cache
def _hasher_for(memory_kib: int, time_cost: int) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(memory_cost=memory_kib, time_cost=time_cost)  # argon2id, memory-hard
    # Verified against when the username is unknown, so both cases take as long.
    return hasher, hasher.hash("not-a-real-password")


def _hasher() -> tuple[PasswordHasher, str]:
    return _hasher_for(current_app.config["ARGON2_MEMORY_KIB"], current_app.config["ARGON2_TIME_COST"])


MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher()[0].hash(password)


def load_user_from_cookie_id(cookie_id: str) -> User | None:
    """Flask-Login loader: the cookie names the user and the session version."""
    user_id, _sep, version = cookie_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.execute(select(User).where(User.username == username.strip())).scalar_one_or_none()
    hasher, dummy = _hasher()
    try:
        hasher.verify(user.password_hash if user else dummy, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user is not None and user.active else None


def create_user(
    actor: Actor,
    actor_user: User | None,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    community_id: int | None = None,
    street_office_id: int | None = None,
) -> User:
    """Create an official's account with one role. ``actor_user`` None means the operator's CLI."""
    if actor_user is not None:
        require(can_manage_deployment(actor_user))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation("password", str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)))
    if role in COMMITTEE_ROLES and community_id is None:
        raise RuleViolation("community", str(_l("A committee role needs a community.")))
    if role is Role.STREET_OFFICIAL and street_office_id is None:
        raise RuleViolation("street_office", str(_l("A street official needs a street office.")))
    with db.write() as s:
        if s.execute(select(User.id).where(User.username == username)).first():
            raise RuleViolation("username", str(_l("This username is taken.")))
        user = User(username=username, display_name=display_name, password_hash=hash_password(password))
        user.roles.append(
            RoleAssignment(
                role=role,
                community_id=community_id if role in COMMITTEE_ROLES else None,
                street_office_id=street_office_id if role is Role.STREET_OFFICIAL else None,
            )
        )
        s.add(user)
        s.flush()
        record(
            s,
            actor,
            "user.create",
            "user",
            user.id,
            community_id=community_id,
            street_office_id=street_office_id,
            data={"username": username, "role": role.value},
        )
    return user
