"""The street office's yearly review of each committee (考核): the scorecard measured from the record, its marks, the ranking.

The measured part is read live until the office publishes the review; publishing
freezes the figures on the review and puts the card on the community's board, so a
published card never moves when later records arrive.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...committees.services import year_figures
from ...communities.models import Community
from ...consultations.services import held_in
from ...db import db
from ...domain import review as rules
from ...domain.errors import NotFound, RuleViolation
from ...domain.rules import get_profile
from ...elections.models import Committee
from ...elections.services import findings_in
from ...notices.markup import escape_markdown
from ...notices.models import NoticeKind
from ...notices.services import publish_system_notice
from ...orders.models import Order, OrderStatus
from ...security.actor import Actor
from ...security.permissions import can_certify, require
from ..labels import GRADE_LABELS, PART_LABELS
from ..models import YearlyReview
from .obligations import obligations


@dataclass(frozen=True)
class ReviewView:
    """A committee's card for a year: frozen when published, else as the record stands today."""

    community: Community
    committee: Committee
    year: int
    measured: rules.Measured
    card: rules.Scorecard
    review: YearlyReview | None

    @property
    def published(self) -> bool:
        return self.review is not None and self.review.published_at is not None

    @property
    def commended(self) -> bool:
        return self.review is not None and self.review.commended


def _first_year_day(year: int) -> date:
    return date(year, 1, 1)


def measure(community: Community, committee: Committee, year: int, *, now: datetime) -> rules.Measured:
    """What the record shows for ``committee`` over ``year`` (up to today for the current year)."""
    today = today_in_china(now)
    ended = today_in_china(committee.ended_at) if committee.ended_at is not None else None
    sat, days = rules.days_sat(year, committee.term_start, ended, today)
    start = max(_first_year_day(year), committee.term_start)
    end = min(date(year, 12, 31), today, ended or today)
    conduct = year_figures(committee.id, start, end)
    # What fell due in the period counts once it is met or its day has passed.
    owed = [o for o in obligations(community, now=now) if start <= o.due <= end]
    decisions = [o for o in owed if o.kind in ("decision", "committee_decision") and (o.met or o.due < today)]
    statements = [o for o in owed if o.kind == "statement" and (o.met or o.due < today)]
    orders = db.session.execute(
        select(Order).where(
            Order.community_id == community.id,
            Order.due_on >= start,
            Order.due_on <= end,
            Order.status != OrderStatus.WITHDRAWN,
        )
    ).scalars()
    due_orders = [o for o in orders if o.status is OrderStatus.COMPLIED or o.due_on < today]
    per_year = get_profile(community.rule_profile).settings.meetings_per_year
    return rules.Measured(
        meetings_held=conduct.meetings_held,
        meetings_expected=rules.expected_meetings(per_year, sat, days) if days else 0,
        decisions_due=len(decisions),
        decisions_on_time=sum(1 for o in decisions if o.met_on_time),
        statements_due=len(statements),
        statements_on_time=sum(1 for o in statements if o.met_on_time),
        orders_issued=len(due_orders),
        orders_complied=sum(1 for o in due_orders if o.status is OrderStatus.COMPLIED),
        consultations_held=held_in(community.id, start, end, purpose="general"),
        consultations_expected=rules.expected_consultations(sat, days) if days else 0,
        findings=findings_in(committee.id, start, end),
    )


def _stored(committee_id: int, year: int) -> YearlyReview | None:
    return db.session.execute(select(YearlyReview).where(YearlyReview.committee_id == committee_id, YearlyReview.year == year)).scalar()


def view(community: Community, committee: Committee, year: int, *, now: datetime) -> ReviewView:
    stored = _stored(committee.id, year)
    if stored is not None and stored.measured is not None:
        measured = rules.Measured(**stored.measured)
    else:
        measured = measure(community, committee, year, now=now)
    card = rules.score(measured, stored.office_marks if stored is not None else 0)
    return ReviewView(community, committee, year, measured, card, stored)


def committees_of_year(community_id: int, year: int) -> list[Committee]:
    """The committees that sat in ``year``, latest first."""
    rows = db.session.execute(
        select(Committee)
        .where(Committee.community_id == community_id, Committee.term_start <= date(year, 12, 31))
        .order_by(Committee.seated_at.desc())
    ).scalars()
    return [c for c in rows if c.ended_at is None or today_in_china(c.ended_at) >= _first_year_day(year)]


def _check_year(year: int, now: datetime) -> None:
    if not 2000 <= year <= today_in_china(now).year:
        raise RuleViolation("year", str(_l("Choose a year up to this one.")))


def _load(s: Session, actor: Actor, committee_id: int) -> tuple[Committee, Community]:
    committee = s.get(Committee, committee_id)
    if committee is None:
        raise NotFound(str(_l("No such committee.")))
    community = s.get(Community, committee.community_id)
    assert community is not None
    require(can_certify(actor, community))
    return committee, community


