"""The figures in the API: an office's with its officials' "office" token, a district's and a city's with an "area" token."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import login, next_code
from tests.services.test_area_figures import make_area
from tests.web.test_api import bearer, make_token, problem


def test_each_area_reads_its_figures_with_numerator_denominator_target_and_year(app: Flask, client: FlaskClient) -> None:
    area = make_area()
    api = app.test_client()
    district = make_token(app.test_client(), "district", ["area"])
    city = make_token(app.test_client(), "city", ["area"])
    office = make_token(app.test_client(), "heping-official", ["office"])

    body = api.get("/api/v1/cities/beijing/figures", headers=bearer(city)).get_json()
    assert body["kind"] == "city" and body["communities_count"] == 5
    assert body["figures"]["formation"] == {
        "numerator": 2,
        "denominator": 5,
        "percent": "40.00",
        "target": "9/10",
        "target_percent": "90.00",
        "year": 2022,
        "met": False,
    }
    assert body["figures"]["reelection_overdue"] | {"percent": None} == {
        "numerator": 1,
        "denominator": 1,
        "percent": None,
        "target": None,
        "target_percent": None,
        "year": None,
        "met": None,
    }
    assert [(d["code"], d["figures"]["formation"]["numerator"], d["figures"]["formation"]["denominator"]) for d in body["children"]] == [
        ("dongcheng", 2, 4),
        ("xicheng", 0, 1),
    ]
    east = api.get("/api/v1/districts/dongcheng/figures", headers=bearer(district)).get_json()
    assert [o["code"] for o in east["children"]] == ["heping", "xinhua-street"] and east["figures"]["formation"]["year"] == 2022
    assert api.get("/api/v1/districts/xicheng/figures", headers=bearer(city)).status_code == 200
    heping = api.get(f"/api/v1/offices/{area.heping.code}/figures", headers=bearer(office)).get_json()
    assert heping["kind"] == "office" and heping["children"] == []
    assert {c["slug"]: c["committee"] for c in heping["communities"]} == {"songfeng": "temporary", "zhulin": "expired"}


def test_a_token_reads_only_its_own_area_and_scope(app: Flask, client: FlaskClient) -> None:
    area = make_area()
    api = app.test_client()
    district = make_token(app.test_client(), "district", ["area"])
    office = make_token(app.test_client(), "heping-official", ["office"])
    problem(api.get("/api/v1/districts/xicheng/figures", headers=bearer(district)), 403)  # another district
    problem(api.get("/api/v1/cities/beijing/figures", headers=bearer(district)), 403)  # above it
    problem(api.get("/api/v1/offices/xinhua-street/figures", headers=bearer(office)), 403)  # another office
    problem(api.get("/api/v1/districts/dongcheng/figures", headers=bearer(office)), 403)  # not its scope
    # The district drills down to its own offices with its area token.
    below = api.get(f"/api/v1/offices/{area.heping.code}/figures", headers=bearer(district))
    assert below.status_code == 200 and below.get_json()["kind"] == "office"
    problem(api.get("/api/v1/offices/yuetan/figures", headers=bearer(district)), 403)  # an office of another district
    problem(api.get("/api/v1/districts/nowhere/figures", headers=bearer(district)), 404)
    problem(api.get("/api/v1/cities/nowhere/figures", headers=bearer(district)), 404)
    problem(api.get("/api/v1/districts/dongcheng/figures"), 401)


def test_only_area_officials_may_make_an_area_token(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "official")
    page = client.post("/account/tokens", data={"name": "x", "scopes": ["area"], "code": next_code("official")})
    assert page.status_code == 400
    district = app.test_client()
    login(district, "district")
    assert 'value="area"' in district.get("/account").get_data(as_text=True)
