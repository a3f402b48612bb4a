"""The API's frame: the blueprint, the operation decorator that registers a view with its OpenAPI operation,
the readers that check a body or a query against its schema, the bearer token, and the problem handlers."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..accounts import tokens
from ..db import utcnow
from ..domain.errors import RuleViolation
from ..extensions import csrf, limiter
from ..security.actor import Actor
from . import schemas as S
from .problems import MAX_BODY_BYTES, Problem, problem_response
from .spec import FieldError, Operation, Registry, flask_rule, validate

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookie is read here: a letter token or a bearer token in the header is the credential
registry = Registry(S.COMPONENTS)

NOT_FOUND = (404,)
COMMITTEE_ERRORS = (400, 401, 403, 404, 413, 415, 422)


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


@dataclass(frozen=True)
class Created:
    """What a creating operation returns: the new thing's JSON and the address where it is read back."""

    body: dict[str, Any]
    location: str


def json_response(body: Any, status: int = 200) -> Response:
    if isinstance(body, Created):
        response = json_response(body.body, status)
        response.headers["Location"] = body.location
        return response
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")), status=status, mimetype="application/json"
    )


def read_body(schema: dict[str, Any]) -> dict[str, Any]:
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


# Every page takes the language from ?lang= (app.i18n); the API answers in it too.
GLOBAL_QUERY = frozenset({"lang"})


def read_query(params: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name in request.args:
        if name not in params and name not in GLOBAL_QUERY:
            errors.append(FieldError(name or "?", _("%(field)s is not a parameter of this list.", field=name or "?")))
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


def bearer(scope: str) -> Actor:
    """The actor of the request's token, which must carry ``scope`` (or one of several, space-separated)."""
    header = request.headers.get("Authorization", "")
    kind, _sep, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise Problem(401, _("Sign in"), _("Send a bearer token made in your account settings: Authorization: Bearer gz_…"))
    found = tokens.authenticate(secret.strip(), now=utcnow())
    if found is None:
        raise Problem(401, _("Sign in"), _("The token is unknown or revoked."), kind="urn:gongzhi:problem:token")
    user, scopes = found
    if not set(scope.split()) & scopes:
        raise Problem(
            403,
            _("Not allowed"),
            _("The token does not have the %(scope)s scope.", scope=" / ".join(scope.split())),
            kind="urn:gongzhi:problem:scope",
        )
    return tokens.actor_of_token(user, scopes)


def optional_bearer(scope: str) -> Actor | None:
    """The token's actor on a public read that a token may also make; None without a token or without the scope."""
    if not request.headers.get("Authorization"):
        return None
    header = request.headers["Authorization"]
    kind, _sep, secret = header.partition(" ")
    found = tokens.authenticate(secret.strip(), now=utcnow()) if kind.lower() == "bearer" and secret.strip() else None
    if found is None:
        raise Problem(401, _("Sign in"), _("The token is unknown or revoked."), kind="urn:gongzhi:problem:token")
    user, scopes = found
    return tokens.actor_of_token(user, scopes) if scope in scopes else None


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
    authorize: Callable[..., None] | None = None,
    optional_auth: str | None = None,
    location: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Register a view and its OpenAPI operation together; the view gets checked input and returns JSON.

    ``authorize`` is called with the path parameters once the token is known and before the body is
    read: a token without rights on the thing is refused whatever it sent.
    """

    def wrap(view: Callable[..., Any]) -> Callable[..., Response]:
        params = {name: {"type": "string", "minLength": 1, "maxLength": 100} for name in path_names(path)}
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
                optional_auth=optional_auth,
                location=location,
            )
        )

        @functools.wraps(view)
        def run(**kwargs: Any) -> Response:
            if auth not in (None, "letter"):
                g.api_actor = bearer(auth)
            if authorize is not None:
                authorize(**kwargs)
            if query:
                kwargs.update(read_query(query))
            if body is not None:
                kwargs["body"] = read_body(body)
            return json_response(view(**kwargs), status)

        view_func = limiter.limit(limit)(run) if limit else run
        bp.add_url_rule(flask_rule(path), endpoint=view.__name__, view_func=view_func, methods=[method])
        return view_func

    return wrap


def letter_limit() -> str:
    return current_app.config["LETTER_RATE_LIMIT"]


def path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def stamp(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z") if when else None


def parse_stamp(value: str, field: str) -> datetime:
    """A body's date-time (the schema has checked its form) in UTC; one that UTC cannot hold is the field's error."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00:00+01:00 is a valid stamp before the first UTC instant
        detail = _("%(field)s is outside the dates this service keeps.", field=field)
        raise Problem(422, _("Invalid request"), detail, kind="urn:gongzhi:problem:invalid", errors=[FieldError(field, detail)]) from None


def parse_day(value: str, field: str) -> date:
    """A body's date (the schema has checked its form); one the calendar cannot hold is the field's error."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(field, _("%(field)s is outside the dates this service keeps.", field=field)) from None


def path_id(value: str, what: str) -> int:
    """A numeric id in the path; anything else is not found, as an unknown one is."""
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise not_found(what)
    return int(value)


@contextmanager
def fields(**renamed: str) -> Iterator[None]:
    """A service's refusal, naming the body's field where the service's name for it differs."""
    try:
        yield
    except RuleViolation as exc:
        if exc.field in renamed:
            raise RuleViolation(renamed[exc.field], exc.reason) from None
        raise


def not_found(what: str) -> Problem:
    return Problem(404, _("Not found"), what)


def api_actor() -> Actor:
    """The actor of the bearer token ``operation`` checked for this request."""
    actor: Actor = g.api_actor
    return actor
