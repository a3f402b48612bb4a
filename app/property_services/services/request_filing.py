"""The owner's side of a request: filing with a voting letter of any session of the community (the letter names the
holder and their units) or on the board with the register's identity check, whose wrong tries count against the unit
and lock it as for petitions (``communities.identity``); the owner's own requests; the rating of a resolution.

The deadlines are computed at filing on the community's profile's clock and kept with the request. The receipt goes
to the owner's contact phone (the register's, unless they give another) and the news to the company's, after the
commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.identity import check_identity
from ...communities.models import Building, Community, Holding, HoldingState, Person, Unit
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.service_clock import Step
from ...domain.units import unit_label_parts
from ...notices.services import checked_file, sniff, store_file
from ...security.actor import OWNER
from ...sessions.models import AssemblySession, Letter, RollEntry
from ...sms import Message, send_all
from ...voting.services import find_letter
from ..labels import request_category_label, request_kind_label
from ..models import PropertyCompany, RequestCategory, RequestEvent, RequestPhoto, RequestState, ServiceContract, ServiceRequest
from .common import complaint_kinds, contract_in_force, deadlines
from .requests import MAX_COMMENT, MAX_TEXT, PHONE, load_request, short_time, text_field

MAX_PHOTOS = 3
MAX_PHOTO = 5 * 1024 * 1024
PHOTO_TYPES = ("image/png", "image/jpeg")
# The characters of a request's number after its day: no 0/O, 1/I/L to misread on a phone.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Photo:
    """An uploaded photo as the form gives it."""

    filename: str
    data: bytes


# ---------------------------------------------------------------- checking what the owner gives


def _phone(value: str | None, field: str = "contact_phone") -> str:
    phone = (value or "").strip()
    if phone and not PHONE.match(phone):
        raise RuleViolation(field, str(_l("Give a phone number of digits, such as 13800000000 or 0355-1234567.")))
    return phone


def _category(value: str | None) -> RequestCategory:
    try:
        return RequestCategory(value)
    except ValueError:
        raise RuleViolation("category", str(_l("Choose a complaint or a repair request."))) from None


def _kind(community: Community, value: str | None) -> str:
    if value not in complaint_kinds(community):
        raise RuleViolation("kind", str(_l("Choose one of the kinds.")))
    return value


def checked_photos(photos: Sequence[Photo]) -> list[tuple[str, str, str, bytes]]:
    """Each photo's clean name, content type (PNG or JPEG by its content), SHA-256 and bytes; a refusal names the
    photo (``photos[2]``, the third)."""
    if len(photos) > MAX_PHOTOS:
        raise RuleViolation("photos", str(_l("At most %(max)d photos.", max=MAX_PHOTOS)))
    out = []
    for index, photo in enumerate(photos):
        field = f"photos[{index}]"
        if not photo.data:
            raise RuleViolation(field, str(_l("The file is empty.")))
        if len(photo.data) > MAX_PHOTO:
            raise RuleViolation(field, str(_l("The photo is larger than %(mb)d MB.", mb=MAX_PHOTO // (1024 * 1024))))
        if sniff(photo.data) not in PHOTO_TYPES:
            raise RuleViolation(field, str(_l("Only PNG and JPEG photos can be attached.")))
        try:
            name, kind, digest = checked_file(photo.filename, photo.data)
        except RuleViolation as exc:  # pragma: no cover - the checks above are the stricter ones
            raise RuleViolation(field, exc.reason) from None
        out.append((name, kind, digest, photo.data))
    return out


# ---------------------------------------------------------------- who files


def _unit_of(s: Session, community: Community, label: str) -> Unit:
    building, number = unit_label_parts(label)
    unit = s.scalars(
        select(Unit).join(Building).where(Unit.community_id == community.id, Building.name == building, Unit.number == number)
    ).first()
    if unit is None:
        raise RuleViolation("unit", str(_l('There is no unit "%(unit)s" in this community.', unit=label.strip())))
    return unit


def _holders(s: Session, unit_id: int) -> list[Person]:
    return list(
        s.scalars(
            select(Person)
            .join(Holding, Holding.person_id == Person.id)
            .where(Holding.unit_id == unit_id, Holding.state == HoldingState.DELIVERED, Person.is_developer.is_(False))
            .order_by(Person.id)
        )
    )


def filed_by_holders(s: Session, request: ServiceRequest) -> bool:
    """Whether one of the unit's owners on today's register filed the request: the owners of a unit follow and rate
    each other's requests, never those of an owner before them (a unit sold keeps its history from its next owner)."""
    return request.person_id is not None and request.person_id in {p.id for p in _holders(s, request.unit_id)}


