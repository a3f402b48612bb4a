"""Forming, publishing and dissolving the preparatory group (RULES §10).

The street office forms the group for a community without a committee in its
term; each member gets an account with the community's preparatory-group role
(password and authenticator, as officials), valid while the group exists. The
group runs the first assembly through the session pages exactly as a
committee does (``permissions.can_run_sessions``). It is dissolved by the
office, or when the committee its assembly elected is seated: elections send
``committee_seated`` and ``_dissolve_on_seating`` answers it in the same
transaction.

The first assembly is *held* on the day the first session announced after the
group was formed opens for voting: that is when owners can vote in it; a
session merely drafted or announced does not stop the 90-day flag.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..accounts.models import RoleAssignment, User
from ..accounts.services import hash_password
from ..audit.services import record, scope
from ..clock import today_in_china
from ..communities.models import Community, Holding, HoldingState, Person, Unit
from ..db import db
from ..domain import formation as rules
from ..domain.errors import NotFound, RuleViolation
from ..domain.lifecycle import SessionState
from ..domain.rules import get_profile
from ..elections.models import Committee
from ..elections.services import current_committee, owner_of
from ..elections.signals import committee_seated
from ..notices.models import Notice, NoticeKind
from ..notices.services import publish_system_notice
from ..security.actor import Actor
from ..security.permissions import can_certify, is_preparatory_member, require
from ..security.roles import COMMITTEE_ROLES, Role
from ..sessions.models import AssemblySession
from .labels import KIND_LABELS, PROBLEM_MESSAGES
from .models import GroupMember, MemberKind, PreparatoryGroup


@dataclass(frozen=True)
class Credential:
    """A member's account as the forming official sees it once: the initial password is never shown again."""

    name: str
    username: str
    password: str | None  # None: an existing account that got the role


# Initial passwords are read off a sheet of paper: no I, l, 1, O or 0 to mistake for one another.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def initial_password(length: int = 16) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def open_group(community_id: int, s: Session | None = None) -> PreparatoryGroup | None:
    s = s or db.session()
    return s.execute(
        select(PreparatoryGroup).where(PreparatoryGroup.community_id == community_id, PreparatoryGroup.dissolved_at.is_(None))
    ).scalar()


def latest_group(community_id: int) -> PreparatoryGroup | None:
    return db.session.execute(
        select(PreparatoryGroup).where(PreparatoryGroup.community_id == community_id).order_by(PreparatoryGroup.id.desc())
    ).scalar()


def load_group(group_id: int, s: Session | None = None, *, lock: bool = False) -> tuple[PreparatoryGroup, Community]:
    s = s or db.session()
    group = s.get(PreparatoryGroup, group_id, with_for_update=lock)
    if group is None:
        raise NotFound(str(_l("No such preparatory group.")))
    community = s.get(Community, group.community_id)
    assert community is not None
    return group, community


def developer_holds_units(s: Session, community_id: int) -> bool:
    """The developer still holds units: some are sold but not delivered, or unsold."""
    return (
        s.execute(
            select(Holding.id)
            .join(Unit, Unit.id == Holding.unit_id)
            .where(Unit.community_id == community_id, Holding.state.in_((HoldingState.UNDELIVERED, HoldingState.UNSOLD)))
            .limit(1)
        ).first()
        is not None
    )


def _problem_message(problem: rules.GroupProblem, community: Community) -> str:
    settings = get_profile(community.rule_profile).settings
    return str(PROBLEM_MESSAGES[problem]) % {"share": str(settings.group_owner_share)}


def _kind(raw: object, index: int) -> MemberKind:
    try:
        return MemberKind(str(raw))
    except ValueError:
        raise RuleViolation(
            f"members[{index}].kind", str(_l("Name each member's kind: owner, developer, office or residents' committee."))
        ) from None


