"""The owner's side: one answer per voter of the consultation's roll, from a voting letter or from the board.

A voter is as the roll defines one (RULES §2): a set of holders with all the
units they hold together, weighed by their area and a headcount of one. The
roll is the one kept when the consultation opened, so whichever holder answers
and however (a letter of any session of the community, or the register's
identity check on the board), their voter answers once and cannot change it.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.identity import check_identity
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...security.actor import OWNER
from ...sessions.models import AssemblySession, Letter, RollEntry
from ...voting.services import find_letter
from ..models import Consultation, ConsultationAnswer, ConsultationOption, ConsultationRollLine, ConsultationState
from .common import is_due


def _already() -> RuleViolation:
    return RuleViolation("consultation", str(_l("These units have already answered this consultation. An answer cannot be changed.")))


def _open_consultation(s: Session, public_id: str, now: datetime) -> tuple[Consultation, Community]:
    consultation = s.execute(select(Consultation).where(Consultation.public_id == public_id).with_for_update()).scalar_one_or_none()
    if consultation is None or consultation.state is ConsultationState.DRAFT:
        raise NotFound(str(_l("No such consultation.")))
    if consultation.state is not ConsultationState.OPEN or is_due(consultation, now):
        raise RuleViolation("consultation", str(_l("This consultation is closed and takes no more answers.")))
    community = s.get(Community, consultation.community_id)
    assert community is not None
    return consultation, community


def _option(s: Session, consultation: Consultation, option_id: int | None) -> ConsultationOption:
    option = s.get(ConsultationOption, option_id) if option_id is not None else None
    if option is None or option.consultation_id != consultation.id:
        raise RuleViolation("option", str(_l("Choose one of the options.")))
    return option


def _answer(s: Session, consultation: Consultation, line: ConsultationRollLine, option: ConsultationOption) -> None:
    answered = s.execute(
        select(ConsultationAnswer.id).where(
            ConsultationAnswer.consultation_id == consultation.id, ConsultationAnswer.roll_line_id == line.id
        )
    ).first()
    if answered is not None:
        raise _already()
    s.add(
        ConsultationAnswer(
            consultation_id=consultation.id, roll_line_id=line.id, option_id=option.id, area_centi=line.area_centi, heads=line.heads
        )
    )
    s.flush()


def line_of_letter(s: Session, consultation: Consultation, letter: Letter) -> ConsultationRollLine | None:
    """The consultation's roll line of a letter's voter: the same holders, or a line of the letter's units its holder is one of."""
    entry = s.get(RollEntry, letter.roll_entry_id)
    if entry is None:
        return None
    lines = list(s.execute(select(ConsultationRollLine).where(ConsultationRollLine.consultation_id == consultation.id)).scalars())
    same = next((line for line in lines if line.voter_key == entry.voter_key), None)
    if same is not None:
        return same
    holder = str(letter.person_id)
    return next(
        (line for line in lines if set(line.units) & set(entry.units) and holder in line.voter_key.split("|")),
        None,
    )


def _usable_letter(s: Session, token: str, community: Community) -> Letter:
    found = find_letter(token)
    if found is None or found.locked_at is not None:
        raise RuleViolation("letter", str(_l("This voting letter is not valid.")))
    letter = s.get(Letter, found.id)
    assembly = s.get(AssemblySession, letter.session_id) if letter else None
    if letter is None or assembly is None or assembly.community_id != community.id:
        raise RuleViolation("letter", str(_l("Answer with a voting letter of this community.")))
    if letter.proxy_id is not None:
        # A proxy was authorised for one session's vote, not for the owner's views from then on.
        raise RuleViolation(
            "letter",
            str(_l("A proxy's letter is for the session it was given for; the owner answers with their own letter or on the board.")),
        )
    return letter


def answer_by_letter(token: str, public_id: str, option_id: int | None, *, ip: str, now: datetime) -> ConsultationOption:
    """The holder of a letter of the community answers for their voter; a second answer of that voter is refused."""
    try:
        with db.write() as s:
            consultation, community = _open_consultation(s, public_id, now)
            letter = _usable_letter(s, token, community)
            option = _option(s, consultation, option_id)
            line = line_of_letter(s, consultation, letter)
            if line is None:
                raise RuleViolation(
                    "letter",
                    str(_l("Your letter's units have no vote of yours on the roll this consultation was opened with. Ask the committee.")),
                )
            _answer(s, consultation, line, option)
            actor = OWNER
            data = {"via": "letter", "letter": letter.id, "ip": ip}  # who answered, never what
            record(s, actor, "consultation.answer", "consultation", consultation.public_id, **scope(community), now=now, data=data)
    except IntegrityError:
        raise _already() from None
    return option


def answer_by_identity(
    public_id: str, option_id: int | None, *, unit: str, name: str, id_last4: str, ip: str, now: datetime
) -> ConsultationOption:
    """From the public board: an owner the register names (unit, name, last four ID characters) answers for their voter.

    Wrong details count against the unit and lock it as for petitions
    (``communities.identity``); a second answer of the same voter is refused.
    """
    try:
        with db.write() as s:
            consultation, community = _open_consultation(s, public_id, now)
            option = _option(s, consultation, option_id)
            refused = ("consultation.identity_refused", "consultation", consultation.public_id)
            person, label = check_identity(s, community, unit=unit, name=name, id_last4=id_last4, ip=ip, now=now, refused=refused)
            line = next(
                (
                    line
                    for line in s.execute(
                        select(ConsultationRollLine).where(ConsultationRollLine.consultation_id == consultation.id)
                    ).scalars()
                    if label in line.units
                ),
                None,
            )
            if line is None or str(person.id) not in line.voter_key.split("|"):
                raise RuleViolation(
                    "unit", str(_l("Unit %(unit)s has no vote of yours on the roll this consultation was opened with.", unit=label))
                )
            _answer(s, consultation, line, option)
            data = {"via": "board", "unit": label, "ip": ip}  # who answered, never what
            record(s, OWNER, "consultation.answer", "consultation", consultation.public_id, **scope(community), now=now, data=data)
    except IntegrityError:
        raise _already() from None
    return option


def letter_has_answered(consultation: Consultation, letter: Letter) -> bool:
    """Whether the letter's voter has answered (by any holder, any way): the letter page then offers no form."""
    s = db.session()
    line = line_of_letter(s, consultation, letter)
    if line is None:
        return False
    return (
        s.execute(
            select(ConsultationAnswer.id).where(
                ConsultationAnswer.consultation_id == consultation.id, ConsultationAnswer.roll_line_id == line.id
            )
        ).first()
        is not None
    )


def letter_may_answer(consultation: Consultation, letter: Letter) -> bool:
    """Whether the letter's voter is on the consultation's roll."""
    return line_of_letter(db.session(), consultation, letter) is not None
