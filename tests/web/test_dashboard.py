"""The office dashboard: committee status, party share, flags, the office-wide figures, filters and the CSV."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.communities import services as register
from app.db import utcnow
from app.elections import services as elections
from app.oversight import services as oversight
from app.security.actor import actor_for
from tests.factories import CLI, login, make_world, use_profile
from tests.services.test_elections import certified


def test_the_dashboard_shows_each_communitys_committee_and_the_office_figures(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    use_profile(world, "cn-party50")
    setup, _cand = certified(world, acknowledge_party=True)  # 兰亭苑: five elected, none a verified party member
    now = utcnow()
    elections.seat_committee(actor_for(world.official), setup.election.id, now=now)
    register.create_community(CLI, street_office_id=world.office.id, slug="zhulin", name="竹林苑")
    rows = {r.community.slug: r for r in oversight.dashboard(world.office.id, now=now)}
    assert rows["lanting"].committee_kind == "owners" and "party_target_missed" in rows["lanting"].flags
    assert rows["meiyuan"].flags == ["no_committee"] and rows["zhulin"].committee is None
    figures = oversight.figures(list(rows.values()))
    # One owners' committee of three communities; it misses the party target; nothing has fallen due yet.
    assert (figures.formation.part, figures.formation.whole) == (1, 3)
    assert (figures.party_target.part, figures.party_target.whole) == (0, 1)
    assert figures.publication.whole == 0
    login(client, "official")
    page = client.get(f"/office/{world.office.id}").get_data(as_text=True)
    assert "业委会组建率" in page and "33.33% (1 / 3)" in page and "竹林苑" in page and "0.00%" in page
    only = client.get(f"/office/{world.office.id}?flag=no_committee&sort=name").get_data(as_text=True)
    assert "竹林苑" in only and "梅园" in only and "兰亭苑" not in only.split("<table>")[1]
    csv = client.get(f"/office/{world.office.id}.csv?sort=name").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert csv[0].startswith("community,slug,committee,term_end")
    lanting = next(line for line in csv if line.startswith("兰亭苑"))
    assert ",owners," in lanting and "party_target_missed" in lanting and (now + timedelta(days=365 * 5)).strftime("%Y") in lanting
