"""The yearly review's pages: the office ranks its committees, marks one, publishes it to the board; the district reads the bands."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.clock import today_in_china
from app.db import utcnow
from app.oversight.services import yearly
from app.security.actor import actor_for
from tests.committee_factories import seated_committee
from tests.factories import login
from tests.services.test_area_figures import make_area
from tests.services.test_yearly_review import next_january, record


def test_the_office_ranks_marks_and_publishes_a_committee_s_review(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee()
    year = record(seated)
    login(client, "official")
    ranking = client.get(f"/office/{seated.world.office.id}/reviews?lang=en").get_data(as_text=True)
    card_url = f"/office/committees/{seated.committee.id}/review/{year}"
    assert "兰亭苑" in ranking and card_url in ranking and "47.5" in ranking and "Not yet published" in ranking

    page = client.get(card_url + "?lang=en").get_data(as_text=True)
    assert "2 of 4 expected" in page and "1 of 2 on time" in page and "nothing to measure" in page
    assert "Publish the review" not in page  # no marks yet

    refused = client.post(card_url + "?lang=en", data={"marks": "", "remarks": ""})
    assert refused.status_code == 200 and "Give the office's marks, 0 to 20." in refused.get_data(as_text=True)
    commended = client.post(card_url + "?lang=en", data={"marks": "20", "remarks": "", "commended": "y"})
    assert "Only a committee graded excellent" in commended.get_data(as_text=True)

    saved = client.post(card_url, data={"marks": "18", "remarks": "会议偏少。"})
    assert saved.status_code == 302
    draft = client.get(card_url + "?lang=en").get_data(as_text=True)
    assert "published once the year is over" in draft and "Publish the review" not in draft
    refused = client.post(card_url + "/publish?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "published once the year is over" in refused
    yearly.publish_review(actor_for(seated.world.official), seated.committee.id, year, now=next_january())
    published = client.get(card_url + "?lang=en").get_data(as_text=True)
    assert "the card is final" in published and "65.5" in published and "Save the marks" not in published
    board = client.get("/c/lanting?lang=zh").get_data(as_text=True)
    assert f"委员会 {year} 年度考核：合格" in board


def test_a_year_the_committee_did_not_sit_has_no_card(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee()
    login(client, "official")
    assert client.get(f"/office/committees/{seated.committee.id}/review/2019").status_code == 404  # seated in 2025


def test_the_chair_cannot_open_the_review(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee(logins=True)
    year = today_in_china(utcnow()).year
    login(client, "m1")
    assert client.get(f"/office/committees/{seated.committee.id}/review/{year}").status_code == 403
    assert client.post(f"/office/committees/{seated.committee.id}/review/{year}/publish").status_code == 403


def test_the_district_page_shows_the_review_bands_or_says_none_are_published(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "district")
    page = client.get("/oversight/districts/dongcheng?lang=en").get_data(as_text=True)
    assert "Yearly review" in page and "No street office has published a yearly review" in page


def test_the_district_reads_the_bands_of_a_year_it_chooses(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "district")
    year = today_in_china(utcnow()).year
    page = client.get(f"/oversight/districts/dongcheng?lang=en&year={year - 1}").get_data(as_text=True)
    assert f"Yearly review {year - 1}" in page and f'<option value="{year - 1}" selected>' in page
    assert client.get("/oversight/districts/dongcheng?year=soon").status_code == 400