def _holder_now(s: Session, unit_id: int, person: Person) -> Person | None:
    """The register's current holder of the unit that the letter's person is (the same row, or, after the register
    was imported again, the same name and ID characters)."""
    for holder in _holders(s, unit_id):
        if holder.id == person.id or (holder.name == person.name and holder.id_last4 and holder.id_last4 == person.id_last4):
            return holder
    return None


@dataclass(frozen=True)
class LetterHolder:
    """What a voting letter says of who holds it now: the community, the register's person and the units (by label)
    the register still names them an owner of."""

    letter_id: int
    community: Community
    person: Person
    units: dict[str, Unit]


def letter_holder(s: Session, token: str) -> LetterHolder:
    """The holder of a letter of any session of a community, and the letter's units they hold on today's register."""
    found = find_letter(token)
    if found is None or found.locked_at is not None:
        raise RuleViolation("letter", str(_l("This voting letter is not valid.")))
    letter = s.get(Letter, found.id)
    assembly = s.get(AssemblySession, letter.session_id) if letter else None
    entry = s.get(RollEntry, letter.roll_entry_id) if letter else None
    if letter is None or assembly is None or entry is None:  # pragma: no cover - the rows cascade with the letter
        raise RuleViolation("letter", str(_l("This voting letter is not valid.")))
    if letter.proxy_id is not None:
        raise RuleViolation(
            "letter",
            str(_l("A proxy's letter is for the session it was given for; the owner files with their own letter or on the board.")),
        )
    community = s.get(Community, assembly.community_id)
    person = s.get(Person, letter.person_id)
    assert community is not None and person is not None
    units: dict[str, Unit] = {}
    holder: Person | None = None
    for label in entry.units:
        try:
            unit = _unit_of(s, community, label)
        except RuleViolation:
            continue  # a unit no longer on the register
        now_holder = _holder_now(s, unit.id, person)
        if now_holder is not None:
            units[label] = unit
            holder = holder or now_holder
    if holder is None:
        raise RuleViolation("letter", str(_l("Today's register names you an owner of none of this letter's units. Ask the committee.")))
    return LetterHolder(letter.id, community, holder, units)


# ---------------------------------------------------------------- filing


def _new_number(s: Session, now: datetime) -> str:
    day = today_in_china(now).strftime("%Y%m%d")
    while True:
        number = f"{day}-{''.join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))}"
        if s.scalars(select(ServiceRequest.id).where(ServiceRequest.public_id == number)).first() is None:
            return number


def _serving_contract(s: Session, community: Community, now: datetime) -> ServiceContract:
    contract = contract_in_force(s, community.id, today_in_china(now))
    if contract is None:
        raise RuleViolation(
            "community",
            str(_l("No property-service company serves this community under a contract in force. Ask the committee or the street office.")),
        )
    return contract


def _file(
    s: Session,
    community: Community,
    *,
    unit: Unit,
    label: str,
    person: Person,
    letter_id: int | None,
    category: RequestCategory,
    kind: str,
    text: str,
    contact_phone: str,
    photos: list[tuple[str, str, str, bytes]],
    via: str,
    ip: str,
    now: datetime,
) -> tuple[ServiceRequest, list[Message]]:
    contract = _serving_contract(s, community, now)
    company = s.get(PropertyCompany, contract.company_id)
    assert company is not None
    due = deadlines(community, now)
    request = ServiceRequest(
        public_id=_new_number(s, now),
        community_id=community.id,
        company_id=company.id,
        contract_id=contract.id,
        unit_id=unit.id,
        person_id=person.id,
        letter_id=letter_id,
        category=category,
        kind=kind,
        text=text,
        contact_phone=contact_phone or (person.phone or ""),
        state=RequestState.FILED,
        filed_at=now,
        due_acknowledge=due[Step.ACKNOWLEDGE],
        due_on_site=due[Step.ON_SITE],
        due_resolve=due[Step.RESOLVE],
    )
    for name, content_type, digest, data in photos:
        store_file(digest, data)
        request.photos.append(RequestPhoto(filename=name, content_type=content_type, size=len(data), sha256=digest))
    request.events.append(RequestEvent(action="filed", at=now))
    s.add(request)
    s.flush()
    record(
        s,
        OWNER,
        "request.file",
        "property_request",
        request.public_id,
        **scope(community),
        now=now,
        data={"via": via, "unit": label, "category": category.value, "kind": kind, "photos": len(photos), "ip": ip},
    )
    words = {
        "community": community.name,
        "category": request_category_label(category.value),
        "number": request.public_id,
        "kind": request_kind_label(kind),
        "acknowledge": short_time(request.due_acknowledge),
        "on_site": short_time(request.due_on_site),
        "resolve": short_time(request.due_resolve),
    }
    messages = [
        Message(
            request.contact_phone,
            str(
                _l(
                    "%(community)s: your %(category)s %(number)s is filed. The company acknowledges it by %(acknowledge)s, "
                    "comes on site by %(on_site)s and resolves it by %(resolve)s.",
                    **words,
                )
            ),
            f"request:{request.public_id}:filed",
        ),
        Message(
            company.contact_phone,
            str(_l("%(community)s: new %(category)s %(number)s (%(kind)s). Acknowledge it by %(acknowledge)s.", **words)),
            f"request:{request.public_id}:filed:company",
        ),
    ]
    return request, messages


