"""Writing and publishing notices: one user action per function, one transaction, one audit event.

A published notice never changes (the database refuses it too). A correction
is a new draft version that names the one it supersedes; once published,
both stay on the board and the old one says it was corrected. Decisions and
accounts statements need a second committee member to confirm publication.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ..audit.services import record, scope
from ..communities.models import Community
from ..db import db
from ..domain.errors import NotFound, RuleViolation
from ..security.actor import Actor
from ..security.permissions import can_publish_notices, require
from .markup import render
from .models import CONFIRMED_KINDS, Attachment, Notice, NoticeKind, NoticeState, Statement

MAX_BODY = 50_000

# Drafts whose text a package above generated from its record (a committee decision drafted from its motion): each
# guard says why a draft may not be edited, or None. The factory provides them; this package never imports theirs.
EditGuard = Callable[[Session, Notice], str | None]
_edit_guards: list[EditGuard] = []


def guard_edits(guard: EditGuard) -> None:
    if guard not in _edit_guards:
        _edit_guards.append(guard)


# Who may ask for and confirm a draft's publication beyond the notices' own rule (a decision drafted from a motion:
# members seated on that committee). Each raises the refusal, or returns; provided by the factory like the edit guards.
PublicationGuard = Callable[[Session, Actor, Notice], None]
_publication_guards: list[PublicationGuard] = []


def guard_publication(guard: PublicationGuard) -> None:
    if guard not in _publication_guards:
        _publication_guards.append(guard)


def _refuse_if_guarded(s: Session, notice: Notice) -> None:
    """A notice whose words another package fixes (a decision drafted from a motion) is neither edited nor corrected,
    nor its files changed."""
    for guard in _edit_guards:
        reason = guard(s, notice)
        if reason is not None:
            raise RuleViolation("body", reason)


def _checked(title: str, body: str) -> tuple[str, str]:
    title = title.strip()
    if not title or len(title) > 200:
        raise RuleViolation("title", str(_l("Give the notice a title of at most 200 characters.")))
    body = body.strip()
    if not body:
        raise RuleViolation("body", str(_l("Write the text of the notice.")))
    if len(body) > MAX_BODY:
        raise RuleViolation("body", str(_l("The text is too long: at most %(max)d characters.", max=MAX_BODY)))
    return title, body


def _notice_for_committee(s: Session, actor: Actor, notice_id: int) -> tuple[Notice, Community]:
    notice = s.get(Notice, notice_id, with_for_update=True)
    if notice is None:
        raise NotFound(str(_l("No such notice.")))
    community = s.get(Community, notice.community_id)
    assert community is not None
    require(can_publish_notices(actor, community))
    return notice, community


def draft_notice(
    actor: Actor,
    *,
    community_id: int,
    kind: NoticeKind,
    title: str,
    body: str,
    now: datetime,
    session_id: int | None = None,
) -> Notice:
    title, body = _checked(title, body)
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_publish_notices(actor, community))
        notice = new_notice(s, actor, community, kind=kind, title=title, body=body, now=now, session_id=session_id)
        record(s, actor, "notice.draft", "notice", notice.public_id, **scope(community), now=now, data={"kind": kind.value, "title": title})
    return notice


def edit_draft(actor: Actor, notice_id: int, *, title: str, body: str, now: datetime) -> Notice:
    title, body = _checked(title, body)
    with db.write() as s:
        notice, community = _notice_for_committee(s, actor, notice_id)
        if notice.state is not NoticeState.DRAFT:
            raise RuleViolation("state", str(_l("A published notice cannot be edited; publish a correction instead.")))
        _refuse_if_guarded(s, notice)
        notice.title, notice.body = title, body
        record(s, actor, "notice.edit", "notice", notice.public_id, **scope(community), now=now, data={"title": title})
    return notice


def correct_notice(actor: Actor, notice_id: int, *, now: datetime) -> Notice:
    """A new draft version of a published notice, to be edited and published in its place."""
    with db.write() as s:
        old, community = _notice_for_committee(s, actor, notice_id)
        if old.state is not NoticeState.PUBLISHED:
            raise RuleViolation("state", str(_l("Only a published notice can be corrected; edit the draft instead.")))
        if old.system:
            raise RuleViolation(
                "state",
                str(_l("This notice is published for the street office or by the rules; only they change it, with a notice of their own.")),
            )
        _refuse_if_guarded(s, old)
        if s.execute(select(Notice.id).where(Notice.supersedes_id == old.id)).first() is not None:
            raise RuleViolation("state", str(_l("This version already has a correction; correct the newest version.")))
        notice = new_notice(
            s,
            actor,
            community,
            kind=old.kind,
            title=old.title,
            body=old.body,
            now=now,
            session_id=old.session_id,
            version=old.version + 1,
            supersedes_id=old.id,
        )
        # The files come along (the same stored bytes); the editor removes any the correction no longer needs.
        files = list(s.execute(select(Attachment).where(Attachment.notice_id == old.id).order_by(Attachment.id)).scalars())
        for f in files:
            s.add(
                Attachment(
                    notice_id=notice.id, filename=f.filename, content_type=f.content_type, size=f.size, sha256=f.sha256, uploaded_at=now
                )
            )
        data = {"supersedes": old.public_id, "files": len(files)}
        record(s, actor, "notice.correct", "notice", notice.public_id, **scope(community), now=now, data=data)
    return notice


def publish_notice(actor: Actor, notice_id: int, *, now: datetime) -> Notice:
    """Publish a draft; a decision or a statement waits for a second committee member instead."""
    with db.write() as s:
        notice, community = _notice_for_committee(s, actor, notice_id)
        if notice.state is not NoticeState.DRAFT:
            raise RuleViolation("state", str(_l("This notice is not a draft.")))
        for guard in _publication_guards:
            guard(s, actor, notice)
        if notice.kind in CONFIRMED_KINDS:
            notice.state = NoticeState.PENDING
            notice.requested_by_user_id = actor.user_id
            record(s, actor, "notice.request", "notice", notice.public_id, **scope(community), now=now)
        else:
            _publish(s, actor, notice, community, now)
    return notice


def confirm_notice(actor: Actor, notice_id: int, *, now: datetime) -> Notice:
    with db.write() as s:
        notice, community = _notice_for_committee(s, actor, notice_id)
        if notice.state is not NoticeState.PENDING:
            raise RuleViolation("state", str(_l("This notice is not waiting for confirmation.")))
        if actor.user_id is not None and actor.user_id == notice.requested_by_user_id:
            raise RuleViolation("state", str(_l("A second committee member must confirm the notice you asked to publish.")))
        for guard in _publication_guards:
            guard(s, actor, notice)
        notice.confirmed_by_user_id = actor.user_id
        _publish(s, actor, notice, community, now)
    return notice


def _publish(s: Session, actor: Actor, notice: Notice, community: Community, now: datetime) -> None:
    notice.body_html = render(notice.body)
    notice.state = NoticeState.PUBLISHED
    notice.published_at = now
    supersedes = s.get(Notice, notice.supersedes_id) if notice.supersedes_id else None
    data = {"kind": notice.kind.value, "version": notice.version, "supersedes": supersedes.public_id if supersedes else None}
    record(s, actor, "notice.publish", "notice", notice.public_id, **scope(community), now=now, data=data)


def new_notice(
    s: Session, actor: Actor, community: Community, *, kind: NoticeKind, title: str, body: str, now: datetime, **fields: Any
) -> Notice:
    """A new notice row (a draft unless ``state`` says otherwise), flushed so it has its id."""
    notice = Notice(
        public_id=secrets.token_urlsafe(9),
        community_id=community.id,
        kind=kind,
        title=title[:200],
        body=body,
        created_by_user_id=actor.user_id,
        created_at=now,
        **fields,
    )
    s.add(notice)
    s.flush()
    return notice


def publish_system_notice(
    s: Session, actor: Actor, community: Community, *, kind: NoticeKind, title: str, body: str, session_id: int | None, now: datetime
) -> Notice:
    """A notice the system publishes as part of another action (a session's announcement), in its transaction."""
    notice = new_notice(s, actor, community, kind=kind, title=title, body=body, now=now, session_id=session_id, system=True)
    _publish(s, actor, notice, community, now)
    return notice


# Reading -----------------------------------------------------------------------------------------


def board(community_id: int, *, kind: NoticeKind | None = None, year: int | None = None) -> list[Notice]:
    """The public board: published notices, newest first."""
    query = select(Notice).where(Notice.community_id == community_id, Notice.state == NoticeState.PUBLISHED)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    if year is not None:
        query = query.where(extract("year", Notice.published_at) == year)
    return list(db.session.execute(query.order_by(Notice.published_at.desc(), Notice.id.desc())).scalars())


def board_years(community_id: int) -> list[int]:
    rows = db.session.execute(
        select(Notice.published_at).where(Notice.community_id == community_id, Notice.state == NoticeState.PUBLISHED)
    ).scalars()
    return sorted({moment.year for moment in rows if moment is not None}, reverse=True)


def versions(notice: Notice) -> list[Notice]:
    """Every published version of the notice's line, newest first."""
    line = [notice]
    earlier = notice
    while earlier.supersedes_id is not None:
        earlier = db.session.get(Notice, earlier.supersedes_id)  # type: ignore[assignment]
        line.append(earlier)
    later = notice
    while True:
        newer = db.session.execute(
            select(Notice).where(Notice.supersedes_id == later.id, Notice.state == NoticeState.PUBLISHED)
        ).scalar_one_or_none()
        if newer is None:
            break
        line.insert(0, newer)
        later = newer
    return line


def committee_notices(community_id: int) -> list[Notice]:
    """Everything the committee sees: drafts and pending first, then the published, newest first."""
    rows = db.session.execute(
        select(Notice).where(Notice.community_id == community_id).order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    notices = list(rows.scalars())
    order = {NoticeState.DRAFT: 0, NoticeState.PENDING: 1, NoticeState.PUBLISHED: 2}
    return sorted(notices, key=lambda n: order[n.state])


def public_id_of(notice_id: int | None) -> str | None:
    if notice_id is None:
        return None
    notice = db.session.get(Notice, notice_id)
    return notice.public_id if notice else None


# Attachments -------------------------------------------------------------------------------------

MAX_ATTACHMENT = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
# Recognised by their first bytes, never by the name or the browser's word for it.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff(data: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def attachments_folder() -> Path:
    return Path(current_app.instance_path) / "attachments"


# A stored file opens sandboxed: a PDF or an image, never a page that runs as the site.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def stored_file_response(sha256: str, content_type: str, filename: str, *, max_age: int = 0) -> Response:
    """The response serving a file kept under its SHA-256, with its name and the sandboxing policy."""
    response = send_file(attachments_folder() / sha256, mimetype=content_type, download_name=filename, max_age=max_age)
    response.headers["Content-Security-Policy"] = FILE_POLICY
    return response


# Characters a file's name never keeps: controls, line breaks, and the invisible ones (zero-width, the bidirectional
# overrides that would show "photo\u202egnp.exe" as "photoexe.png").
_HIDDEN = ("Cc", "Cf", "Zl", "Zp")


def clean_filename(filename: str | None) -> str:
    """An upload's name as it is kept and served: its last part after any slash or backslash, without hidden
    characters, at most 200 characters; "file" when nothing is left."""
    visible = "".join(c for c in filename or "" if unicodedata.category(c) not in _HIDDEN)
    return re.split(r"[\\/]", visible)[-1].strip()[:200] or "file"


def checked_file(filename: str, data: bytes) -> tuple[str, str, str]:
    """An upload as the board keeps it: its clean name, its content type by content (PDF, PNG, JPEG), its SHA-256."""
    name = clean_filename(filename)
    if not data:
        raise RuleViolation("file", str(_l("The file is empty.")))
    if len(data) > MAX_ATTACHMENT:
        raise RuleViolation("file", str(_l("The file is larger than %(mb)d MB.", mb=MAX_ATTACHMENT // (1024 * 1024))))
    kind = sniff(data)
    if kind is None:
        raise RuleViolation("file", str(_l("Only PDF, PNG and JPEG files can be attached.")))
    return name, kind, hashlib.sha256(data).hexdigest()


def store_file(digest: str, data: bytes) -> None:
    """Keep the bytes under their SHA-256 in the instance's attachments folder (written once, atomically)."""
    folder = attachments_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / digest
    if not target.exists():
        temporary = folder / f".{digest}.{secrets.token_hex(4)}"
        temporary.write_bytes(data)
        temporary.replace(target)  # same content, same name: a race writes the same bytes


def attach(actor: Actor, notice_id: int, *, filename: str, data: bytes, now: datetime) -> Attachment:
    """Attach a PDF, PNG or JPEG to a draft; the file is kept under its SHA-256, outside the database."""
    name, kind, digest = checked_file(filename, data)
    with db.write() as s:
        notice, community = _notice_for_committee(s, actor, notice_id)
        if notice.state is not NoticeState.DRAFT:
            raise RuleViolation("file", str(_l("A published notice cannot be edited; publish a correction instead.")))
        _refuse_if_guarded(s, notice)
        count = s.execute(select(func.count()).select_from(Attachment).where(Attachment.notice_id == notice.id)).scalar_one()
        if count >= MAX_ATTACHMENTS:
            raise RuleViolation("file", str(_l("At most %(max)d files per notice.", max=MAX_ATTACHMENTS)))
        store_file(digest, data)
        attachment = Attachment(notice_id=notice.id, filename=name, content_type=kind, size=len(data), sha256=digest, uploaded_at=now)
        s.add(attachment)
        s.flush()
        record(
            s,
            actor,
            "notice.attach",
            "notice",
            notice.public_id,
            **scope(community),
            now=now,
            data={"file": name, "sha256": digest, "size": len(data)},
        )
    return attachment


def detach(actor: Actor, attachment_id: int, *, now: datetime) -> Notice:
    """Take a file off a draft; the stored bytes stay, other versions may show them."""
    with db.write() as s:
        found = s.get(Attachment, attachment_id)
        if found is None:
            raise NotFound(str(_l("No such file.")))
        notice, community = _notice_for_committee(s, actor, found.notice_id)
        if notice.state is not NoticeState.DRAFT:
            raise RuleViolation("file", str(_l("A published notice cannot be edited; publish a correction instead.")))
        _refuse_if_guarded(s, notice)
        data = {"file": found.filename, "sha256": found.sha256}
        s.delete(found)
        record(s, actor, "notice.detach", "notice", notice.public_id, **scope(community), now=now, data=data)
    return notice


def attachments_of(notice_id: int) -> list[Attachment]:
    return list(db.session.execute(select(Attachment).where(Attachment.notice_id == notice_id).order_by(Attachment.id)).scalars())


def published_statements(community_id: int) -> list[tuple[Statement, Notice]]:
    rows = db.session.execute(
        select(Statement, Notice)
        .join(Notice, Notice.id == Statement.notice_id)
        .where(Statement.community_id == community_id, Notice.state == NoticeState.PUBLISHED)
        .order_by(Statement.period_start.desc(), Statement.ledger)
    )
    return [(st, n) for st, n in rows]


def published_notice(community_id: int, public_id: str) -> Notice | None:
    """A notice of the community's board by its public id; None unless it is published there."""
    notice = db.session.execute(select(Notice).where(Notice.public_id == public_id)).scalar_one_or_none()
    if notice is None or notice.community_id != community_id or notice.state is not NoticeState.PUBLISHED:
        return None
    return notice