def save_review(actor: Actor, committee_id: int, year: int, *, marks: int, remarks: str, commended: bool, now: datetime) -> YearlyReview:
    """The office's marks (0–20), remarks and commendation on a draft review; a published review is final."""
    _check_year(year, now)
    if not 0 <= marks <= rules.OFFICE_POINTS:
        raise RuleViolation("marks", str(_l("The office's marks are 0 to %(most)d.", most=rules.OFFICE_POINTS)))
    remarks = remarks.strip()
    if len(remarks) > 5000:
        raise RuleViolation("remarks", str(_l("Keep the remarks to 5,000 characters.")))
    with db.write() as s:
        committee, community = _load(s, actor, committee_id)
        if committee not in committees_of_year(community.id, year):
            raise RuleViolation("year", str(_l("This committee did not sit in %(year)d.", year=year)))
        stored = _stored(committee.id, year)
        if stored is not None and stored.published_at is not None:
            raise RuleViolation("year", str(_l("The review of %(year)d is published and cannot change.", year=year)))
        if commended:
            card = rules.score(measure(community, committee, year, now=now), marks)
            if card.grade != "excellent":
                raise RuleViolation("commended", str(_l("Only a committee graded excellent (90 points or more) can be commended.")))
        if stored is None:
            stored = YearlyReview(public_id=secrets.token_urlsafe(9), community_id=community.id, committee_id=committee.id, year=year)
            s.add(stored)
        stored.office_marks, stored.remarks, stored.commended = marks, remarks, commended
        stored.reviewed_by_user_id, stored.updated_at = actor.user_id, now
        s.flush()
        record(
            s, actor, "review.save", "yearly_review", stored.public_id, **scope(community), now=now,
            data={"year": year, "marks": marks, "commended": commended},
        )  # fmt: skip
    return stored


def publish_review(actor: Actor, committee_id: int, year: int, *, now: datetime) -> YearlyReview:
    """Freeze the measured figures and publish the card on the community's board."""
    _check_year(year, now)
    with db.write() as s:
        committee, community = _load(s, actor, committee_id)
        stored = _stored(committee.id, year)
        if stored is None:
            raise RuleViolation("marks", str(_l("Give the office's marks before publishing the review.")))
        if stored.published_at is not None:
            raise RuleViolation("year", str(_l("The review of %(year)d is already published.", year=year)))
        if year >= today_in_china(now).year:  # a card of a year still running would freeze a part of it
            raise RuleViolation("year", str(_l("The review of %(year)d is published once the year is over.", year=year)))
        measured = measure(community, committee, year, now=now)
        card = rules.score(measured, stored.office_marks)
        if stored.commended and card.grade != "excellent":
            raise RuleViolation("commended", str(_l("Only a committee graded excellent (90 points or more) can be commended.")))
        stored.measured, stored.total, stored.grade = vars(measured), str(card.total), card.grade
        with force_locale("zh_CN"):
            title = str(_l("Yearly review of the committee, %(year)d: %(grade)s", year=year, grade=GRADE_LABELS[card.grade]))
            body = card_text(card, stored)
        notice = publish_system_notice(s, actor, community, kind=NoticeKind.GENERAL, title=title, body=body, session_id=None, now=now)
        stored.notice_id, stored.published_at, stored.reviewed_by_user_id = notice.id, now, actor.user_id
        record(
            s, actor, "review.publish", "yearly_review", stored.public_id, **scope(community), now=now,
            data={"year": year, "total": stored.total, "grade": card.grade, "notice": notice.public_id},
        )  # fmt: skip
    return stored


def points(value: Fraction) -> str:
    """A score as the card prints it: two decimals at most, never rounded up past what was earned."""
    hundredths = value.numerator * 100 // value.denominator
    whole, rest = divmod(hundredths, 100)
    return f"{whole}" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")


def card_text(card: rules.Scorecard, stored: YearlyReview) -> str:
    """The published card: each part's points, the office's marks and remarks, the total and grade."""
    lines = [f"| {_l('Part')} | {_l('Points')} | {_l('Out of')} |", "|---|---:|---:|"]
    for part in card.parts:
        note = "" if part.measured else f" ({_l('nothing to measure')})"
        lines.append(f"| {PART_LABELS[part.code]}{note} | {points(part.score)} | {part.points} |")
    lines.append(f"| {_l('Marks of the street office')} | {stored.office_marks} | {rules.OFFICE_POINTS} |")
    lines.append(f"| **{_l('Total')}** | **{points(card.total)}** | 100 |")
    text = "\n".join(lines)
    text += "\n\n" + str(_l("Grade: %(grade)s.", grade=GRADE_LABELS[card.grade]))
    if stored.commended:
        text += " " + str(_l("The street office commends the committee."))
    if stored.remarks:
        text += "\n\n" + escape_markdown(stored.remarks)
    return text


def ranking(street_office_id: int, year: int, *, now: datetime) -> list[tuple[int, ReviewView]]:
    """Every committee of the office that sat in ``year``, ranked by total (published cards as published)."""
    s = db.session()
    views = []
    for community in s.execute(select(Community).where(Community.street_office_id == street_office_id)).scalars():
        for committee in committees_of_year(community.id, year):
            views.append(view(community, committee, year, now=now))
    by_key = {str(v.committee.id): v for v in views}
    return [(place, by_key[key]) for place, key in rules.rank({k: v.card.total for k, v in by_key.items()})]


def distribution(street_office_ids: list[int], year: int) -> tuple[dict[str, int], int]:
    """The published reviews of ``year`` by grade band across the offices (the district's view), and how many there are."""
    if not street_office_ids:
        return rules.distribution([]), 0
    rows = db.session.execute(
        select(YearlyReview.total)
        .join(Community, Community.id == YearlyReview.community_id)
        .where(Community.street_office_id.in_(street_office_ids), YearlyReview.year == year, YearlyReview.published_at.is_not(None))
    ).scalars()
    totals = [Fraction(t) for t in rows if t is not None]
    return rules.distribution(totals), len(totals)