def file_by_letter(
    token: str,
    *,
    unit: str | None = None,
    category: str,
    kind: str,
    text: str,
    contact_phone: str = "",
    photos: Sequence[Photo] = (),
    ip: str,
    now: datetime,
) -> ServiceRequest:
    """The holder of a letter files for one of its units they hold (``unit``, needed when they hold several)."""
    chosen_category = _category(category)
    body = text_field(text, "text", MAX_TEXT, required=True)
    phone = _phone(contact_phone)
    files = checked_photos(photos)
    with db.write() as s:
        holder = letter_holder(s, token)
        chosen_kind = _kind(holder.community, kind)
        if unit:
            if unit not in holder.units:
                raise RuleViolation("unit", str(_l("Choose one of your units.")))
            label = unit
        elif len(holder.units) == 1:
            label = next(iter(holder.units))
        else:
            raise RuleViolation("unit", str(_l("Choose one of your units.")))
        request, messages = _file(
            s,
            holder.community,
            unit=holder.units[label],
            label=label,
            person=holder.person,
            letter_id=holder.letter_id,
            category=chosen_category,
            kind=chosen_kind,
            text=body,
            contact_phone=phone,
            photos=files,
            via="letter",
            ip=ip,
            now=now,
        )
    send_all(messages)
    return request


def file_by_identity(
    community_id: int,
    *,
    unit: str,
    name: str,
    id_last4: str,
    category: str,
    kind: str,
    text: str,
    contact_phone: str = "",
    photos: Sequence[Photo] = (),
    ip: str,
    now: datetime,
) -> ServiceRequest:
    """From the board: an owner the register names (unit, name, last four ID characters) files for that unit. Wrong
    details count against the unit and lock it as for petitions (``communities.identity``)."""
    chosen_category = _category(category)
    body = text_field(text, "text", MAX_TEXT, required=True)
    phone = _phone(contact_phone)
    files = checked_photos(photos)
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        chosen_kind = _kind(community, kind)
        _serving_contract(s, community, now)  # refused before the identity check counts a try
        refused = ("request.identity_refused", "community", community.slug)
        person, label = check_identity(s, community, unit=unit, name=name, id_last4=id_last4, ip=ip, now=now, refused=refused)
        request, messages = _file(
            s,
            community,
            unit=_unit_of(s, community, label),
            label=label,
            person=person,
            letter_id=None,
            category=chosen_category,
            kind=chosen_kind,
            text=body,
            contact_phone=phone,
            photos=files,
            via="board",
            ip=ip,
            now=now,
        )
    send_all(messages)
    return request


# ---------------------------------------------------------------- the owner's own requests


def requests_of_letter(token: str) -> tuple[LetterHolder, list[ServiceRequest]]:
    """The letter's holder and the requests of the units they hold, newest first (whoever of today's holders filed them)."""
    s = db.session()
    holder = letter_holder(s, token)
    ids = [u.id for u in holder.units.values()]
    found = s.scalars(select(ServiceRequest).where(ServiceRequest.unit_id.in_(ids)).order_by(ServiceRequest.filed_at.desc()))
    return holder, [r for r in found if filed_by_holders(s, r)]


