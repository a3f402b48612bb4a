"""Drafting a session and announcing it: items and their documents, the notice period, the frozen roll, a letter for every holder."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...audit.services import scope as audit_scope  # add_item's own ``scope`` is the item's units
from ...communities.models import Community
from ...communities.queries import community_roll, register_units
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState, check_window, require_transition
from ...domain.rules import MATTERS, get_profile
from ...notices.models import NoticeKind
from ...notices.services import MAX_ATTACHMENTS, checked_file, publish_system_notice, store_file
from ...security.actor import Actor
from ...security.permissions import CONVENED_BY_COMMITTEE, can_run_session, can_run_sessions, convener_of, require
from ..models import AssemblySession, Item, ItemDocument, Letter, RollEntry, SessionForm
from . import bulletin, scopes, slates
from .texts import announcement_text
from .tokens import letter_key, new_nonce, token_for, token_hash


def assembly_for_committee(s: Session, actor: Actor, assembly_id: int) -> tuple[AssemblySession, Community]:
    """A session and its community, for an action of whoever runs it (refused to anyone else).

    The committee runs the sessions it convened; the street office's officials
    run a session the office convened itself (``can_run_session``).
    """
    assembly = s.get(AssemblySession, assembly_id)
    if assembly is None:
        raise NotFound(str(_l("No such session.")))
    community = s.get(Community, assembly.community_id)
    assert community is not None
    require(can_run_session(actor, community, assembly.convened_by))
    return assembly, community


def create_session(
    actor: Actor, *, community_id: int, title: str, form: SessionForm, opens_at: datetime, closes_at: datetime
) -> AssemblySession:
    """The committee (or the preparatory group, for the first assembly) drafts a session of its community."""
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_run_sessions(actor, community))
        convened_by = convener_of(actor, community)
        assembly = new_session(s, community, title=title, form=form, opens_at=opens_at, closes_at=closes_at, convened_by=convened_by)
        data = {"title": assembly.title, "form": form.value, "convened_by": convened_by}
        record(s, actor, "session.create", "session", assembly.public_id, **scope(community), data=data)
    return assembly


def new_session(
    s: Session,
    community: Community,
    *,
    title: str,
    form: SessionForm,
    opens_at: datetime,
    closes_at: datetime,
    convened_by: str = CONVENED_BY_COMMITTEE,
) -> AssemblySession:
    """Inside the caller's transaction, who has authorized and audits it: a draft session of ``community``.

    ``convened_by`` says who runs it from here on: "committee", "group" (the
    preparatory group's first assembly), or "office" when the street office
    convenes it itself (RULES §10; the oversight service decides when it may).
    """
    title = title.strip()
    if not title or len(title) > 200:
        raise RuleViolation("title", str(_l("Give the session a title of at most 200 characters.")))
    if closes_at <= opens_at:
        raise RuleViolation("closes_at", str(_l("Voting must close after it opens.")))
    assembly = AssemblySession(
        public_id=secrets.token_urlsafe(9),
        community_id=community.id,
        title=title,
        form=form,
        state=SessionState.DRAFT,
        opens_at=opens_at,
        closes_at=closes_at,
        convened_by=convened_by,
    )
    s.add(assembly)
    s.flush()
    return assembly


def new_item(
    s: Session,
    assembly: AssemblySession,
    *,
    kind: str,
    matter: str,
    title: str,
    body: str = "",
    scope: list[str] | None = None,
    scope_label: str = "",
) -> Item:
    """Inside the caller's transaction: an item at the end of a draft session's ballot (announced items are frozen).

    ``scope``, already checked (``scopes.checked_scope``): the units that decide the item (RULES §9); None for the whole community.
    """
    if assembly.state is not SessionState.DRAFT:
        raise RuleViolation("state", str(_l("Items cannot be added or changed after the session is announced.")))
    position = (s.execute(select(func.max(Item.position)).where(Item.session_id == assembly.id)).scalar() or 0) + 1
    item = Item(
        session_id=assembly.id,
        position=position,
        kind=kind,
        matter=matter,
        title=title,
        body=body,
        scope=scope,
        scope_label=scope_label if scope is not None else "",
    )
    s.add(item)
    s.flush()
    return item


def add_item(
    actor: Actor,
    assembly_id: int,
    *,
    matter: str,
    title: str,
    body: str = "",
    scope: Sequence[str] | None = None,
    scope_label: str = "",
) -> Item:
    """A question item; only while the session is a draft.

    ``scope``: the unit ids (``"<building>-<number>"``, as the roll names them)
    whose owners decide the item (RULES §9), None for the whole community.
    Every unit must be on the community's register and one at least must vote:
    otherwise RuleViolation("scope", ...) naming the unit. ``scope_label`` is
    how the pages name the scope ("3 号楼").
    """
    if matter not in MATTERS:
        raise RuleViolation("matter", str(_l("Choose the kind of matter.")))
    title = title.strip()
    if not title or len(title) > 300:
        raise RuleViolation("title", str(_l("Give the item a title of at most 300 characters.")))
    scope_label = scope_label.strip()
    if len(scope_label) > 100:
        raise RuleViolation("scope_label", str(_l("Name the scope in at most 100 characters.")))
    if isinstance(scope, str):
        raise RuleViolation("scope", str(_l("Give the scope as a list of units.")))
    with db.write() as s:
        assembly, community = assembly_for_committee(s, actor, assembly_id)
        checked = None if scope is None else scopes.checked_scope(register_units(s, community.id)[0], scope)
        item = new_item(s, assembly, kind="question", matter=matter, title=title, body=body.strip(), scope=checked, scope_label=scope_label)
        data: dict[str, object] = {"item": item.id, "matter": matter, "title": title}
        if checked is not None:
            data |= {"scope": checked, "scope_label": scope_label}
        record(s, actor, "session.add_item", "session", assembly.public_id, **audit_scope(community), data=data)
    return item


def remove_item(actor: Actor, item_id: int) -> None:
    """Take an item off a draft session; an election goes back to waiting for a session."""
    with db.write() as s:
        item = s.get(Item, item_id)
        if item is None:
            raise NotFound(str(_l("No such item.")))
        assembly, community = assembly_for_committee(s, actor, item.session_id)
        if assembly.state is not SessionState.DRAFT:
            raise RuleViolation("state", str(_l("Items cannot be added or changed after the session is announced.")))
        drop_item(s, assembly, item)
        record(s, actor, "session.remove_item", "session", assembly.public_id, **scope(community), data={"item": item_id})


def drop_item(s: Session, assembly: AssemblySession, item: Item) -> None:
    """Inside the caller's transaction, who checked the session is a draft: the item off it, the others renumbered."""
    if item.kind == "election":
        slates.source().item_removed(s, item.id)
    s.delete(item)
    s.flush()
    for position, other in enumerate(sorted((i for i in assembly.items if i.id != item.id), key=lambda i: i.position), 1):
        other.position = position


@dataclass(frozen=True)
class Announcement:
    voters: int
    letters: int
    roll_sha256: str


def announce_session(actor: Actor, assembly_id: int, *, now: datetime) -> Announcement:
    """Announce: the notice period and window bounds of the profile, the roll frozen, a letter per holder."""
    with db.write() as s:
        assembly, community = assembly_for_committee(s, actor, assembly_id)
        require_transition(assembly.state, SessionState.ANNOUNCED)
        if not assembly.items:
            raise RuleViolation("items", str(_l("Add at least one item before announcing.")))
        settings = get_profile(community.rule_profile).settings
        try:
            check_window(
                now=now,
                opens_at=assembly.opens_at,
                closes_at=assembly.closes_at,
                notice_days=settings.notice_days,
                min_days=settings.window_min_days,
                max_days=settings.window_max_days,
            )
        except RuleViolation as exc:
            message = _window_message(exc.field, settings.notice_days, settings.window_min_days, settings.window_max_days)
            raise RuleViolation(exc.field, message) from None
        roll = community_roll(community.id)
        if not roll.voters:
            raise RuleViolation("roll", str(_l("The owner register has no voters: import it first.")))
        entries = [
            {"session_id": assembly.id, "voter_key": v.key, "units": list(v.units), "area_centi": v.area_centi, "heads": v.headcount}
            for v in roll.voters
        ]
        s.execute(insert(RollEntry), entries)
        entry_ids = dict(s.execute(select(RollEntry.voter_key, RollEntry.id).where(RollEntry.session_id == assembly.id)).all())
        key = letter_key()
        letters = []
        for voter in roll.voters:
            for person_id in sorted(voter.holders, key=int):
                nonce = new_nonce()
                letters.append(
                    {
                        "session_id": assembly.id,
                        "roll_entry_id": entry_ids[voter.key],
                        "person_id": int(person_id),
                        "nonce": nonce,
                        "token_hash": token_hash(token_for(nonce, key)),
                        "issued_at": now,
                    }
                )
        s.execute(insert(Letter), letters)
        scopes.freeze_scopes(s, assembly, community, entry_ids)
        bulletin.start_chain(s, assembly.id)
        assembly.state = SessionState.ANNOUNCED
        assembly.announced_at = now
        assembly.roll_sha256 = roll.digest()
        assembly.roll_area_centi = roll.total_area_centi
        assembly.roll_heads = roll.total_heads
        digests = scopes.scope_digests(s, assembly, bulletin.voter_pseudonyms(assembly.public_id))
        title, body = announcement_text(assembly, digests)
        notice = publish_system_notice(
            s, actor, community, kind=NoticeKind.ANNOUNCEMENT, title=title, body=body, session_id=assembly.id, now=now
        )
        record(
            s,
            actor,
            "session.announce",
            "session",
            assembly.public_id,
            **scope(community),
            now=now,
            data={
                "roll_sha256": assembly.roll_sha256,
                "voters": roll.total_heads,
                "letters": len(letters),
                "notice": notice.public_id,
                **({"scopes": digests} if digests else {}),
            },
        )
    return Announcement(roll.total_heads, len(letters), roll.digest())


def _window_message(field: str, notice: int, low: int, high: int) -> str:
    if field == "opens_at":
        return str(_l("Voting may open %(days)d days after the announcement at the earliest.", days=notice))
    return str(_l("The voting window must last from %(low)d to %(high)d days.", low=low, high=high))


def sessions_of(community_id: int) -> list[AssemblySession]:
    """The community's sessions, newest first."""
    return list(
        db.session.execute(
            select(AssemblySession).where(AssemblySession.community_id == community_id).order_by(AssemblySession.created_at.desc())
        ).scalars()
    )


def announced_sessions(community_id: int) -> list[AssemblySession]:
    """The community's sessions the public sees (every one past its draft), newest first."""
    return list(
        db.session.execute(
            select(AssemblySession)
            .where(AssemblySession.community_id == community_id, AssemblySession.state != SessionState.DRAFT)
            .order_by(AssemblySession.opens_at.desc(), AssemblySession.id.desc())
        ).scalars()
    )


def session_by_public_id(public_id: str) -> AssemblySession | None:
    return db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one_or_none()


DOCUMENTS_FIXED = _l("Documents cannot be added or removed after the session is announced.")


def attach_document(actor: Actor, item_id: int, *, filename: str, data: bytes, now: datetime) -> ItemDocument:
    """Attach a PDF, PNG or JPEG to an item of a draft session, kept under its SHA-256 as notices' files are."""
    name, kind, digest = checked_file(filename, data)
    with db.write() as s:
        item = s.get(Item, item_id)
        if item is None:
            raise NotFound(str(_l("No such item.")))
        assembly, community = assembly_for_committee(s, actor, item.session_id)
        if assembly.state is not SessionState.DRAFT:
            raise RuleViolation("file", str(DOCUMENTS_FIXED))
        count = s.execute(select(func.count()).select_from(ItemDocument).where(ItemDocument.item_id == item.id)).scalar_one()
        if count >= MAX_ATTACHMENTS:
            raise RuleViolation("file", str(_l("At most %(max)d files per item.", max=MAX_ATTACHMENTS)))
        store_file(digest, data)
        document = ItemDocument(item_id=item.id, filename=name, content_type=kind, size=len(data), sha256=digest, uploaded_at=now)
        s.add(document)
        s.flush()
        data_ = {"item": item.id, "file": name, "sha256": digest, "size": len(data)}
        record(s, actor, "session.attach_document", "session", assembly.public_id, **scope(community), now=now, data=data_)
    return document


def remove_document(actor: Actor, document_id: int, *, now: datetime) -> Item:
    """Take a file off an item of a draft; the stored bytes stay (another item or notice may show them)."""
    with db.write() as s:
        document = s.get(ItemDocument, document_id)
        if document is None:
            raise NotFound(str(_l("No such file.")))
        item = s.get(Item, document.item_id)
        assert item is not None
        assembly, community = assembly_for_committee(s, actor, item.session_id)
        if assembly.state is not SessionState.DRAFT:
            raise RuleViolation("file", str(DOCUMENTS_FIXED))
        data = {"item": item.id, "file": document.filename, "sha256": document.sha256}
        s.delete(document)
        record(s, actor, "session.remove_document", "session", assembly.public_id, **scope(community), now=now, data=data)
    return item
