"""/api/v1: the public reads, an owner's ballot with their letter, and officials' actions with bearer tokens.

Each view is a thin adapter over the same services as the pages: it looks up,
calls the service, and shapes JSON. Authorisation stays in the services, with
the token's user; the token's scope only narrows what that user may do here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..accounts import tokens
from ..communities.models import Community, Person, StreetOffice
from ..communities.queries import CommunitySummary, community_by_slug, public_community_summaries
from ..db import db, utcnow
from ..domain.errors import RuleViolation
from ..domain.lifecycle import SessionState, state_at
from ..domain.numbers import format_area
from ..elections.services import committee_view
from ..extensions import csrf, limiter
from ..notices import services as notices
from ..notices.models import Notice, NoticeKind, NoticeState, Statement
from ..orders.models import OrderKind
from ..oversight import services as oversight
from ..security.actor import Actor
from ..security.permissions import can_oversee, require
from ..sessions import bulletin
from ..sessions import services as sessions
from ..sessions.models import AssemblySession, Item, Letter, SessionForm
from . import schemas as S
from .problems import MAX_BODY_BYTES, Problem, problem_response
from .spec import FieldError, Operation, Registry, flask_rule, validate

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookie is read here: a letter token or a bearer token in the header is the credential
registry = Registry(S.COMPONENTS)


@bp.errorhandler(Problem)
def _problem(err: Problem) -> Response:
    return problem_response(err.status, err.title, err.detail, kind=err.kind, errors=err.errors)


@bp.errorhandler(RuleViolation)
def _refused(err: RuleViolation) -> Response:
    # A rule of the domain refused the request: the service named the field.
    return problem_response(
        422, _("Not possible"), err.reason, kind="urn:gongzhi:problem:refused", errors=[FieldError(err.field.replace("-", "."), err.reason)]
    )


@bp.before_request
def _limit_body() -> None:
    request.max_content_length = MAX_BODY_BYTES


def _json(body: Any, status: int = 200) -> Response:
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")), status=status, mimetype="application/json"
    )


def _read_body(schema: dict[str, Any]) -> dict[str, Any]:
    if not request.mimetype or request.mimetype != "application/json":
        raise Problem(415, _("Send JSON"), _("The body must be JSON, sent as application/json."))
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, _("Malformed JSON"), _("The body is not valid JSON."), kind="urn:gongzhi:problem:malformed") from None
    errors = validate(schema, body, registry)
    if errors:
        raise Problem(422, _("Invalid request"), errors[0].detail, kind="urn:gongzhi:problem:invalid", errors=errors)
    return body


def _read_query(params: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, schema in params.items():
        raw = request.args.get(name)
        if raw is None:
            continue
        value: Any = raw
        if schema.get("type") == "integer":
            try:
                value = int(raw)
            except ValueError:
                errors.append(FieldError(name, _("%(field)s must be a whole number.", field=name)))
                continue
        errors += validate(schema, value, registry, name)
        out[name] = value
    if errors:
        raise Problem(400, _("Invalid request"), errors[0].detail, kind="urn:gongzhi:problem:invalid", errors=errors)
    return out


def _bearer(scope: str) -> Actor:
    header = request.headers.get("Authorization", "")
    kind, _sep, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise Problem(401, _("Sign in"), _("Send a bearer token made in your account settings: Authorization: Bearer gz_…"))
    found = tokens.authenticate(secret.strip(), now=utcnow())
    if found is None:
        raise Problem(401, _("Sign in"), _("The token is unknown or revoked."), kind="urn:gongzhi:problem:token")
    user, scopes = found
    if scope not in scopes:
        raise Problem(
            403, _("Not allowed"), _("The token does not have the %(scope)s scope.", scope=scope), kind="urn:gongzhi:problem:scope"
        )
    return tokens.actor_of_token(user, scopes)


def operation(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    response: dict[str, Any],
    status: int = 200,
    body: dict[str, Any] | None = None,
    query: dict[str, dict[str, Any]] | None = None,
    auth: str | None = None,
    errors: tuple[int, ...] = (),
    description: str = "",
    limit: Callable[[], str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Register a view and its OpenAPI operation together; the view gets checked input and returns JSON."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Response]:
        params = {name: {"type": "string", "minLength": 1, "maxLength": 100} for name in _path_names(path)}
        registry.add(
            Operation(
                method=method,
                path=path,
                operation_id=view.__name__,
                summary=summary,
                tag=tag,
                response=response,
                status=status,
                body=body,
                query=query or {},
                path_params=params,
                auth=auth,
                errors=errors,
                description=description or (view.__doc__ or "").strip(),
            )
        )

        @functools.wraps(view)
        def run(**kwargs: Any) -> Response:
            if auth not in (None, "letter"):
                g.api_actor = _bearer(auth)
            if query:
                kwargs.update(_read_query(query))
            if body is not None:
                kwargs["body"] = _read_body(body)
            return _json(view(**kwargs), status)

        view_func = limiter.limit(limit)(run) if limit else run
        bp.add_url_rule(flask_rule(path), endpoint=view.__name__, view_func=view_func, methods=[method])
        return view_func

    return wrap


def _letter_limit() -> str:
    return current_app.config["LETTER_RATE_LIMIT"]


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _stamp(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z") if when else None


def _parse_stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _not_found(what: str) -> Problem:
    return Problem(404, _("Not found"), what)


# Lookups ------------------------------------------------------------------------------------------


def _community(slug: str) -> Community:
    return community_by_slug(slug)


def _public_session(session_id: str) -> tuple[AssemblySession, SessionState]:
    return sessions.public_session(session_id, now=utcnow())


def _session_json(assembly: AssemblySession, state: SessionState | None = None) -> dict[str, Any]:
    return {
        "id": assembly.public_id,
        "title": assembly.title,
        "form": assembly.form.value,
        # The stored state moves at the clock's next sync; the list shows where the clock already is.
        "state": (state or state_at(assembly.state, assembly.opens_at, assembly.closes_at, utcnow())).value,
        "opens_at": _stamp(assembly.opens_at),
        "closes_at": _stamp(assembly.closes_at),
        "url": url_for("sessions.show_result", public_id=assembly.public_id, _external=True),
    }


def _item_json(item: Item) -> dict[str, Any]:
    slate = sessions.slate_of_item(item)
    return {
        "id": str(item.id),
        "position": item.position,
        "kind": "election" if slate is not None else "question",
        "matter": item.matter,
        "title": item.title,
        "body": item.body,
        "seats": slate.seats if slate else None,
        "candidates": [{"id": c.id, "name": c.name, "unit": c.unit, "statement": c.statement} for c in slate.candidates] if slate else [],
    }


def _notice_json(notice: Notice, community: Community) -> dict[str, Any]:
    published = notice.state is NoticeState.PUBLISHED
    return {
        "id": notice.public_id,
        "kind": notice.kind.value,
        "state": notice.state.value,
        "title": notice.title,
        "version": notice.version,
        "supersedes": notices.public_id_of(notice.supersedes_id),
        "published_at": _stamp(notice.published_at),
        "body": notice.body,
        "url": url_for("notices.show_notice", slug=community.slug, public_id=notice.public_id, _external=True) if published else None,
    }


# Public reads -------------------------------------------------------------------------------------

NOT_FOUND = (404,)


def _community_json(c: CommunitySummary) -> dict[str, Any]:
    url = url_for("notices.board", slug=c.slug, _external=True)
    return {"slug": c.slug, "name": c.name, "address": c.address, "street_office": c.street_office, "units": c.units, "url": url}


@operation("GET", "/communities", summary="Every community on this server", tag="public", response=S.array(S.ref("Community")))
def list_communities() -> list[dict[str, Any]]:
    return [_community_json(c) for c in public_community_summaries()]


@operation("GET", "/communities/{slug}", summary="One community", tag="public", response=S.ref("Community"), errors=NOT_FOUND)
def get_community(slug: str) -> dict[str, Any]:
    found = next((c for c in public_community_summaries() if c.slug == slug), None)
    if found is None:
        raise _not_found(_("No such community."))
    return _community_json(found)


@operation(
    "GET",
    "/communities/{slug}/notices",
    summary="The community's published notices, newest first",
    tag="public",
    response=S.array(S.ref("Notice")),
    query={"kind": {"type": "string", "enum": S.NOTICE_KINDS}, "year": {"type": "integer", "minimum": 1900, "maximum": 9999}},
    errors=(400, 404),
)
def list_notices(slug: str, kind: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    community = _community(slug)
    found = notices.board(community.id, kind=NoticeKind(kind) if kind else None, year=year)
    return [_notice_json(n, community) for n in found]


@operation(
    "GET",
    "/communities/{slug}/notices/{notice_id}",
    summary="One published notice",
    tag="public",
    response=S.ref("Notice"),
    errors=NOT_FOUND,
)
def get_notice(slug: str, notice_id: str) -> dict[str, Any]:
    community = _community(slug)
    notice = db.session.execute(select(Notice).where(Notice.public_id == notice_id)).scalar_one_or_none()
    if notice is None or notice.community_id != community.id or notice.state is not NoticeState.PUBLISHED:
        raise _not_found(_("No such notice."))
    return _notice_json(notice, community)


@operation(
    "GET",
    "/communities/{slug}/sessions",
    summary="The community's announced sessions, newest first",
    tag="public",
    response=S.array(S.ref("SessionSummary")),
    errors=NOT_FOUND,
)
def list_sessions(slug: str) -> list[dict[str, Any]]:
    community = _community(slug)
    found = db.session.execute(
        select(AssemblySession)
        .where(AssemblySession.community_id == community.id, AssemblySession.state != SessionState.DRAFT)
        .order_by(AssemblySession.opens_at.desc(), AssemblySession.id.desc())
    ).scalars()
    return [_session_json(a) for a in found]


@operation(
    "GET",
    "/sessions/{session_id}",
    summary="A session: its items, live turnout while open, the result once tallied",
    tag="public",
    response=S.ref("Session"),
    errors=NOT_FOUND,
)
def get_session(session_id: str) -> dict[str, Any]:
    assembly, state = _public_session(session_id)
    community = db.session.get(Community, assembly.community_id)
    assert community is not None
    turnout = None
    if state is SessionState.OPEN:
        live = sessions.turnout(assembly)
        turnout = {
            "area": format_area(live.participating.area),
            "headcount": live.participating.heads,
            "area_percent": live.area_percent,
            "headcount_percent": live.heads_percent,
        }
    roll = None
    if assembly.roll_sha256:
        roll = {"sha256": assembly.roll_sha256, "area": format_area(assembly.roll_area_centi or 0), "headcount": assembly.roll_heads or 0}
    return {
        "session": _session_json(assembly, state),
        "community": community.slug,
        "items": [_item_json(i) for i in assembly.items],
        "roll": roll,
        "turnout": turnout,
        "result": assembly.result,
    }


@operation(
    "GET",
    "/sessions/{session_id}/bulletin",
    summary="The session's public bulletin board",
    tag="public",
    response=S.ref("Bulletin"),
    errors=NOT_FOUND,
)
def get_bulletin(session_id: str) -> dict[str, Any]:
    assembly, _state = _public_session(session_id)
    s = db.session()
    head = bulletin.head_of(s, assembly.id)
    return json.loads(bulletin.published_json(s, assembly, sealed=bool(head and head.sealed_at)))


@operation(
    "GET",
    "/keys",
    summary="The public keys receipts and certifications are signed with",
    tag="public",
    response=S.obj(keys=S.array(S.ref("Key"))),
)
def list_keys() -> dict[str, Any]:
    from ..security.keys import cached_keyring

    try:
        ring = cached_keyring(current_app.instance_path)
    except FileNotFoundError:
        return {"keys": []}
    return {"keys": [k.as_json() for k in ring.published]}


@operation(
    "GET",
    "/communities/{slug}/committee",
    summary="The community's current committee",
    tag="public",
    response=S.nullable(S.ref("Committee")),
    errors=NOT_FOUND,
)
def get_committee(slug: str) -> dict[str, Any] | None:
    view = committee_view(_community(slug), now=utcnow())
    if view is None:
        return None
    committee = view.committee

    def member(m: Any, p: Person) -> dict[str, Any]:
        return {"name": p.name, "role": m.role.value, "suspended": m.suspended_at is not None}

    return {
        "kind": committee.kind.value,
        "seats": committee.seats,
        "seated_at": _stamp(committee.seated_at),
        "term_end": committee.term_end.isoformat(),
        "members": [member(m, p) for m, p in view.members],
        "alternates": [member(m, p) for m, p in view.alternates],
        "party_members": view.party_members,
        "party_target_met": view.party_target_met,
    }


@operation(
    "GET",
    "/communities/{slug}/statements",
    summary="The community's published account statements",
    tag="public",
    response=S.array(S.ref("Statement")),
    errors=NOT_FOUND,
)
def list_statements(slug: str) -> list[dict[str, Any]]:
    community = _community(slug)
    rows = db.session.execute(
        select(Statement, Notice.public_id)
        .join(Notice, Notice.id == Statement.notice_id)
        .where(Statement.community_id == community.id, Notice.state == NoticeState.PUBLISHED)
        .order_by(Statement.period_start.desc(), Statement.ledger)
    ).all()
    return [
        {
            "id": st.public_id,
            "ledger": st.ledger.value,
            "period_kind": st.period_kind,
            "period_start": st.period_start.isoformat(),
            "period_end": st.period_end.isoformat(),
            "closing_fen": st.closing_fen,
            "figures": st.figures,
            "notice": notice_id,
        }
        for st, notice_id in rows
    ]


# An owner's ballot, with the letter's token and the holder's ID digits ---------------------------------


def _opened_letter(token: str, digits: str) -> Letter:
    """The letter, after the holder's digits: wrong digits count toward the lock exactly as on the page."""
    status, letter = sessions.confirm_letter(token, digits, ip=request.remote_addr or "-", now=utcnow())
    if status is sessions.LetterStatus.OK and letter is not None:
        return letter
    if status is sessions.LetterStatus.INVALID:
        raise _not_found(_("This voting letter is not valid."))
    if status is sessions.LetterStatus.LOCKED:
        raise Problem(403, _("Letter locked"), _("This letter is locked after too many wrong tries. Please ask your committee."))
    if status is sessions.LetterStatus.NO_DIGITS:
        raise Problem(403, _("Not possible"), _("No ID digits are on record for this letter. Please ask your committee."))
    left = sessions.MAX_LETTER_ATTEMPTS - (letter.failed_attempts if letter else 0)
    detail = _("The characters do not match our records. %(left)d tries left before the letter is locked.", left=left)
    raise Problem(403, _("Not allowed"), detail, kind="urn:gongzhi:problem:digits", errors=[FieldError("digits", detail)])


