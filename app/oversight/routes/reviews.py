"""The street office's yearly review pages: the ranking of its committees and each committee's scorecard."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...clock import today_in_china
from ...communities.models import Community, StreetOffice
from ...communities.queries import area_of_office
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.review import OFFICE_POINTS
from ...elections.models import Committee
from ...security.permissions import can_certify, can_oversee, require
from ...security.web import current_actor
from ..forms import ReviewForm
from ..labels import GRADE_LABELS, PART_LABELS
from ..services import yearly
from .common import bp


def _year() -> int:
    this_year = today_in_china(utcnow()).year
    try:
        year = int(request.args.get("year", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year else this_year


@bp.get("/<int:office_id>/reviews")
@login_required
def yearly_reviews(office_id: int) -> str:
    office = db.session.get(StreetOffice, office_id)
    if office is None:
        raise NotFound(_("No such street office."))
    area = area_of_office(office)
    require(can_oversee(current_actor(), office.id, district_id=area.district_id, city_id=area.city_id))
    year = _year()
    return render_template(
        "oversight/reviews.html",
        office=office,
        year=year,
        years=range(today_in_china(utcnow()).year, 2019, -1),
        ranked=yearly.ranking(office.id, year, now=utcnow()),
        grade_labels=GRADE_LABELS,
        points=yearly.points,
        reads_only=not can_oversee(current_actor(), office.id),
    )


def _reviewable(year: int) -> None:
    if not 2000 <= year <= today_in_china(utcnow()).year:
        raise NotFound(_("There is no review of that year."))


def _committee(committee_id: int) -> tuple[Committee, Community]:
    committee = db.session.get(Committee, committee_id)
    community = db.session.get(Community, committee.community_id) if committee is not None else None
    if committee is None or community is None:
        raise NotFound(_("No such committee."))
    require(can_certify(current_actor(), community))
    return committee, community


@bp.route("/committees/<int:committee_id>/review/<int:year>", methods=["GET", "POST"])
@login_required
def yearly_review(committee_id: int, year: int) -> str | Response:
    committee, community = _committee(committee_id)
    _reviewable(year)
    if committee not in yearly.committees_of_year(community.id, year):
        raise NotFound(_("This committee did not sit in %(year)d.", year=year))
    current = yearly.view(community, committee, year, now=utcnow())
    form = ReviewForm(obj=None)
    if request.method == "GET" and current.review is not None:
        form.marks.data, form.remarks.data, form.commended.data = (
            current.review.office_marks,
            current.review.remarks,
            current.review.commended,
        )
    if form.validate_on_submit():
        try:
            yearly.save_review(
                current_actor(),
                committee.id,
                year,
                marks=form.marks.data or 0,
                remarks=form.remarks.data or "",
                commended=bool(form.commended.data),
                now=utcnow(),
            )
        except RuleViolation as e:
            getattr(form, e.field, form.marks).errors.append(e.reason)
        else:
            flash(_("The review is saved. Publish it when it is final."), "success")
            return redirect(url_for("oversight.yearly_review", committee_id=committee.id, year=year))
    return render_template(
        "oversight/review_card.html",
        community=community,
        committee=committee,
        view=current,
        form=form,
        part_labels=PART_LABELS,
        grade_labels=GRADE_LABELS,
        office_points=OFFICE_POINTS,
        points=yearly.points,
        this_year=today_in_china(utcnow()).year,
    )


@bp.post("/committees/<int:committee_id>/review/<int:year>/publish")
@login_required
def publish_yearly_review(committee_id: int, year: int) -> Response:
    committee, _community = _committee(committee_id)
    _reviewable(year)
    try:
        yearly.publish_review(current_actor(), committee.id, year, now=utcnow())
    except RuleViolation as e:
        flash(e.reason, "error")
    else:
        flash(_("The review is published on the community's board."), "success")
    return redirect(url_for("oversight.yearly_review", committee_id=committee.id, year=year))
