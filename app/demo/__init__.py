"""``flask demo``: a realistic street office whose communities are in every state the dashboard flags (idempotent)."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import create_user
from ..communities import services
from ..communities.models import Community, StreetOffice
from ..db import db
from ..security.roles import Role
from .actors import DEMO, DEMO_PASSWORD
from .areas import figure_lines, seed_areas, seed_second_office
from .books import seed_books, seed_orders
from .committees import lanting_login_names, seed_committees
from .consultations import seed_consultations
from .convening import seed_convened_session
from .findings import seed_findings
from .fund import seed_fund
from .meetings import seed_meetings
from .preparatory import seed_groups
from .property import seed_property
from .registers import lanting_register, meiyuan_register
from .reviews import seed_reviews
from .sessions import seed_draft_session, seed_voting_sessions

__all__ = ["DEMO_PASSWORD", "lanting_register", "meiyuan_register", "seed_demo"]


def seed_demo() -> Iterator[str]:
    s = db.session()
    office = s.execute(select(StreetOffice).where(StreetOffice.code == "xinhua")).scalar_one_or_none()
    if office is None:
        office = services.create_street_office(DEMO, code="xinhua", name="新华街道办事处")
    communities = {}
    for slug, name, address, buildings, register in (
        ("lanting", "兰亭苑", "新华路 278 号", ("1", "2", "3", "地下车库"), lanting_register),
        ("meiyuan", "梅园小区", "梅园路 19 号", ("1",), meiyuan_register),
    ):
        community = db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()
        if community is None:
            community = services.create_community(DEMO, street_office_id=office.id, slug=slug, name=name, address=address)
            for building in buildings:
                services.add_building(DEMO, community.id, building)
            report = services.import_register(DEMO, community.id, register(), source_name="demo")
            yield _("%(name)s: %(n)d units imported", name=name, n=report.created)
        else:
            yield _("%(name)s: already seeded", name=name)
        communities[slug] = community

    areas = seed_areas(office)
    names = lanting_login_names(communities["lanting"])
    lanting_id = communities["lanting"].id
    accounts: tuple[tuple[str, str, Role, dict[str, int]], ...] = (
        ("admin", "系统管理员", Role.ADMINISTRATOR, {}),
        ("lanting-chair", f"{names['lanting-chair']}（兰亭苑业委会主任）", Role.COMMITTEE_CHAIR, {"community_id": lanting_id}),
        ("lanting-member", f"{names['lanting-member']}（兰亭苑业委会委员）", Role.COMMITTEE_MEMBER, {"community_id": lanting_id}),
        ("xinhua-official", "刘志强（新华街道）", Role.STREET_OFFICIAL, {"street_office_id": office.id}),
        ("dongfeng-official", "孙丽萍（东风街道）", Role.STREET_OFFICIAL, {"street_office_id": areas.second_office.id}),
        ("heping-district", "周建平（和平区住房和城乡建设委员会）", Role.DISTRICT_OFFICIAL, {"district_id": areas.district.id}),
        ("demo-city", "吴晓东（示范市住房和城乡建设委员会）", Role.CITY_OFFICIAL, {"city_id": areas.city.id}),
    )
    yield ""
    yield _("Demo logins (password for all: %(password)s; the first sign-in sets up an authenticator app):", password=DEMO_PASSWORD)
    for username, display, role, scope in accounts:
        if db.session.execute(select(User.id).where(User.username == username)).first() is None:
            create_user(DEMO, username=username, display_name=display, password=DEMO_PASSWORD, role=role, **scope)
        yield f"  {username:<18} {role.value:<20} {display}"
    yield from seed_draft_session(communities["lanting"])
    yield from seed_voting_sessions(communities["lanting"], communities["meiyuan"])
    yield from seed_books(communities["lanting"], communities["meiyuan"])
    yield from seed_fund(communities["lanting"])
    yield from seed_consultations(communities["lanting"])
    yield from seed_orders(communities["meiyuan"])
    yield from seed_committees(office, communities["lanting"], communities["meiyuan"])
    yield from seed_findings()
    yield from seed_meetings(communities["lanting"])
    yield from seed_reviews(communities["lanting"], communities["meiyuan"])
    yield from seed_property(areas.city, communities["lanting"], communities["meiyuan"])
    yield from seed_groups()
    yield from seed_convened_session()
    yield from seed_second_office(areas)
    yield from figure_lines(areas)