def _new_username(s: Session, community: Community, group: PreparatoryGroup, index: int) -> str:
    base = f"{community.slug[:40]}-g{group.id}-{index + 1}"
    name, n = base, 1
    while s.execute(select(User.id).where(User.username == name)).first() is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def form_group(actor: Actor, community_id: int, members: list[dict[str, Any]], now: datetime) -> tuple[PreparatoryGroup, list[Credential]]:
    """The street office forms the group: composition per the profile, an account per member, in one transaction.

    ``members``: ``{"kind" (owner|developer|office|residents_committee), "name", "unit" (owners),
    "affiliation" (the others), "leader" (bool), "username" (an office member's existing account, optional)}``.
    """
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_certify(actor, community))
        today = today_in_china(now)
        committee = current_committee(community.id, s)
        if committee is not None and committee.term_end >= today:
            raise RuleViolation("community", str(_l("This community has a committee in its term: it prepares its own election.")))
        if open_group(community.id, s) is not None:
            raise RuleViolation("community", str(_l("A preparatory group already exists for this community.")))
        kinds = [_kind(m.get("kind"), i) for i, m in enumerate(members)]
        seats = [rules.Seat(k.value, bool(m.get("leader"))) for k, m in zip(kinds, members, strict=True)]
        for problem in rules.group_problems(
            get_profile(community.rule_profile).settings, seats, developer_holds_units=developer_holds_units(s, community.id)
        ):
            raise RuleViolation("members", _problem_message(problem, community))
        group = PreparatoryGroup(community_id=community.id, formed_at=now, formed_by_user_id=actor.user_id)
        s.add(group)
        s.flush()
        ended_rights = _end_committee_rights(s, community) if committee is not None else []
        developer = s.execute(select(Person).where(Person.community_id == community.id, Person.is_developer)).scalar()
        credentials: list[Credential] = []
        seen_people: set[int] = set()
        seen_users: set[int] = set()
        for index, (kind, member) in enumerate(zip(kinds, members, strict=True)):
            name = str(member.get("name", "")).strip()[:200]
            if not name:
                raise RuleViolation(f"members[{index}].name", str(_l("Give each member's name.")))
            affiliation = str(member.get("affiliation", "")).strip()[:200]
            person_id: int | None = None
            unit_label = ""
            if kind is MemberKind.OWNER:
                unit_label, owners = owner_of(s, community, str(member.get("unit", "")), field=f"members[{index}].unit")
                person = next((p for p in owners if p.name == name), None)
                if person is None:
                    raise RuleViolation(f"members[{index}].name", str(_l("%(name)s is not an owner of that unit.", name=name)))
                if person.id in seen_people:
                    raise RuleViolation(f"members[{index}].name", str(_l("%(name)s is listed twice.", name=name)))
                seen_people.add(person.id)
                person_id = person.id
            elif not affiliation:
                raise RuleViolation(f"members[{index}].affiliation", str(_l("Give the organisation of each member who is not an owner.")))
            if kind is MemberKind.DEVELOPER:
                person_id = developer.id if developer is not None else None
            user, password = _account_for(s, actor, community, group, index, kind, member, name, person_id)
            if user.id in seen_users:
                raise RuleViolation(f"members[{index}].name", str(_l("%(name)s is listed twice.", name=name)))
            seen_users.add(user.id)
            s.add(
                GroupMember(
                    group_id=group.id,
                    kind=kind,
                    name=name,
                    unit_label=unit_label,
                    person_id=person_id,
                    affiliation=affiliation,
                    leader=bool(member.get("leader")),
                    user_id=user.id,
                )
            )
            credentials.append(Credential(name, user.username, password))
        s.flush()
        data = {
            "members": [
                {"kind": k.value, "username": c.username, "leader": bool(m.get("leader"))}
                for k, c, m in zip(kinds, credentials, members, strict=True)
            ],
            "replaces_committee": committee.id if committee is not None else None,
            "committee_rights_ended": ended_rights,
        }
        record(s, actor, "preparatory_group.form", "preparatory_group", group.id, **scope(community), now=now, data=data)
    return group, credentials


