"""Owners' complaints and repair requests: filed and followed by the owner with their letter (``/v/<token>/requests``) or
on the board with the register's identity check (``/c/<slug>/property/requests``, where the public sees counts and
times, never a name or a unit). The company's, the committee's and the office's side is ``request_work``.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask import session as browser
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...communities.models import Community
from ...communities.queries import community_by_slug
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...extensions import limiter
from ...voting import services as voting
from ...voting.routes import CONFIRMED
from ..forms.requests import (
    BoardLookupForm,
    BoardRatingForm,
    BoardRequestForm,
    RatingForm,
    RequestForm,
)
from ..services import request_filing as filing
from ..services import request_ledger as reading
from ..services.common import contract_in_force, deadlines
from . import bp
from .request_common import field_error, kind_choices, letter_limit, photo_response, private, today, uploads

# ---------------------------------------------------------------- the owner with their letter


def _letter(token: str) -> filing.LetterHolder:
    """The letter opened in this browser, and its holder's units on today's register."""
    letter = voting.find_letter(token)
    if letter is None or letter.locked_at is not None or letter.id not in browser.get(CONFIRMED, []):
        raise NotFound(_("Open your voting letter again."))
    try:
        return filing.letter_holder(db.session(), token)
    except RuleViolation as exc:
        raise NotFound(exc.reason) from None


@bp.route("/v/<token>/requests/new", methods=["GET", "POST"])
@limiter.limit(letter_limit, methods=["POST"])
def new_letter_request(token: str) -> Response:
    """The owner files a complaint or a repair request for one of their letter's units."""
    holder = _letter(token)
    community = holder.community
    form = RequestForm()
    kind_choices(form, community)
    form.unit.choices = [SelectChoice(label, label) for label in holder.units]
    served = contract_in_force(db.session(), community.id, today()) is not None
    if served and form.validate_on_submit():
        try:
            filed = filing.file_by_letter(
                token,
                unit=form.unit.data or None,
                category=form.category.data or "",
                kind=form.kind.data or "",
                text=form.text.data or "",
                contact_phone=form.contact_phone.data or "",
                photos=uploads(),
                ip=request.remote_addr or "-",
                now=utcnow(),
            )
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            _filed_message(filed)
            return redirect(url_for(".letter_requests", token=token))
    page = render_template(
        "property/requests/letter_new.html", community=community, form=form, token=token, units=list(holder.units), served=served
    )
    return private(page)


def _filed_message(filed: object) -> None:
    number = getattr(filed, "public_id", "")
    flash(
        _("Your request %(number)s is filed. Keep the number: the company's steps and deadlines are on its page.", number=number), "success"
    )


@bp.get("/v/<token>/requests")
def letter_requests(token: str) -> Response:
    """The requests of the letter's units, with their states, deadlines and photos, and the rating of a resolved one."""
    holder = _letter(token)
    _holder, found = filing.requests_of_letter(token)
    page = render_template(
        "property/requests/letter_list.html",
        community=holder.community,
        token=token,
        requests=reading.views(found, utcnow()),
        rating_form=RatingForm(),
        now=utcnow(),
    )
    return private(page)


@bp.post("/v/<token>/requests/<public_id>/rate")
@limiter.limit(letter_limit)
def rate_with_letter(token: str, public_id: str) -> Response:
    _letter(token)
    form = RatingForm()
    if not form.validate_on_submit():
        flash(_("Choose a rating from 1 to 5."), "error")
        return redirect(url_for(".letter_requests", token=token) + f"#request-{public_id}")
    try:
        filing.rate_by_letter(token, public_id, rating=form.rating.data, comment=form.comment.data or "", now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("Thank you: your rating is recorded."), "success")
    return redirect(url_for(".letter_requests", token=token) + f"#request-{public_id}")


@bp.get("/v/<token>/requests/<public_id>/photos/<int:photo_id>")
def letter_photo(token: str, public_id: str, photo_id: int) -> Response:
    _letter(token)
    found = filing.request_of_letter(token, public_id)
    return photo_response(*reading.photo_of(found, photo_id))


# ---------------------------------------------------------------- the board


@bp.get("/c/<slug>/property/requests")
def board_requests(slug: str) -> str:
    """Counts by kind and state, each step's share on time and median time: never a name or a unit."""
    community = community_by_slug(slug)
    now = utcnow()
    served = contract_in_force(db.session(), community.id, today()) is not None
    return render_template(
        "property/requests/board.html",
        community=community,
        figures=reading.public_figures(community, now),
        clock=steps_clock(community, now),
        served=served,
    )


