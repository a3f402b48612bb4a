"""The demo's yearly review (考核): 梅园小区's card of last year published on its board, 兰亭苑's of this year marked in draft."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _

from ..clock import today_in_china
from ..communities.models import Community
from ..db import utcnow
from .actors import as_office


def seed_reviews(lanting: Community, meiyuan: Community) -> Iterator[str]:
    from ..oversight.services import yearly

    now = utcnow()
    year = today_in_china(now).year
    for community, review_year, marks, remarks, publish in (
        (meiyuan, year - 1, 14, "账目公示及时；会议次数不足，换届准备需提前。", True),
        (lanting, year, 17, "会议、决定公布规范，继续保持。", False),
    ):
        committees = yearly.committees_of_year(community.id, review_year)
        if not committees:
            continue
        committee = committees[0]
        view = yearly.view(community, committee, review_year, now=now)
        if view.review is not None:
            continue
        actor = as_office(community)
        yearly.save_review(actor, committee.id, review_year, marks=marks, remarks=remarks, commended=False, now=now)
        if publish:
            yearly.publish_review(actor, committee.id, review_year, now=now)
        card = yearly.view(community, committee, review_year, now=now)
        yield _(
            "%(name)s: yearly review %(year)d, %(points)s points (%(state)s)",
            name=community.name,
            year=review_year,
            points=yearly.points(card.card.total),
            state=_("published") if publish else _("draft"),
        )
