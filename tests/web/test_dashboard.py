"""The office dashboard: committee status, party share, flags, the office-wide figures, filters and the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.communities import services as register
from app.csvsafe import safe_cell
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
    assert "竹林苑" in only and "梅园" in only and "兰亭苑" not in only.split("<table")[1]
    csv = client.get(f"/office/{world.office.id}.csv?sort=name").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert csv[0].startswith("小区,网址标识,业主委员会,任期届满")
    lanting = next(line for line in csv if line.startswith("兰亭苑"))
    assert ",业主委员会," in lanting and "未达党员比例目标" in lanting and (now + timedelta(days=365 * 5)).strftime("%Y") in lanting
    assert next(line for line in csv if line.startswith("竹林苑")).endswith(",无,,0,0,0,0,,0,0,0,0,0,0,0,0,0,未成立业委会")


def dashboard_csv(client: FlaskClient, office_id: int, query: str = "") -> list[list[str]]:
    text = client.get(f"/office/{office_id}.csv?sort=name{query}").get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_dashboard_csv_speaks_english_when_the_pages_do(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "official")
    header, *rows = dashboard_csv(client, world.office.id, "&lang=en")
    assert header[:4] == ["Community", "Address name", "Committee", "Term ends"] and header[-1] == "Flags"
    meiyuan = next(row for row in rows if row[0] == "梅园")
    assert meiyuan[2] == "None" and meiyuan[-1] == "No committee"
    client.post("/lang", data={"lang": "en"})
    assert dashboard_csv(client, world.office.id)[0][0] == "Community"


def test_no_cell_of_the_dashboard_csv_runs_as_a_formula(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    for n, name in enumerate(('=HYPERLINK("http://x.example","点我")', "+1", "-1", "@SUM(A1)", "和平苑")):
        register.create_community(CLI, street_office_id=world.office.id, slug=f"community-{n}", name=name)
    login(client, "official")
    names = [row[0] for row in dashboard_csv(client, world.office.id)[1:]]
    assert sorted(names) == sorted(['\'=HYPERLINK("http://x.example","点我")', "'+1", "-1", "'@SUM(A1)", "和平苑", "兰亭苑", "梅园"])


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-5", "-5"),  # a number, not a formula
        ("-2+3", "'-2+3"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("1-101", "1-101"),
        (3, "3"),
        (None, ""),
        ("", ""),
    ],
)
def test_a_cell_that_would_start_a_formula_is_shown_as_text(value: object, shown: str) -> None:
    assert safe_cell(value) == shown
