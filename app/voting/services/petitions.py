"""联名提议: owners petition for an extraordinary session with their voting letters (RULES §3).

A petition is weighed against the frozen roll of the session whose letters
start and sign it, so anyone can check the threshold against a published roll.
Reaching 20 % of the area and of the headcount orders the committee to convene.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.identity import check_identity
from ...communities.models import Community, Person
from ...communities.queries import community_roll
from ...db import db
from ...domain import petition as rules
from ...domain.errors import NotFound, RuleViolation
from ...domain.rules import get_profile
from ...domain.tally import Weight
from ...notices.markup import escape_markdown
from ...orders.models import OrderKind
from ...orders.services import publish_order
from ...security.actor import OWNER, SYSTEM
from ...sessions.models import AssemblySession, Letter, RollEntry
from ..models import Petition, PetitionRollLine, PetitionSignature, PetitionStatus
from .letters import find_letter


def _letter(s: Session, token: str) -> tuple[Letter, AssemblySession, Community]:
    found = find_letter(token)
    if found is None or found.locked_at is not None:
        raise RuleViolation("letter", str(_l("This voting letter is not valid.")))
    letter = s.get(Letter, found.id)
    assert letter is not None
    assembly = s.get(AssemblySession, letter.session_id)
    assert assembly is not None
    community = s.get(Community, assembly.community_id)
    assert community is not None
    return letter, assembly, community


def _checked_text(title: str, items: str) -> tuple[str, str]:
    title, items = title.strip(), items.strip()
    if not title or len(title) > 200:
        raise RuleViolation("title", str(_l("Give the petition a title of at most 200 characters.")))
    if not items or len(items) > 5000:
        raise RuleViolation("items", str(_l("List the items you propose, one per line (at most 5000 characters).")))
    return title, items


def start_petition(token: str, *, title: str, items: str, ip: str, now: datetime) -> Petition:
    """An owner proposes an extraordinary session and its items; their own signature is the first."""
    title, items = _checked_text(title, items)
    with db.write() as s:
        letter, assembly, community = _letter(s, token)
        days = get_profile(community.rule_profile).settings.petition_open_days
        petition = Petition(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            session_id=assembly.id,
            title=title,
            items=items,
            started_at=now,
            closes_on=today_in_china(now) + timedelta(days=days),
        )
        s.add(petition)
        s.flush()
        record(
            s,
            OWNER,
            "petition.start",
            "petition",
            petition.public_id,
            **scope(community),
            now=now,
            data={"title": title, "letter": letter.id, "ip": ip},
        )
        _sign(s, petition, letter, community, now=now)
    return petition


def sign_petition(token: str, public_id: str, *, ip: str, now: datetime) -> Progress:
    """Co-sign with a voting letter of the petition's session; a voter signs once, whichever holder's letter they use."""
    try:
        with db.write() as s:
            letter, _assembly, community = _letter(s, token)
            petition = s.execute(select(Petition).where(Petition.public_id == public_id).with_for_update()).scalar_one_or_none()
            if petition is None or petition.community_id != community.id:
                raise NotFound(str(_l("No such petition.")))
            if petition.session_id != letter.session_id:
                raise RuleViolation("letter", str(_l("Sign with the voting letter of the session this petition was started from.")))
            if petition_status(petition, now) is not PetitionStatus.OPEN:
                raise RuleViolation("petition", str(_l("This petition no longer collects signatures.")))
            signed = s.execute(
                select(PetitionSignature.id).where(
                    PetitionSignature.petition_id == petition.id, PetitionSignature.roll_entry_id == letter.roll_entry_id
                )
            ).first()
            if signed is not None:
                raise RuleViolation("petition", str(_l("These units have already signed this petition.")))
            _sign(s, petition, letter, community, now=now)
            record(
                s,
                OWNER,
                "petition.sign",
                "petition",
                petition.public_id,
                **scope(community),
                now=now,
                data={"letter": letter.id, "ip": ip},
            )
            outcome = progress_of(petition, s)
    except IntegrityError:
        raise RuleViolation("petition", str(_l("These units have already signed this petition."))) from None
    return outcome


def _sign(s: Session, petition: Petition, letter: Letter, community: Community, *, now: datetime) -> None:
    entry = s.get(RollEntry, letter.roll_entry_id)
    assert entry is not None
    signature = PetitionSignature(
        petition_id=petition.id, roll_entry_id=entry.id, letter_id=letter.id, area_centi=entry.area_centi, heads=entry.heads, signed_at=now
    )
    _add_signature(s, petition, community, signature, now=now)


def _add_signature(s: Session, petition: Petition, community: Community, signature: PetitionSignature, *, now: datetime) -> None:
    s.add(signature)
    s.flush()
    progress = progress_of(petition, s)
    if progress.reached and petition.status is PetitionStatus.OPEN:
        _reached(s, petition, community, now=now)


def _reached(s: Session, petition: Petition, community: Community, *, now: datetime) -> None:
    """The threshold is met: the committee is ordered to convene, publicly, within the profile's days."""
    petition.status, petition.reached_at = PetitionStatus.REACHED, now
    days = get_profile(community.rule_profile).settings.petition_convene_days
    with force_locale("zh_CN"):
        subject = str(_l("Petition: %(title)s", title=petition.title))
        body = "\n\n".join(
            [
                str(_l("Owners holding at least %(share)s of the area and of the owners petition for a session on:", share="20%")),
                escape_markdown(petition.items),
                str(_l("The committee convenes it within %(days)d days.", days=days)),
            ]
        )
    publish_order(
        s,
        SYSTEM,
        community,
        OrderKind.CONVENE,
        subject[:150],
        body,
        today_in_china(now) + timedelta(days=days),
        now=now,
        petition_id=petition.id,
    )
    record(s, SYSTEM, "petition.reached", "petition", petition.public_id, **scope(community), now=now)


