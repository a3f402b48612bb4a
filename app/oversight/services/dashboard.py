"""The street office's dashboard: each community's sessions, publications, orders, committee, elections and petitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...clock import today_in_china
from ...communities.models import Community
from ...csvsafe import safe_cell
from ...db import db
from ...domain.figures import CommunityFacts, OfficeFigures, office_figures
from ...domain.lifecycle import SessionState
from ...domain.rules import get_profile
from ...elections import services as elections
from ...formation import services as formation
from ...fund.services import deadlines as fund_deadlines
from ...orders.models import OrderKind
from ...orders.services import open_orders
from ...sessions.models import AssemblySession
from ...voting import services as voting
from ..labels import COMMITTEE_KIND_LABELS, CSV_HEADERS, FLAG_LABELS
from .obligations import obligations


@dataclass(frozen=True)
class CommunityRow:
    community: Community
    open_sessions: int
    awaiting: int
    due: int
    overdue: int
    met: int
    met_on_time: int
    orders: int
    orders_overdue: int
    committee: elections.CommitteeView | None
    elections: int  # under way: nominating, on the slate, on a ballot, or counted and not yet seated
    petitions: list[voting.Progress]  # collecting signatures
    group_flags: tuple[str, ...] = ()  # the preparatory group's overdue deadlines (formation.group_flags)
    fund_flags: tuple[str, ...] = ()  # the fund's missed deadlines (fund.services.deadlines.overdue_flags)
    preparatory_since: date | None = None  # the Beijing day the open preparatory group was formed
    reelections: int = 0  # open orders to re-elect the committee
    reelections_overdue: int = 0  # ... past their deadline
    committee_decisions_overdue: int = 0  # committee decisions whose notice is past its days (also in ``overdue``)
    today: date | None = None  # the day the row was read, for the figures' terms

    @property
    def committee_kind(self) -> str:
        return "none" if self.committee is None else self.committee.committee.kind.value

    @property
    def flags(self) -> list[str]:
        """What needs the office's attention, as codes the page and the CSV share."""
        out = []
        view = self.committee
        if view is None:
            out.append("no_committee")
        else:
            out += view.term.flags
            if view.suspended:
                out.append("suspended")
            if view.committee.reelection_ordered_at is not None:
                out.append("reelection_ordered")
            if view.party_target_met is False:
                out.append("party_target_missed")
            if view.chair_overdue:
                out.append("chair_overdue")
        if self.awaiting:
            out.append("awaiting_certification")
        if self.overdue:
            out.append("publication_overdue")
        if self.committee_decisions_overdue:
            out.append("committee_decision_overdue")
        if self.orders_overdue:
            out.append("order_overdue")
        if any(p.reached or p.measure.nearness >= NEAR_THRESHOLD for p in self.petitions):
            out.append("petition_near")
        out += self.group_flags
        out += self.fund_flags
        return out

    def facts(self) -> CommunityFacts:
        owners = self.committee is not None and self.committee.committee.kind.value == "owners"
        return CommunityFacts(
            owners_committee=owners,
            party_target_met=self.committee.party_target_met if owners and self.committee else None,
            publications_met=self.met_on_time,
            publications_late=self.overdue + (self.met - self.met_on_time),
            temporary_committee=self.committee is not None and self.committee.committee.kind.value == "temporary",
            term_ends_on=self.committee.term.ends_on if self.committee else None,  # a temporary committee has a term too
            preparatory_since=self.preparatory_since,
            reelection_ordered=self.reelections > 0,
            reelection_overdue=self.reelections_overdue > 0,
        )


# A petition with three quarters of the signatures it needs (on its slower measure) is flagged.
NEAR_THRESHOLD = Fraction(3, 4)


def dashboard(street_office_id: int, *, now: datetime) -> list[CommunityRow]:
    s = db.session()
    today = today_in_china(now)
    rows = []
    for community in s.execute(select(Community).where(Community.street_office_id == street_office_id).order_by(Community.name)).scalars():
        states = dict(
            s.execute(
                select(AssemblySession.state, func.count())
                .where(AssemblySession.community_id == community.id)
                .group_by(AssemblySession.state)
            ).all()
        )
        owed = obligations(community, now=now)
        pending = open_orders(community.id)
        group = formation.open_group(community.id, s)
        rows.append(
            CommunityRow(
                community=community,
                open_sessions=states.get(SessionState.OPEN, 0) + states.get(SessionState.ANNOUNCED, 0),
                awaiting=states.get(SessionState.TALLIED, 0),
                due=sum(1 for o in owed if not o.met),
                overdue=sum(1 for o in owed if o.overdue(today)),
                met=sum(1 for o in owed if o.met),
                met_on_time=sum(1 for o in owed if o.met_on_time),
                orders=len(pending),
                orders_overdue=sum(1 for o in pending if o.overdue(today)),
                committee=elections.committee_view(community, now=now),
                elections=elections.open_elections_count(community.id),
                petitions=voting.open_petitions(community.id, now),
                group_flags=tuple(formation.deadlines(group, now=now).flags) if group is not None else (),
                fund_flags=fund_deadlines.overdue_flags(community.id, now),
                preparatory_since=today_in_china(group.formed_at) if group is not None else None,
                reelections=sum(1 for o in pending if o.kind is OrderKind.REELECT),
                reelections_overdue=sum(1 for o in pending if o.kind is OrderKind.REELECT and o.overdue(today)),
                committee_decisions_overdue=sum(1 for o in owed if o.kind == "committee_decision" and o.overdue(today)),
                today=today,
            )
        )
    return rows


def dashboard_table(rows: list[CommunityRow]) -> list[list[str]]:
    """The dashboard as a spreadsheet reads it: headers and words in the reader's language, no cell a formula."""
    yes_no = {True: _l("yes"), False: _l("no"), None: ""}
    table = [[safe_cell(header) for header in CSV_HEADERS]]
    for r in rows:
        view = r.committee
        cells: list[object] = [
            r.community.name,
            r.community.slug,
            COMMITTEE_KIND_LABELS[r.committee_kind],
            view.term.ends_on.isoformat() if view else "",
            view.term.seated if view else 0,
            view.committee.seats if view else 0,
            view.suspended if view else 0,
            view.party_members if view else 0,
            yes_no[view.party_target_met if view else None],
            r.elections,
            r.open_sessions,
            r.awaiting,
            r.due,
            r.overdue,
            r.met,
            r.orders,
            r.orders_overdue,
            len(r.petitions),
            format_list([str(FLAG_LABELS[flag]) for flag in r.flags], locale=get_locale()) if r.flags else "",
        ]
        table.append([safe_cell(cell) for cell in cells])
    return table


def figures(rows: list[CommunityRow]) -> OfficeFigures:
    return office_figures([r.facts() for r in rows], on=rows[0].today if rows else None)


def decision_days(community: Community) -> int:
    return get_profile(community.rule_profile).settings.decision_publication_days
