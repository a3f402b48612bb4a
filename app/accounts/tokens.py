"""Bearer tokens for the JSON API: made by an official in their settings, scoped, revocable, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..db import db
from ..domain.errors import NotFound, RuleViolation
from ..security.actor import Actor, actor_for
from ..security.roles import AREA_ROLES, COMMITTEE_ROLES, Role
from .models import ApiToken, User
from .services import consume_fresh_code

PREFIX = "gz_"
# A scope is a kind of action; the user's roles still decide where they may take it.
SCOPES = {
    "committee": _l("Act for your owners' committee: draft sessions, items and notices"),
    "office": _l("Act for your street office: read the dashboard, issue orders"),
    "area": _l("Read the figures of your district or city"),
    "property": _l("Act for your property-service company: answer owners' requests, update the service's facts"),
}
# What each scope lets a token act as: only these of its maker's role assignments become its actor's grants.
SCOPE_ROLES: dict[str, frozenset[Role]] = {
    "committee": COMMITTEE_ROLES,
    "office": frozenset({Role.STREET_OFFICIAL}),
    "area": AREA_ROLES,
    "property": frozenset({Role.PROPERTY_STAFF}),
}
MAX_TOKENS = 20
# The last use is written at most this often, so reading the API does not write on every request.
LAST_USED_GRANULARITY = timedelta(hours=1)


def token_hash(token: str) -> str:
    # The token holds 256 random bits, so a plain hash is enough: nothing to guess offline.
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of_token(user: User, scopes: frozenset[str]) -> Actor:
    """The actor a token acts as: its maker, with the grants of the roles its scopes cover."""
    return actor_for(user, roles=[role for scope in scopes for role in SCOPE_ROLES.get(scope, ())])


def scopes_for(user: User) -> list[str]:
    """The scopes this user's roles can use; a token is never wider than its maker."""
    roles = {assignment.role for assignment in user.roles}
    out = []
    if any(role.is_committee for role in roles):
        out.append("committee")
    if Role.STREET_OFFICIAL in roles:
        out.append("office")
    if roles & AREA_ROLES:
        out.append("area")
    if Role.PROPERTY_STAFF in roles:
        out.append("property")
    return out


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create_token(user: User, *, name: str, scopes: list[str], code: str, now: datetime) -> NewToken | None:
    """A new token for the user, after a fresh code from their authenticator; None when the code is refused."""
    name = name.strip()
    if not name or len(name) > 80:
        raise RuleViolation("name", str(_l("Name the token (at most 80 characters), e.g. the system that will use it.")))
    allowed = scopes_for(user)
    if not scopes:
        raise RuleViolation("scopes", str(_l("Choose at least one scope.")))
    if set(scopes) - set(allowed):
        raise RuleViolation("scopes", str(_l("Your roles do not allow this scope.")))
    with db.write() as s:
        if not consume_fresh_code(s, user.id, code, now=now, during="api_token.create"):
            return None
        live = s.execute(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).scalars().all()
        if len(live) >= MAX_TOKENS:
            raise RuleViolation("name", str(_l("You have %(n)d tokens; revoke one you no longer use first.", n=len(live))))
        secret = PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            user_id=user.id,
            name=name,
            prefix=secret[:10],
            token_hash=token_hash(secret),
            scopes=" ".join(sorted(set(scopes))),
            created_at=now,
        )
        s.add(token)
        s.flush()
        record(
            s,
            actor_for(user),
            "api_token.create",
            "api_token",
            token.id,
            data={"name": name, "scopes": token.scopes},
            now=now,
        )
    return NewToken(token, secret)


def revoke_token(user: User, token_id: int, *, now: datetime) -> ApiToken:
    """Revoke one of the user's own tokens; it stops working at once."""
    with db.write() as s:
        token = s.get(ApiToken, token_id, with_for_update=True)
        if token is None or token.user_id != user.id:
            raise NotFound(str(_l("No such token.")))
        if token.revoked_at is None:
            token.revoked_at = now
            record(s, actor_for(user), "api_token.revoke", "api_token", token.id, data={"name": token.name}, now=now)
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).scalars())


def authenticate(secret: str, *, now: datetime) -> tuple[User, frozenset[str]] | None:
    """The active user and scopes behind a presented token, or None for an unknown, revoked or disabled one."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        with db.write() as s:
            fresh = s.get(ApiToken, token.id)
            if fresh is not None:
                fresh.last_used_at = now
    return token.user, token.scope_set
