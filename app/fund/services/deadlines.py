"""The fund's deadlines, for the street office's dashboard and the committee's page (RULES §11).

One ``FundDeadline`` per thing that falls due: an emergency application the street
office has to answer, the publication of an emergency's works and costs (and a
project's planned completion, until its works are accepted). Each names its community, says what is due and by when,
whether it is missed, and where to act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ..labels import emergency_kind_label
from ..models.emergencies import EmergencyApplication, EmergencyState
from ..models.projects import FundProject, ProjectState


@dataclass(frozen=True)
class FundDeadline:
    community: Community
    label: str
    due: date | datetime  # a moment (the office's hours) or a Beijing day (a publication's last day)
    overdue: bool
    url: str

    @property
    def due_text(self) -> str:
        if isinstance(self.due, datetime):
            return format_datetime(self.due, "short")
        return self.due.isoformat()

    @property
    def sort_key(self) -> tuple[bool, str]:
        moment = self.due.isoformat() if isinstance(self.due, datetime) else f"{self.due.isoformat()}T23:59:59"
        return (not self.overdue, moment)


def _answer_due(application: EmergencyApplication, community: Community, now: datetime, *, for_office: bool) -> FundDeadline:
    kind = emergency_kind_label(application.kind)
    label = (
        _l("Answer the emergency application of %(community)s: %(kind)s", community=community.name, kind=kind)
        if for_office
        else _l("The street office's answer to the emergency application: %(kind)s", kind=kind)
    )
    return FundDeadline(
        community=community,
        label=str(label),
        due=application.answer_due_at,
        overdue=now > application.answer_due_at,
        url=url_for("fund.decide_emergency" if for_office else "fund.show_emergency", public_id=application.public_id),
    )


def _publication_due(application: EmergencyApplication, community: Community, now: datetime) -> FundDeadline:
    assert application.publish_due_on is not None
    return FundDeadline(
        community=community,
        label=str(_l("Publish the emergency works and their costs: %(kind)s", kind=emergency_kind_label(application.kind))),
        due=application.publish_due_on,
        overdue=today_in_china(now) > application.publish_due_on,
        url=url_for("fund.show_emergency", public_id=application.public_id),
    )


def _works_due(project: FundProject, community: Community, now: datetime, *, for_office: bool) -> FundDeadline:
    assert project.works_end is not None
    label = (
        _l("Works of %(community)s's fund project accepted: %(title)s", community=community.name, title=project.title)
        if for_office
        else _l("Works of the fund project accepted: %(title)s", title=project.title)
    )
    return FundDeadline(
        community=community,
        label=str(label),
        due=project.works_end,
        overdue=today_in_china(now) > project.works_end,
        url=url_for("fund.show_project", project_id=project.id),
    )


def _projects_under_way(*where: object) -> list[tuple[FundProject, Community]]:
    """Approved projects with a planned completion whose works are not yet accepted."""
    return [
        (p, c)
        for p, c in db.session.execute(
            select(FundProject, Community)
            .join(Community, Community.id == FundProject.community_id)
            .where(
                FundProject.state.in_([ProjectState.APPROVED, ProjectState.WORKS]),
                FundProject.works_end.is_not(None),
                *where,  # type: ignore[arg-type]
            )
        ).all()
    ]


def office_deadlines(street_office_id: int, now: datetime) -> list[FundDeadline]:
    """What the office has to answer for its communities' fund, missed ones first, then by when."""
    rows = db.session.execute(
        select(EmergencyApplication, Community)
        .join(Community, Community.id == EmergencyApplication.community_id)
        .where(Community.street_office_id == street_office_id, EmergencyApplication.state == EmergencyState.APPLIED)
    ).all()
    out = [_answer_due(a, c, now, for_office=True) for a, c in rows]
    out += [_works_due(p, c, now, for_office=True) for p, c in _projects_under_way(Community.street_office_id == street_office_id)]
    return sorted(out, key=lambda d: d.sort_key)


def community_deadlines(community_id: int, now: datetime) -> list[FundDeadline]:
    """What falls due for the community's fund: the office's answers it waits for, the publications it owes."""
    rows = db.session.execute(
        select(EmergencyApplication, Community)
        .join(Community, Community.id == EmergencyApplication.community_id)
        .where(
            Community.id == community_id,
            EmergencyApplication.state.in_([EmergencyState.APPLIED, EmergencyState.COMPLETED]),
        )
    ).all()
    out = [_answer_due(a, c, now, for_office=False) if a.state is EmergencyState.APPLIED else _publication_due(a, c, now) for a, c in rows]
    out += [_works_due(p, c, now, for_office=False) for p, c in _projects_under_way(Community.id == community_id)]
    return sorted(out, key=lambda d: d.sort_key)


def overdue_flags(community_id: int, now: datetime) -> tuple[str, ...]:
    """The dashboard's codes for the community's missed fund deadlines (no links: readable outside a request)."""
    s = db.session()
    today = today_in_china(now)
    flags = []
    waiting = s.execute(
        select(EmergencyApplication.state, EmergencyApplication.answer_due_at, EmergencyApplication.publish_due_on).where(
            EmergencyApplication.community_id == community_id,
            EmergencyApplication.state.in_([EmergencyState.APPLIED, EmergencyState.COMPLETED]),
        )
    ).all()
    if any(state is EmergencyState.APPLIED and now > due for state, due, _publish in waiting):
        flags.append("emergency_answer_overdue")
    if any(state is EmergencyState.COMPLETED and publish is not None and today > publish for state, _due, publish in waiting):
        flags.append("emergency_publication_overdue")
    if any(today > p.works_end for p, _c in _projects_under_way(Community.id == community_id) if p.works_end is not None):
        flags.append("fund_works_overdue")
    return tuple(flags)