def _end_committee_rights(s: Session, community: Community) -> list[int]:
    """A committee past its term stops acting once the group prepares the election of its successor (RULES §10).

    Its members' committee roles in the community end here, so neither it nor the group can run a rival assembly;
    the committee itself stays on record (its term-end audit is still due at seating). Returns the accounts affected.
    """
    rows = s.execute(
        select(RoleAssignment).where(RoleAssignment.community_id == community.id, RoleAssignment.role.in_(COMMITTEE_ROLES))
    ).scalars()
    users = sorted({row.user_id for row in rows})
    s.execute(delete(RoleAssignment).where(RoleAssignment.community_id == community.id, RoleAssignment.role.in_(COMMITTEE_ROLES)))
    for user_id in users:
        user = s.get(User, user_id)
        if user is not None:
            user.session_version += 1  # the committee's pages close in every open session now
    return users


def _account_for(
    s: Session,
    actor: Actor,
    community: Community,
    group: PreparatoryGroup,
    index: int,
    kind: MemberKind,
    member: dict[str, Any],
    name: str,
    person_id: int | None,
) -> tuple[User, str | None]:
    """The member's account with the group's role: an official's own (by username), an owner's existing one, or a new one."""
    username = str(member.get("username", "") or "").strip()
    user: User | None = None
    if username:
        if kind is not MemberKind.OFFICE:
            raise RuleViolation(
                f"members[{index}].username", str(_l("Only the street office's representative may use an existing account."))
            )
        user = s.execute(select(User).where(User.username == username)).scalar()
        official = user is not None and any(
            a.role is Role.STREET_OFFICIAL and a.street_office_id == community.street_office_id for a in user.roles
        )
        if user is None or not user.active or not official:
            raise RuleViolation(
                f"members[{index}].username", str(_l("%(username)s is not an account of this street office.", username=username))
            )
    elif kind is MemberKind.OWNER and person_id is not None:
        user = s.execute(select(User).where(User.person_id == person_id)).scalar()
    password: str | None = None
    if user is None:
        password = initial_password()
        user = User(
            username=_new_username(s, community, group, index),
            display_name=name,
            password_hash=hash_password(password),
            person_id=person_id if kind is MemberKind.OWNER else None,
        )
        s.add(user)
        s.flush()
        record(
            s,
            actor,
            "user.create",
            "user",
            user.id,
            **scope(community),
            now=group.formed_at,
            data={"username": user.username, "role": Role.PREPARATORY_MEMBER.value},
        )
    elif not user.active:
        # An account closed before (at an earlier group's end, say) comes back only with a new password and a new
        # authenticator: whatever the old ones were, and whoever may have learnt them, they open nothing now.
        password = initial_password()
        user.active, user.password_hash = True, hash_password(password)
        user.totp_secret_enc = user.totp_last_step = user.totp_enrolled_at = None
        user.recovery_codes.clear()
        user.session_version += 1
        record(s, actor, "user.reactivate", "user", user.id, **scope(community), now=group.formed_at, data={"username": user.username})
    s.add(RoleAssignment(user_id=user.id, role=Role.PREPARATORY_MEMBER, community_id=community.id))
    return user, password


def publish_members(actor: Actor, group_id: int, now: datetime) -> Notice:
    """The member list on the community's board (RULES §10: within the profile's days of forming); once."""
    with db.write() as s:
        group, community = load_group(s=s, group_id=group_id, lock=True)
        require(is_preparatory_member(actor, community.id) or can_certify(actor, community))
        if not group.is_open:
            raise RuleViolation("group", str(_l("This preparatory group has been dissolved.")))
        if group.members_notice_id is not None:
            raise RuleViolation("group", str(_l("The member list is already on the board.")))
        with force_locale("zh_CN"):
            title = str(_l("Members of the preparatory group of %(community)s", community=community.name))
            lines = [
                str(_l("The street office formed the preparatory group on %(day)s.", day=today_in_china(group.formed_at).isoformat())),
                "",
            ]
            for n, m in enumerate(group.members, 1):
                where = m.unit_label or m.affiliation
                leader = str(_l("(leader)")) if m.leader else ""
                lines.append(f"{n}. {m.name}（{KIND_LABELS[m.kind.value]}，{where}）{leader}")
        notice = publish_system_notice(
            s, actor, community, kind=NoticeKind.GENERAL, title=title, body="\n".join(lines), session_id=None, now=now
        )
        group.members_notice_id = notice.id
        record(
            s,
            actor,
            "preparatory_group.publish",
            "preparatory_group",
            group.id,
            **scope(community),
            now=now,
            data={"notice": notice.public_id},
        )
    return notice