def _letter_json(letter: Letter) -> dict[str, Any]:
    state = sessions.sync_state(letter.session_id, now=utcnow())
    assembly = db.session.get(AssemblySession, letter.session_id)
    holder = db.session.get(Person, letter.person_id)
    assert assembly is not None and holder is not None
    entry = db.session.get(sessions.RollEntry, letter.roll_entry_id)
    return {
        "session": _session_json(assembly, state),
        "holder": holder.name,
        "units": list(entry.units) if entry else [],
        "proxy": letter.proxy_id is not None,
        "voting_open": state is SessionState.OPEN,
        "revote_allowed": sessions.revote_allowed(assembly),
        "items": [_item_json(i) for i in assembly.items],
        "receipt": sessions.receipt_of_letter(letter),
    }


@operation(
    "POST",
    "/letters/{token}",
    summary="Open a voting letter",
    tag="owners",
    body=S.OPEN_LETTER,
    response=S.ref("Letter"),
    auth="letter",
    limit=_letter_limit,
    errors=(400, 403, 404, 413, 415, 422, 429),
    description="The holder confirms with the last four characters of their ID number, as on the page; "
    "five wrong tries lock the letter. Returns the ballot's items and the receipt of the ballot that counts, if any.",
)
def open_letter(token: str, body: dict[str, Any]) -> dict[str, Any]:
    return _letter_json(_opened_letter(token, body["digits"]))


