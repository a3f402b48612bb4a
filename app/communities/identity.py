"""The register's identity check: an owner with no letter names their unit, their name and the last four ID characters.

Self-nomination, petitions from the public board (and later complaints and
consultations) identify an owner this way. A wrong try is counted against the
unit; after ``MAX_ATTEMPTS`` wrong tries, the same number that locks a voting
letter, the unit is locked for identity checks for ``LOCK_PERIOD`` (24 hours),
whoever tries. A right answer does not reset the count (else one holder's own
details would let anyone guess a co-owner's without end): wrong tries fade
only when none came for ``LOCK_PERIOD``. Every wrong try and every lock
is audited with the address it came from.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.services import record, refuse, scope
from ..clock import local_time
from ..domain.errors import RuleViolation
from ..domain.id_digits import MAX_ATTEMPTS, is_id_digits, normalise_id_digits
from ..domain.units import unit_label_parts
from ..security.actor import ANONYMOUS
from .models import Building, Community, Holding, HoldingState, IdentityAttempts, Person, Unit

# How long a unit stays locked for identity checks after too many wrong tries.
LOCK_PERIOD = timedelta(hours=24)


def _unit(s: Session, community: Community, label: str) -> tuple[Unit, str]:
    building, number = unit_label_parts(label)
    unit = s.execute(
        select(Unit).join(Building).where(Unit.community_id == community.id, Building.name == building, Unit.number == number)
    ).scalar()
    if unit is None:
        raise RuleViolation("unit", str(_l('There is no unit "%(unit)s" in this community.', unit=label.strip())))
    return unit, f"{building}-{number}"


def _attempts(s: Session, community: Community, label: str) -> IdentityAttempts:
    attempts = s.execute(
        select(IdentityAttempts).where(IdentityAttempts.community_id == community.id, IdentityAttempts.unit == label).with_for_update()
    ).scalar_one_or_none()
    if attempts is None:
        attempts = IdentityAttempts(community_id=community.id, unit=label, failed=0)
        s.add(attempts)
        s.flush()
    return attempts


def locked_message(label: str, until: datetime) -> str:
    return str(
        _l(
            "Too many wrong tries: unit %(unit)s is locked for identity checks until %(until)s.",
            unit=label,
            until=local_time(until),
        )
    )


def check_identity(
    s: Session,
    community: Community,
    *,
    unit: str,
    name: str,
    id_last4: str,
    ip: str,
    now: datetime,
    refused: tuple[str, str, object] | None = None,
) -> tuple[Person, str]:
    """Inside the caller's write: the owner of ``unit`` the register names ``name`` with ``id_last4``, and the unit's label.

    Refused (``RuleViolation`` on field "unit", "name" or "id_last4") for a unit
    not in the community, a unit locked for identity checks, four characters
    that are not 0-9 with a final X (a slip, not counted), and a name and ID
    characters that match none of its owners (counted; the message says how many
    tries are left, or until when the unit is locked). ``refused`` names the
    audit event of a wrong try (action, target type, target id): by default
    ``identity.refused`` on the unit. A refusal commits its count and audit.
    """
    found, label = _unit(s, community, unit)
    where = scope(community)
    attempts = _attempts(s, community, label)
    if attempts.locked_until is not None and now < attempts.locked_until:
        raise RuleViolation("unit", locked_message(label, attempts.locked_until))
    if attempts.locked_until is not None:  # the period is over: a fresh count
        attempts.locked_until, attempts.failed = None, 0
    elif attempts.last_failed_at is not None and now - attempts.last_failed_at >= LOCK_PERIOD:
        attempts.failed = 0  # a quiet day forgives the wrong tries before it
    typed = normalise_id_digits(id_last4)
    if not is_id_digits(typed):
        raise RuleViolation(
            "id_last4",
            str(_l("Type the last four characters of the ID number: digits 0–9, the last may be X. This was not counted as a try.")),
        )
    owners = s.execute(
        select(Person)
        .join(Holding, Holding.person_id == Person.id)
        .where(Holding.unit_id == found.id, Holding.state == HoldingState.DELIVERED, Person.is_developer.is_(False))
        .order_by(Person.id)
    ).scalars()
    wanted = name.strip()
    for person in owners:
        if person.name == wanted and person.id_last4 and hmac.compare_digest(person.id_last4.upper().encode(), typed.encode()):
            return person, label
    attempts.failed += 1
    attempts.last_failed_at = now
    action, target_type, target_id = refused or ("identity.refused", "unit", label)
    data = {"unit": label, "ip": ip, "attempt": attempts.failed}
    if attempts.failed >= MAX_ATTEMPTS:
        until = attempts.locked_until = now + LOCK_PERIOD
        record(s, ANONYMOUS, "identity.locked", "unit", label, **where, now=now, data={"ip": ip, "until": until.isoformat()})
        locked = RuleViolation("unit", locked_message(label, until))
        refuse(s, ANONYMOUS, action, target_type, target_id, locked, **where, now=now, data=data)
    left = MAX_ATTEMPTS - attempts.failed
    message = " ".join(
        [
            str(_l("The register has no owner of this unit with that name and ID number.")),
            str(_l("%(left)d tries left before the unit is locked for identity checks.", left=left)),
        ]
    )
    refuse(s, ANONYMOUS, action, target_type, target_id, RuleViolation("name", message), **where, now=now, data=data)