def dissolve(actor: Actor, group_id: int, reason: str, now: datetime) -> PreparatoryGroup:
    """The street office dissolves the group: its members' role ends at once, in every open session."""
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise RuleViolation("reason", str(_l("Say why the group is dissolved, in at most 300 characters.")))
    with db.write() as s:
        group, community = load_group(s=s, group_id=group_id, lock=True)
        require(can_certify(actor, community))
        if not group.is_open:
            raise RuleViolation("group", str(_l("This preparatory group has been dissolved.")))
        _dissolve(s, actor, group, community, reason=reason, now=now)
    return group


def _dissolve(
    s: Session,
    actor: Actor,
    group: PreparatoryGroup,
    community: Community,
    *,
    reason: str,
    now: datetime,
    committee: Committee | None = None,
) -> None:
    group.dissolved_at, group.dissolved_reason = now, reason[:300]
    group.committee_id = committee.id if committee is not None else None
    for member in group.members:
        if member.user_id is None:
            continue
        user = s.get(User, member.user_id)
        if user is None:
            continue
        s.execute(
            delete(RoleAssignment).where(
                RoleAssignment.user_id == user.id,
                RoleAssignment.community_id == community.id,
                RoleAssignment.role == Role.PREPARATORY_MEMBER,
            )
        )
        s.flush()
        s.expire(user, ["roles"])
        if not user.roles:
            # Nothing left to do here: the account closes and its open sessions end now. An account that keeps
            # other rights (the office's own, or the committee's at seating) stays signed in: every request
            # reads the roles afresh, so the group's rights are gone from its next request on.
            user.active = False
            user.session_version += 1
    data = {"reason": reason[:300], "committee": committee.id if committee is not None else None}
    record(s, actor, "preparatory_group.dissolve", "preparatory_group", group.id, **scope(community), now=now, data=data)


@committee_seated.connect
def _dissolve_on_seating(s: Session, *, community: Community, committee: Committee, actor: Actor, now: datetime, **_: Any) -> None:
    """The committee the first assembly elected is seated: the group hands over and dissolves, in the seating's transaction."""
    group = open_group(community.id, s)
    if group is not None:
        _dissolve(s, actor, group, community, reason="committee seated", now=now, committee=committee)


def first_assembly_on(group: PreparatoryGroup, *, now: datetime, s: Session | None = None) -> date | None:
    """The day voting opened in the first session announced since the group was formed, if it has opened by ``now``."""
    s = s or db.session()
    opens = s.execute(
        select(AssemblySession.opens_at)
        .where(
            AssemblySession.community_id == group.community_id,
            AssemblySession.announced_at >= group.formed_at,
            AssemblySession.opens_at <= now,
            AssemblySession.state != SessionState.DRAFT,
        )
        .order_by(AssemblySession.opens_at)
        .limit(1)
    ).scalar()
    return today_in_china(opens) if opens is not None else None


def deadlines(group: PreparatoryGroup, *, now: datetime) -> rules.GroupDeadlines:
    community = db.session.get(Community, group.community_id)
    assert community is not None
    notice = db.session.get(Notice, group.members_notice_id) if group.members_notice_id else None
    published = today_in_china(notice.published_at) if notice is not None and notice.published_at else None
    return rules.group_deadlines(
        get_profile(community.rule_profile).settings,
        today_in_china(group.formed_at),
        published,
        first_assembly_on(group, now=now),
        today_in_china(now),
    )


def group_flags(community_id: int, *, now: datetime) -> list[str]:
    """The open group's overdue deadlines, as the dashboard's flag codes (none without an open group)."""
    group = open_group(community_id)
    return list(deadlines(group, now=now).flags) if group is not None else []
