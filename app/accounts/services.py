"""Account operations: authentication and user management."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..audit.services import record
from ..db import db
from ..domain.errors import RuleViolation
from ..security import totp
from ..security.actor import ANONYMOUS, Actor, ActorKind, actor_for
from ..security.permissions import can_manage_deployment, require
from ..security.roles import COMMITTEE_ROLES, Role
from ..security.secretbox import seal, unseal
from .models import LoginSession, RecoveryCode, RoleAssignment, User


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


def _session_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def load_user_from_cookie_id(cookie_id: str, session_key: str | None) -> User | None:
    """The signed-in user: the cookie names the user, the session version and a login session not yet ended."""
    user_id, _sep, version = cookie_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()) or not session_key:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    live = db.session.execute(
        select(LoginSession.id).where(
            LoginSession.key_hash == _session_hash(session_key), LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)
        )
    ).first()
    return user if live is not None else None


def start_login_session(user: User, *, now: datetime) -> str:
    """A new signed-in browser; returns the key its cookie carries (only the key's hash is kept)."""
    key = secrets.token_urlsafe(32)
    with db.write() as s:
        s.add(LoginSession(user_id=user.id, key_hash=_session_hash(key), started_at=now))
    return key


def check_password(username: str, password: str, *, ip: str, now: datetime | None = None) -> User | None:
    """First factor. A failure is audited and says nothing about which part was wrong."""
    username = username.strip()
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    hasher, dummy = _hasher()
    try:
        hasher.verify(user.password_hash if user else dummy, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if ok:
        return user
    with db.write() as s:
        record(
            s,
            ANONYMOUS,
            "auth.password_failed",
            "user",
            user.id if user else "-",
            data={"username": username[:80], "ip": ip, "known_user": user is not None},
            now=now,
        )
    return None


def _recovery_hash(code: str) -> str:
    return hashlib.sha256("".join(code.upper().split()).replace("-", "").encode()).hexdigest()


RECOVERY_CODE_COUNT = 10


def _new_recovery_codes(s: Session, user: User) -> list[str]:
    """Ten codes of 80 random bits each (shown once; only their hashes are kept)."""
    s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    codes = ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)) for _ in range(RECOVERY_CODE_COUNT)]
    s.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(code)) for code in codes)
    return codes


def _locked_user(s: Session, user_id: int, session_version: int) -> User | None:
    """The user row, locked for the rest of the transaction (a TOTP step is used once)."""
    user = s.get(User, user_id, with_for_update=True)
    if user is None or not user.active or user.session_version != session_version:
        return None
    return user


def verify_second_factor(user_id: int, session_version: int, code: str, *, ip: str, now: datetime) -> User | None:
    """Second factor: a TOTP code (each accepted once) or an unused recovery code. Audited either way."""
    with db.write() as s:
        user = _locked_user(s, user_id, session_version)
        if user is None or user.totp_secret_enc is None:
            return None
        secret = unseal(user.totp_secret_enc)
        step = totp.matching_step(secret, code, now, user.totp_last_step) if secret else None
        method = None
        if step is not None:
            user.totp_last_step = step
            method = "totp"
        else:
            match = s.execute(
                select(RecoveryCode).where(
                    RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(code), RecoveryCode.used_at.is_(None)
                )
            ).scalar_one_or_none()
            if match is not None:
                match.used_at = now
                method = "recovery_code"
        actor = actor_for(user)
        if method is None:
            record(s, actor, "auth.second_factor_failed", "user", user.id, data={"ip": ip}, now=now)
            return None
        data: dict[str, Any] = {"ip": ip, "method": method}
        if method == "recovery_code":
            data["recovery_codes_left"] = sum(1 for c in user.recovery_codes if c.used_at is None)
        record(s, actor, "auth.login", "user", user.id, data=data, now=now)
    return user


def enrol_totp(user_id: int, session_version: int, sealed_secret: str, code: str, *, ip: str, now: datetime) -> list[str] | None:
    """Confirm a new authenticator with its first code; returns the recovery codes to show once."""
    secret = unseal(sealed_secret)
    if secret is None:
        return None
    with db.write() as s:
        user = _locked_user(s, user_id, session_version)
        if user is None or user.totp_secret_enc is not None:
            return None
        step = totp.matching_step(secret, code, now, None)
        actor = actor_for(user)
        if step is None:
            record(s, actor, "auth.second_factor_failed", "user", user.id, data={"ip": ip, "during": "enrolment"}, now=now)
            return None
        user.totp_secret_enc = seal(secret)
        user.totp_last_step = step
        user.totp_enrolled_at = now
        codes = _new_recovery_codes(s, user)
        record(s, actor, "auth.totp_enrolled", "user", user.id, data={"ip": ip}, now=now)
        record(s, actor, "auth.login", "user", user.id, data={"ip": ip, "method": "totp"}, now=now)
    return codes