def start_board_petition(
    community_id: int, *, unit: str, name: str, id_last4: str, title: str, items: str, ip: str, now: datetime
) -> Petition:
    """From the public board, when no session (so no letter) exists: an owner, identified by the register, proposes a session.

    The roll is derived from the register now and kept with the petition (its lines,
    SHA-256 and totals), so every later signature is weighed on that roll. The
    starter's signature is the first.
    """
    title, items = _checked_text(title, items)
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        refused = ("petition.identity_refused", "community", community.slug)
        person, label = check_identity(s, community, unit=unit, name=name, id_last4=id_last4, ip=ip, now=now, refused=refused)
        roll = community_roll(community.id)
        voter = roll.voter_for_unit(label)
        if voter is None or str(person.id) not in voter.holders:
            raise RuleViolation("unit", str(_l("Unit %(unit)s has no vote on the roll the register gives.", unit=label)))
        days = get_profile(community.rule_profile).settings.petition_open_days
        petition = Petition(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            session_id=None,
            title=title,
            items=items,
            started_at=now,
            closes_on=today_in_china(now) + timedelta(days=days),
            roll_sha256=roll.digest(),
            roll_area_centi=roll.total_area_centi,
            roll_heads=roll.total_heads,
        )
        s.add(petition)
        s.flush()
        lines = [
            {"petition_id": petition.id, "voter_key": v.key, "units": list(v.units), "area_centi": v.area_centi, "heads": v.headcount}
            for v in roll.voters
        ]
        s.execute(insert(PetitionRollLine), lines)
        record(
            s,
            OWNER,
            "petition.start",
            "petition",
            petition.public_id,
            **scope(community),
            now=now,
            data={"title": title, "unit": label, "roll_sha256": petition.roll_sha256, "ip": ip},
        )
        _sign_on_board(s, petition, community, person, label, now=now)
    return petition


def sign_board_petition(public_id: str, *, unit: str, name: str, id_last4: str, ip: str, now: datetime) -> Progress:
    """Co-sign a board petition, identified by the register; one signature per voter of the petition's roll."""
    try:
        with db.write() as s:
            petition = s.execute(select(Petition).where(Petition.public_id == public_id).with_for_update()).scalar_one_or_none()
            if petition is None:
                raise NotFound(str(_l("No such petition.")))
            community = s.get(Community, petition.community_id)
            assert community is not None
            if petition.session_id is not None:
                raise RuleViolation("petition", str(_l("Sign this petition with your voting letter.")))
            if petition_status(petition, now) is not PetitionStatus.OPEN:
                raise RuleViolation("petition", str(_l("This petition no longer collects signatures.")))
            refused = ("petition.identity_refused", "petition", petition.public_id)
            person, label = check_identity(s, community, unit=unit, name=name, id_last4=id_last4, ip=ip, now=now, refused=refused)
            _sign_on_board(s, petition, community, person, label, now=now)
            record(s, OWNER, "petition.sign", "petition", petition.public_id, **scope(community), now=now, data={"unit": label, "ip": ip})
            outcome = progress_of(petition, s)
    except IntegrityError:
        raise RuleViolation("petition", str(_l("These units have already signed this petition."))) from None
    return outcome


