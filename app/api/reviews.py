"""The street office's yearly review of each committee (考核): anyone reads a community's published cards; an office
token ranks its committees' cards for a year, saves the office's marks on a draft and publishes it (scope "office")."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import today_in_china
from ..communities.models import Community
from ..communities.queries import community_by_slug, office_by_code
from ..db import db, utcnow
from ..elections.models import Committee
from ..notices.services import public_id_of
from ..oversight.labels import GRADE_LABELS, PART_LABELS
from ..oversight.models import YearlyReview
from ..oversight.services import yearly
from ..security.permissions import can_certify, can_oversee, require
from . import work_schemas as W
from .operations import COMMITTEE_ERRORS, NOT_FOUND, api_actor, not_found, operation, path_id, stamp
from .problems import Problem
from .schemas import NOTHING
from .spec import FieldError


def review_json(view: yearly.ReviewView) -> dict[str, Any]:
    stored = view.review
    return {
        "id": stored.public_id if stored else None,
        "community": view.community.slug,
        "committee": view.committee.id,
        "term_start": view.committee.term_start.isoformat(),
        "term_end": view.committee.term_end.isoformat(),
        "year": view.year,
        "measured": {name: getattr(view.measured, name) for name in W.MEASURED_FIELDS},
        "parts": [
            {"code": p.code, "label": str(PART_LABELS[p.code]), "points": p.points, "score": yearly.points(p.score), "measured": p.measured}
            for p in view.card.parts
        ],
        "office_marks": stored.office_marks if stored else 0,
        "remarks": stored.remarks if stored else "",
        "commended": view.commended,
        "total": yearly.points(view.card.total),
        "grade": view.card.grade,
        "grade_label": str(GRADE_LABELS[view.card.grade]),
        "published_at": stamp(stored.published_at) if stored else None,
        "notice": _notice(stored),
    }


def _notice(stored: YearlyReview | None) -> str | None:
    return public_id_of(stored.notice_id) if stored else None


def _committee(committee_id: str) -> tuple[Committee, Community]:
    committee = db.session.get(Committee, path_id(committee_id, _("No such committee.")))
    community = db.session.get(Community, committee.community_id) if committee is not None else None
    if committee is None or community is None:
        raise not_found(_("No such committee."))
    return committee, community


def _year(year: str) -> int:
    return path_id(year, _("No such year."))


def _reviews(committee_id: str, year: str) -> None:
    _committee_of, community = _committee(committee_id)
    require(can_certify(api_actor(), community))
    _year(year)


def _view(committee_id: str, year: str) -> dict[str, Any]:
    committee, community = _committee(committee_id)
    return review_json(yearly.view(community, committee, _year(year), now=utcnow()))


@operation(
    "GET",
    "/communities/{slug}/reviews",
    summary="The street office's published yearly reviews of the community's committees, newest year first",
    tag="public",
    response=W.array(W.ref("YearlyReview")),
    errors=NOT_FOUND,
    description="Each card as published: its figures are frozen then and never move when later records arrive.",
)
def list_reviews(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    published = db.session.execute(
        select(YearlyReview)
        .where(YearlyReview.community_id == community.id, YearlyReview.published_at.is_not(None))
        .order_by(YearlyReview.year.desc(), YearlyReview.id.desc())
    ).scalars()
    out = []
    for stored in published:
        committee = db.session.get(Committee, stored.committee_id)
        assert committee is not None
        out.append(review_json(yearly.view(community, committee, stored.year, now=utcnow())))
    return out


@operation(
    "GET",
    "/offices/{office_code}/reviews",
    summary="The street office's committees ranked by their yearly review's total",
    tag="office",
    response=W.array(W.ref("RankedReview")),
    query={"year": {"type": "integer", "minimum": 2000, "maximum": 9999}},
    auth="office",
    errors=(400, 401, 403, 404),
    description="Every committee that sat in `year` (this year by default): published cards as published, drafts as the "
    "record stands today.",
)
def rank_reviews(office_code: str, year: int | None = None) -> list[dict[str, Any]]:
    office = office_by_code(office_code)
    if office is None:
        raise not_found(_("No such street office."))
    require(can_oversee(api_actor(), office.id))
    this_year = today_in_china(utcnow()).year
    chosen = year or this_year
    if chosen > this_year:
        detail = _("Choose a year up to this one.")
        raise Problem(400, _("Invalid request"), detail, kind="urn:gongzhi:problem:invalid", errors=[FieldError("year", detail)])
    return [{"place": place, "review": review_json(view)} for place, view in yearly.ranking(office.id, chosen, now=utcnow())]


@operation(
    "GET",
    "/committees/{committee_id}/reviews/{year}",
    summary="A committee's yearly review card for a year it sat, draft or published",
    tag="office",
    response=W.ref("YearlyReview"),
    auth="office",
    errors=(401, 403, 404),
    authorize=_reviews,
)
def get_review(committee_id: str, year: str) -> dict[str, Any]:
    committee, community = _committee(committee_id)
    if not 2000 <= _year(year) <= today_in_china(utcnow()).year or committee not in yearly.committees_of_year(community.id, int(year)):
        raise not_found(_("This committee did not sit in %(year)d.", year=int(year)))
    return _view(committee_id, year)


@operation(
    "POST",
    "/committees/{committee_id}/reviews/{year}",
    summary="Save the office's marks, remarks and commendation on a committee's draft yearly review",
    tag="office",
    body=W.REVIEW_MARKS,
    response=W.ref("YearlyReview"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Refusals name `year` (not a year up to this one, the committee did not sit in it, or the review is "
    "published), `marks`, `remarks` or `commended` (only an excellent committee).",
    authorize=_reviews,
)
def save_review(committee_id: str, year: str, body: dict[str, Any]) -> dict[str, Any]:
    committee, _community = _committee(committee_id)
    yearly.save_review(
        api_actor(),
        committee.id,
        _year(year),
        marks=body["marks"],
        remarks=body.get("remarks", ""),
        commended=body.get("commended", False),
        now=utcnow(),
    )
    return _view(committee_id, year)


@operation(
    "POST",
    "/committees/{committee_id}/reviews/{year}/publish",
    summary="Publish the yearly review: its figures are frozen and the card goes on the community's board",
    tag="office",
    body=NOTHING,
    response=W.ref("YearlyReview"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Refused naming `marks` before the office saved its marks, `year` once published.",
    authorize=_reviews,
)
def publish_review(committee_id: str, year: str, body: dict[str, Any]) -> dict[str, Any]:
    committee, _community = _committee(committee_id)
    yearly.publish_review(api_actor(), committee.id, _year(year), now=utcnow())
    return _view(committee_id, year)