def regenerate_recovery_codes(user: User, code: str, *, now: datetime) -> list[str] | None:
    """New recovery codes replace the old ones; needs a fresh TOTP code."""
    with db.write() as s:
        locked = _locked_user(s, user.id, user.session_version)
        if locked is None or locked.totp_secret_enc is None:
            return None
        secret = unseal(locked.totp_secret_enc)
        step = totp.matching_step(secret, code, now, locked.totp_last_step) if secret else None
        actor = actor_for(locked)
        if step is None:
            record(s, actor, "auth.second_factor_failed", "user", locked.id, data={"during": "recovery_codes"}, now=now)
            return None
        locked.totp_last_step = step
        codes = _new_recovery_codes(s, locked)
        record(s, actor, "auth.recovery_codes_replaced", "user", locked.id, now=now)
    return codes


def consume_fresh_code(s: Session, user_id: int, code: str, *, now: datetime, during: str) -> bool:
    """Inside the caller's transaction: accept a TOTP code not used before, for an action that needs one.

    A wrong code is recorded (the caller commits it and refuses the action).
    """
    locked = s.get(User, user_id, with_for_update=True)
    if locked is None or locked.totp_secret_enc is None:
        return False
    secret = unseal(locked.totp_secret_enc)
    step = totp.matching_step(secret, code, now, locked.totp_last_step) if secret else None
    if step is None:
        record(s, actor_for(locked), "auth.second_factor_failed", "user", locked.id, data={"during": during}, now=now)
        return False
    locked.totp_last_step = step
    return True


def confirm_presence(s: Session, actor: Actor, code: str, *, now: datetime, during: str) -> bool:
    """Inside the caller's transaction: the official confirms a weighty action with a fresh authenticator code.

    An operator at the server's console has no authenticator: the console is their
    credential, and the command that made the actor named its grants.
    """
    if actor.kind is ActorKind.OPERATOR:
        return True
    return actor.user_id is not None and consume_fresh_code(s, actor.user_id, code, now=now, during=during)


def logout_everywhere(user: User) -> None:
    """End every session of this user on every device."""
    with db.write() as s:
        locked = s.get(User, user.id, with_for_update=True)
        assert locked is not None
        locked.session_version += 1
        record(s, actor_for(locked), "auth.logout_everywhere", "user", locked.id)


def logout(user: User, session_key: str | None, *, now: datetime) -> None:
    """End this browser's session on the server too: a copy of its cookie no longer signs anyone in."""
    with db.write() as s:
        if session_key:
            s.execute(
                update(LoginSession)
                .where(LoginSession.key_hash == _session_hash(session_key), LoginSession.ended_at.is_(None))
                .values(ended_at=now)
            )
        record(s, actor_for(user), "auth.logout", "user", user.id, now=now)


def create_user(
    actor: Actor,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    community_id: int | None = None,
    street_office_id: int | None = None,
    district_id: int | None = None,
    city_id: int | None = None,
) -> User:
    """Create an official's account with one role."""
    require(can_manage_deployment(actor))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation("password", str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)))
    if role in COMMITTEE_ROLES and community_id is None:
        raise RuleViolation("community", str(_l("A committee role needs a community.")))
    if role is Role.STREET_OFFICIAL and street_office_id is None:
        raise RuleViolation("street_office", str(_l("A street official needs a street office.")))
    if role is Role.DISTRICT_OFFICIAL and district_id is None:
        raise RuleViolation("district", str(_l("A district official needs a district.")))
    if role is Role.CITY_OFFICIAL and city_id is None:
        raise RuleViolation("city", str(_l("A city official needs a city.")))
    with db.write() as s:
        if s.execute(select(User.id).where(User.username == username)).first():
            raise RuleViolation("username", str(_l("This username is taken.")))
        user = User(username=username, display_name=display_name, password_hash=hash_password(password))
        user.roles.append(
            RoleAssignment(
                role=role,
                community_id=community_id if role in COMMITTEE_ROLES else None,
                street_office_id=street_office_id if role is Role.STREET_OFFICIAL else None,
                district_id=district_id if role is Role.DISTRICT_OFFICIAL else None,
                city_id=city_id if role is Role.CITY_OFFICIAL else None,
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
            data={"username": username, "role": role.value}
            | ({"district_id": district_id} if role is Role.DISTRICT_OFFICIAL else {})
            | ({"city_id": city_id} if role is Role.CITY_OFFICIAL else {}),
        )
    return user