@operation(
    "POST",
    "/letters/{token}/ballot",
    summary="Cast the ballot of a voting letter",
    tag="owners",
    body=S.CAST,
    response=S.ref("Receipt"),
    status=201,
    auth="letter",
    limit=_letter_limit,
    errors=(400, 403, 404, 413, 415, 422, 429),
    description="Items left out abstain. Answers with the signed receipt, the same JSON the receipt page offers to download.",
)
def cast_ballot(token: str, body: dict[str, Any]) -> dict[str, Any]:
    letter = _opened_letter(token, body["digits"])
    ballot = sessions.cast_ballot(token, body.get("choices", {}), ip=request.remote_addr or "-", now=utcnow(), letter=letter)
    receipt = bulletin.receipt_of(db.session(), ballot.id)
    assert receipt is not None
    return receipt


# The committee's actions (scope "committee") ----------------------------------------------------------

COMMITTEE_ERRORS = (400, 401, 403, 404, 413, 415, 422)


def _actor() -> Actor:
    actor: Actor = g.api_actor
    return actor


@operation(
    "POST",
    "/communities/{slug}/sessions",
    summary="Draft a session",
    tag="committee",
    body=S.NEW_SESSION,
    response=S.ref("SessionSummary"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="A draft the committee completes and announces on its pages.",
)
def create_session(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = _actor()
    assembly = sessions.create_session(
        actor,
        community_id=_community(slug).id,
        title=body["title"],
        form=SessionForm(body["form"]),
        opens_at=_parse_stamp(body["opens_at"]),
        closes_at=_parse_stamp(body["closes_at"]),
    )
    return _session_json(assembly)


@operation(
    "POST",
    "/sessions/{session_id}/items",
    summary="Add a question to a draft session",
    tag="committee",
    body=S.NEW_ITEM,
    response=S.ref("Item"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
)
def add_item(session_id: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = _actor()
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == session_id)).scalar_one_or_none()
    if assembly is None:
        raise _not_found(_("No such session."))
    item = sessions.add_item(actor, assembly.id, matter=body["matter"], title=body["title"], body=body.get("body", ""))
    return _item_json(item)


@operation(
    "POST",
    "/communities/{slug}/notices",
    summary="Draft a notice",
    tag="committee",
    body=S.NEW_NOTICE,
    response=S.ref("Notice"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="A draft; publishing (and a decision's second confirmation) stays on the committee's pages.",
)
def create_notice(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = _actor()
    community = _community(slug)
    notice = notices.draft_notice(
        actor, community_id=community.id, kind=NoticeKind(body["kind"]), title=body["title"], body=body["body"], now=utcnow()
    )
    return _notice_json(notice, community)


# The street office's (scope "office") ----------------------------------------------------------------


def _office(office_code: str) -> StreetOffice:
    office = db.session.execute(select(StreetOffice).where(StreetOffice.code == office_code)).scalar_one_or_none()
    if office is None:
        raise _not_found(_("No such street office."))
    return office


@operation(
    "GET",
    "/offices/{office_code}/communities",
    summary="The street office's dashboard: every community it supervises and what needs attention",
    tag="office",
    response=S.array(S.ref("DashboardRow")),
    auth="office",
    errors=(401, 403, 404),
)
def office_dashboard(office_code: str) -> list[dict[str, Any]]:
    office = _office(office_code)
    require(can_oversee(_actor(), office.id))
    return [
        {
            "community": row.community.slug,
            "name": row.community.name,
            "flags": row.flags,
            "awaiting_certification": row.awaiting,
            "publications_overdue": row.overdue,
            "orders_overdue": row.orders_overdue,
            "elections_under_way": row.elections,
            "committee": None if row.committee is None else row.committee.committee.kind.value,
        }
        for row in oversight.dashboard(office.id, now=utcnow())
    ]


@operation(
    "POST",
    "/communities/{slug}/orders",
    summary="Order a committee to rectify or to convene a session",
    tag="office",
    body=S.NEW_ORDER,
    response=S.ref("Order"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Published on the community's board at once, with its deadline. Revocations, suspensions and "
    "re-election orders name items or members and stay on the office's pages.",
)
def create_order(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = _actor()
    community = _community(slug)
    order = oversight.issue_order(
        actor,
        community_id=community.id,
        kind=OrderKind(body["kind"]),
        subject=body["subject"],
        body=body["body"],
        due_on=date.fromisoformat(body["due_on"]),
        now=utcnow(),
    )
    return {
        "id": order.public_id,
        "community": community.slug,
        "kind": order.kind.value,
        "status": order.status.value,
        "subject": order.subject,
        "due_on": order.due_on.isoformat(),
        "notice": notices.public_id_of(order.notice_id),
    }


# The document itself ---------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_document() -> Response:
    from .document import build

    response = _json(build(registry, server=request.host_url.rstrip("/") + bp.url_prefix))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