def _sign_on_board(s: Session, petition: Petition, community: Community, person: Person, label: str, *, now: datetime) -> None:
    """The signer's line of the petition's roll weighs the signature: the line of their unit, of which they were a holder."""
    line = next(
        (
            line
            for line in s.execute(select(PetitionRollLine).where(PetitionRollLine.petition_id == petition.id)).scalars()
            if label in line.units
        ),
        None,
    )
    if line is None or str(person.id) not in line.voter_key.split("|"):
        raise RuleViolation("unit", str(_l("Unit %(unit)s has no vote of yours on the roll this petition was started with.", unit=label)))
    signed = s.execute(
        select(PetitionSignature.id).where(PetitionSignature.petition_id == petition.id, PetitionSignature.roll_line_id == line.id)
    ).first()
    if signed is not None:
        raise RuleViolation("petition", str(_l("These units have already signed this petition.")))
    signature = PetitionSignature(
        petition_id=petition.id, roll_line_id=line.id, person_id=person.id, area_centi=line.area_centi, heads=line.heads, signed_at=now
    )
    _add_signature(s, petition, community, signature, now=now)


def petition_by_public_id(community_id: int, public_id: str) -> Petition | None:
    return db.session.execute(
        select(Petition).where(Petition.community_id == community_id, Petition.public_id == public_id)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class Progress:
    petition: Petition
    signatures: int
    measure: rules.PetitionProgress

    @property
    def reached(self) -> bool:
        return self.measure.reached


def progress_of(petition: Petition, s: Session | None = None) -> Progress:
    s = s or db.session()
    count, area, heads = s.execute(
        select(
            func.count(), func.coalesce(func.sum(PetitionSignature.area_centi), 0), func.coalesce(func.sum(PetitionSignature.heads), 0)
        ).where(PetitionSignature.petition_id == petition.id)
    ).one()
    community = s.get(Community, petition.community_id)
    assert community is not None
    if petition.session_id is None:  # a board petition: the roll derived from the register at its start
        total = Weight(petition.roll_area_centi or 0, petition.roll_heads or 0)
    else:
        assembly = s.get(AssemblySession, petition.session_id)
        assert assembly is not None
        total = Weight(assembly.roll_area_centi or 0, assembly.roll_heads or 0)
    measure = rules.progress(get_profile(community.rule_profile).settings, total, Weight(int(area), int(heads)))
    return Progress(petition, int(count), measure)


def petition_status(petition: Petition, now: datetime) -> PetitionStatus:
    """Open petitions past their closing day have expired (decided lazily, like the session clock)."""
    if petition.status is PetitionStatus.OPEN and today_in_china(now) > petition.closes_on:
        return PetitionStatus.EXPIRED
    return petition.status


def petitions_of_community(community_id: int) -> list[Petition]:
    return list(
        db.session.execute(select(Petition).where(Petition.community_id == community_id).order_by(Petition.started_at.desc())).scalars()
    )


def petitions_for_letter(letter: Letter, now: datetime) -> list[tuple[Progress, bool]]:
    """The open petitions a letter can sign, each with its progress and whether these units signed it."""
    rows = db.session.execute(
        select(Petition)
        .where(Petition.session_id == letter.session_id, Petition.status == PetitionStatus.OPEN)
        .order_by(Petition.started_at)
    ).scalars()
    signed = set(
        db.session.execute(select(PetitionSignature.petition_id).where(PetitionSignature.roll_entry_id == letter.roll_entry_id)).scalars()
    )
    return [(progress_of(p), p.id in signed) for p in rows if petition_status(p, now) is PetitionStatus.OPEN]


def open_petitions(community_id: int, now: datetime) -> list[Progress]:
    """The community's petitions still collecting signatures, each with its progress."""
    return [progress_of(p) for p in petitions_of_community(community_id) if petition_status(p, now) is PetitionStatus.OPEN]