def request_of_letter(token: str, public_id: str) -> ServiceRequest:
    """One request of the letter's units (a photo, the rating), else not found."""
    s = db.session()
    holder = letter_holder(s, token)
    request = load_request(s, public_id)
    if request.unit_id not in {u.id for u in holder.units.values()} or not filed_by_holders(s, request):
        raise NotFound(str(_l("No such request.")))
    return request


def request_by_identity(
    community_id: int, public_id: str, *, unit: str, name: str, id_last4: str, ip: str, now: datetime
) -> ServiceRequest:
    """From the board: a request of the unit whose owner the register names; wrong details count against the unit."""
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        refused = ("request.identity_refused", "community", community.slug)
        _person, label = check_identity(s, community, unit=unit, name=name, id_last4=id_last4, ip=ip, now=now, refused=refused)
        request = s.scalars(select(ServiceRequest).where(ServiceRequest.public_id == public_id)).first()
        mine = request is not None and request.community_id == community.id and request.unit_id == _unit_of(s, community, label).id
        if request is None or not mine or not filed_by_holders(s, request):
            raise RuleViolation("number", str(_l("Unit %(unit)s has no request with this number.", unit=label)))
    return request


def proved_request(community_id: int, public_id: str) -> ServiceRequest | None:
    """A request this browser proved on the board (filed, or shown with the identity check, this browser session):
    None if it is not the community's or no longer its unit's owners' (the register changed since)."""
    s = db.session()
    request = s.scalars(select(ServiceRequest).where(ServiceRequest.public_id == public_id)).first()
    if request is None or request.community_id != community_id or not filed_by_holders(s, request):
        return None
    return request


def rate_proved(community_id: int, public_id: str, *, rating: int | None, comment: str = "", now: datetime) -> ServiceRequest:
    """The board's rating of a request this browser proved (``proved_request``): once, after the resolution."""
    comment = text_field(comment, "comment", MAX_COMMENT)
    with db.write() as s:
        community = s.get(Community, community_id)
        request = load_request(s, public_id, lock=True)
        if community is None or request.community_id != community.id or not filed_by_holders(s, request):
            raise NotFound(str(_l("No such request.")))
        _rate(s, request, community, rating, comment, "board", now)
    return request


def _rate(s: Session, request: ServiceRequest, community: Community, rating: int | None, comment: str, via: str, now: datetime) -> None:
    if request.state is RequestState.CLOSED:
        raise RuleViolation("rating", str(_l("This request has been rated already.")))
    if request.state is not RequestState.RESOLVED:
        raise RuleViolation("rating", str(_l("Rate the request once the company has resolved it.")))
    if rating is None or not 1 <= rating <= 5:
        raise RuleViolation("rating", str(_l("Choose a rating from 1 to 5.")))
    request.rating, request.rating_comment, request.rated_at = rating, comment, now
    request.state = RequestState.CLOSED
    request.events.append(RequestEvent(action="rated", at=now, note=str(rating)))
    record(
        s, OWNER, "request.rate", "property_request", request.public_id, **scope(community), now=now, data={"via": via, "rating": rating}
    )


def rate_by_letter(token: str, public_id: str, *, rating: int | None, comment: str = "", now: datetime) -> ServiceRequest:
    """The holder of a letter rates a resolved request of their units, once: 1 (very dissatisfied) to 5."""
    comment = text_field(comment, "comment", MAX_COMMENT)
    with db.write() as s:
        holder = letter_holder(s, token)
        request = load_request(s, public_id, lock=True)
        if request.unit_id not in {u.id for u in holder.units.values()} or not filed_by_holders(s, request):
            raise NotFound(str(_l("No such request.")))
        _rate(s, request, holder.community, rating, comment, "letter", now)
    return request


def rate_by_identity(
    community_id: int,
    public_id: str,
    *,
    unit: str,
    name: str,
    id_last4: str,
    rating: int | None,
    comment: str = "",
    ip: str,
    now: datetime,
) -> ServiceRequest:
    """From the board, with the register's identity check: the owner rates a resolved request of their unit, once."""
    comment = text_field(comment, "comment", MAX_COMMENT)
    with db.write() as s:
        request = request_by_identity(community_id, public_id, unit=unit, name=name, id_last4=id_last4, ip=ip, now=now)
        s.refresh(request, with_for_update=True)
        community = s.get(Community, request.community_id)
        assert community is not None
        _rate(s, request, community, rating, comment, "board", now)
    return request
