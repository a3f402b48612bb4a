"""A page's query parameters are read as the API reads them: a value nobody could mean is a 400 that says why, never a 500."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_world

YEAR = "年份须为 1900 至 9999 之间的整数。"


@pytest.mark.parametrize("year", ["99999999999999999999", "1" * 5000, "-1", "1899", "abc", "２０２６", "١٢٣٤"])
def test_a_year_no_one_could_mean_is_refused_on_the_board_and_its_export(app: Flask, client: FlaskClient, year: str) -> None:
    make_world()
    page = client.get("/c/lanting", query_string={"year": year})
    assert page.status_code == 400 and YEAR in page.get_data(as_text=True)
    export = client.get("/c/lanting/notices.json", query_string={"year": year})
    assert export.status_code == 400 and export.mimetype == "application/problem+json"
    assert export.get_json()["detail"] == YEAR


def test_an_unknown_kind_is_refused_and_empty_filters_mean_all(app: Flask, client: FlaskClient) -> None:
    make_world()
    page = client.get("/c/lanting?kind=nonsense&lang=en")
    assert page.status_code == 400 and "The kind must be one of" in page.get_data(as_text=True)
    assert client.get("/c/lanting?kind=&year=").status_code == 200
    assert client.get("/c/lanting?kind=decision&year=2026").status_code == 200
    assert client.get("/c/lanting/notices.json?year=2026").get_json()["notices"] == []


@pytest.mark.parametrize(
    "query",
    ["page=99999999999999999999", "page=0", "page=-3", "building=99999999999999999999", "building=abc"],
)
def test_a_page_or_building_no_one_could_mean_is_refused_on_the_units_list(app: Flask, client: FlaskClient, query: str) -> None:
    from tests.factories import login

    world = make_world()
    login(client, "admin")
    answer = client.get(f"/admin/c/{world.community.id}/units?{query}&lang=en")
    assert answer.status_code == 400
    assert "page must be a whole number" in answer.get_data(as_text=True) or "does not name a record" in answer.get_data(as_text=True)
    assert client.get(f"/admin/c/{world.community.id}/units?page=1").status_code == 200