def steps_clock(community: Community, now: datetime) -> list[tuple[str, datetime]]:
    """Each step's deadline for a request filed now: the clock as owners read it."""
    return [(step.value, due) for step, due in deadlines(community, now).items()]


@bp.route("/c/<slug>/property/requests/new", methods=["GET", "POST"])
@limiter.limit(letter_limit, methods=["POST"])
def new_board_request(slug: str) -> Response | str:
    """An owner without their letter files on the board with the register's identity check."""
    community = community_by_slug(slug)
    form = BoardRequestForm()
    kind_choices(form, community)
    served = contract_in_force(db.session(), community.id, today()) is not None
    if served and form.validate_on_submit():
        try:
            filed = filing.file_by_identity(
                community.id,
                unit=form.unit.data or "",
                name=form.name.data or "",
                id_last4=form.id_last4.data or "",
                category=form.category.data or "",
                kind=form.kind.data or "",
                text=form.text.data or "",
                contact_phone=form.contact_phone.data or "",
                photos=uploads(),
                ip=request.remote_addr or "-",
                now=utcnow(),
            )
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            _filed_message(filed)
            _prove(filed.public_id)
            return redirect(url_for(".board_request", slug=community.slug, public_id=filed.public_id))
    return render_template("property/requests/board_new.html", community=community, form=form, served=served)


@bp.get("/c/<slug>/property/requests/find")
def find_board_request(slug: str) -> Response:
    """The board's "find my request" form: its number (as the receipt's text message gives it) to its page."""
    community = community_by_slug(slug)
    number = "".join((request.args.get("number") or "").split()).upper()
    if not number:
        flash(_("Give your request's number, such as 20270112-ABC234."), "error")
        return redirect(url_for(".board_requests", slug=community.slug))
    return redirect(url_for(".board_request", slug=community.slug, public_id=number))


# The requests this browser proved on the board this browser session (filed, or shown with the register's check), so
# the owner is not asked who they are again on their way from filing or showing to the page and the rating.
PROVED = "property_requests_proved"
MAX_PROVED = 10


def _prove(public_id: str) -> None:
    proved = [p for p in browser.get(PROVED, []) if p != public_id]
    browser[PROVED] = [*proved, public_id][-MAX_PROVED:]


def _proved(public_id: str) -> bool:
    return public_id in browser.get(PROVED, [])


@bp.route("/c/<slug>/property/requests/<public_id>", methods=["GET", "POST"])
@limiter.limit(letter_limit, methods=["POST"])
def board_request(slug: str, public_id: str) -> Response:
    """The owner's view of one request after the register's identity check of its unit, and its rating."""
    community = community_by_slug(slug)
    form = BoardLookupForm()
    if form.validate_on_submit():
        try:
            filing.request_by_identity(
                community.id,
                public_id,
                unit=form.unit.data or "",
                name=form.name.data or "",
                id_last4=form.id_last4.data or "",
                ip=request.remote_addr or "-",
                now=utcnow(),
            )
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            _prove(public_id)
            return private(redirect(url_for(".board_request", slug=community.slug, public_id=public_id)))
    # A failed check shows its refusal under the form, even to a browser that proved the request before.
    found = filing.proved_request(community.id, public_id) if request.method == "GET" and _proved(public_id) else None
    page = render_template(
        "property/requests/board_show.html",
        community=community,
        public_id=public_id,
        form=form,
        shown=reading.views([found], utcnow())[0] if found else None,
        rating_form=BoardRatingForm(formdata=None),
        now=utcnow(),
    )
    return private(page)


@bp.post("/c/<slug>/property/requests/<public_id>/rate")
@limiter.limit(letter_limit)
def rate_on_board(slug: str, public_id: str) -> Response:
    community = community_by_slug(slug)
    form = BoardRatingForm()
    back = redirect(url_for(".board_request", slug=community.slug, public_id=public_id))
    if not _proved(public_id):
        flash(_("Show your request with the register's check of who you are, then rate it."), "error")
        return back
    if not form.validate_on_submit():
        flash(_("Choose a rating from 1 to 5."), "error")
        return back
    try:
        filing.rate_proved(community.id, public_id, rating=form.rating.data, comment=form.comment.data or "", now=utcnow())
    except (RuleViolation, NotFound) as exc:
        flash(exc.reason if isinstance(exc, RuleViolation) else str(exc), "error")
    else:
        flash(_("Thank you: your rating is recorded."), "success")
    return back
