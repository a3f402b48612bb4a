"""The district's and the city's pages: figures against the year's target, drill-down to the offices, CSV and JSON."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import login
from tests.services.test_area_figures import make_area


def words(html: str) -> str:
    """The page's text without its tags: a figure's parts are spans that keep their line."""
    return re.sub(r"<[^>]+>", "", html)


def test_the_district_page_shows_each_figure_against_the_target_and_leads_to_its_offices(app: Flask, client: FlaskClient) -> None:
    area = make_area()
    login(client, "district")
    page = client.get("/oversight/districts/dongcheng")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "东城区" in text and "业委会组建率" in text
    assert "2/4 (50.00%) — 2022 年目标：90.00% — 未达到" in words(text)
    assert f'href="/office/{area.world.office.id}"' in text and f'href="/office/{area.heping.id}"' in text
    assert "竹林苑" in text and "逾期" in text and "松风苑" in text
    # The menu leads to the district's page.
    assert 'href="/oversight/districts/dongcheng"' in text
    english = client.get("/oversight/districts/dongcheng?lang=en").get_data(as_text=True)
    assert "2/4 (50.00%) — target 2022: 90.00% — not met" in words(english)
    assert "Owners' committee past its term" in english


def test_the_names_keep_their_line_beside_the_figures_and_the_tables_scroll_on_a_phone(app: Flask, client: FlaskClient) -> None:
    """The figure columns once squeezed 东城街道办事处 to one character a line: the name column does not wrap, a figure
    breaks only between its parts, and each table sits in a .table-wrap that scrolls sideways."""
    area = make_area()
    login(client, "district")
    text = client.get("/oversight/districts/dongcheng").get_data(as_text=True)
    offices = text.split('aria-labelledby="below-heading"')[1].split("</table>")[0]
    assert 'class="figures"' in offices
    assert f'<th scope="row" class="nowrap"><a href="/office/{area.heping.id}">' in offices
    assert re.search(r'<span class="nowrap">\d+/\d+ \([\d.]+%\)</span> — <span class="nowrap">2022 年目标：90.00%</span>', offices)
    communities = text.split('aria-labelledby="communities-heading"')[1].split("</table>")[0]
    assert 'class="nowrap"' in communities.split(">")[0]
    assert text.count('<div class="table-wrap">') == 2
    css = client.get("/static/css/site.css").get_data(as_text=True)
    assert ".nowrap { white-space: nowrap; }" in css and ".figures td.num, .figures th.num { white-space: normal; }" in css


def test_the_district_official_reads_the_office_dashboard_and_its_orders_but_changes_nothing(app: Flask, client: FlaskClient) -> None:
    area = make_area()
    login(client, "district")
    office = area.heping.id
    assert client.get(f"/office/{office}").status_code == 200
    assert client.get(f"/office/{office}.csv").status_code == 200
    orders = client.get(f"/office/{office}/orders")
    assert orders.status_code == 200 and "责令重新选举业主委员会" in orders.get_data(as_text=True)
    assert client.post(f"/office/{office}/orders", data={"subject": "x"}).status_code == 403
    # Another district's office, and the city, are not theirs.
    assert client.get(f"/office/{area.yuetan.id}").status_code == 403
    assert client.get("/oversight/districts/xicheng").status_code == 403
    assert client.get("/oversight/cities/beijing").status_code == 403


def test_the_city_page_sums_its_districts_and_leads_to_them(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "city")
    text = client.get("/oversight/cities/beijing?lang=en").get_data(as_text=True)
    assert "2/5 (40.00%) — target 2022: 90.00% — not met" in words(text)
    assert 'href="/oversight/districts/dongcheng"' in text and 'href="/oversight/districts/xicheng"' in text
    assert "0/1 (0.00%) — target 2022: 90.00% — not met" in words(text)  # 西城区
    assert client.get("/oversight/districts/xicheng").status_code == 200
    assert client.get("/oversight/cities/nowhere").status_code == 404


def test_the_exports_give_every_figure_with_numerator_denominator_and_target(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "city")
    response = client.get("/oversight/cities/beijing.csv?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, city, east, west = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert header[:7] == [
        "Level",
        "Code",
        "Name of the area",
        "Communities",
        "Committee formation rate · numerator",
        "Committee formation rate · denominator",
        "Committee formation rate · %",
    ]
    assert header[7:10] == ["Target year", "Target %", "Target met"]
    assert city[:10] == ["City", "beijing", "北京市", "5", "2", "5", "40.00", "2022", "90.00", "no"]
    assert east[:7] == ["District", "dongcheng", "东城区", "4", "2", "4", "50.00"] and west[1] == "xicheng"
    data = client.get("/oversight/cities/beijing.json").get_json()
    assert data["kind"] == "city" and data["figures"]["formation"] == {
        "numerator": 2,
        "denominator": 5,
        "percent": "40.00",
        "target": "9/10",
        "target_percent": "90.00",
        "year": 2022,
        "met": False,
    }
    east_json = data["children"][0]
    assert east_json["code"] == "dongcheng" and [o["code"] for o in east_json["children"]] == ["heping", "xinhua-street"]
    zhulin = next(c for c in east_json["children"][0]["communities"] if c["slug"] == "zhulin")
    assert zhulin["committee"] == "expired" and zhulin["reelection_overdue"] is True and zhulin["preparatory_since"] is None
    district_csv = client.get("/oversight/districts/dongcheng.csv?lang=en").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert [line.split(",")[1] for line in district_csv[1:]] == ["dongcheng", "heping", "xinhua-street"]


def test_a_district_official_on_the_office_dashboard_is_led_to_public_pages_not_to_refusals(app: Flask, client: FlaskClient) -> None:
    area = make_area()
    login(client, "district")
    text = client.get(f"/office/{area.heping.id}").get_data(as_text=True)
    assert "/admin/c/" not in text and "/office/s/" not in text and "/committee/c/" not in text
    assert "/c/" in text  # the boards and committee pages, which anyone reads
    official = app.test_client()
    login(official, "official")
    assert "/admin/c/" in official.get(f"/office/{area.world.office.id}").get_data(as_text=True)


def test_a_target_from_an_earlier_year_says_so(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "district")
    text = client.get("/oversight/districts/dongcheng").get_data(as_text=True)
    assert "按最近一年（2022 年）的目标衡量" in text


def test_a_district_official_signs_in_to_their_district_not_to_an_empty_page(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "district")
    text = client.get("/admin/").get_data(as_text=True)
    assert "您可查看所辖区域的各项数据" in text and 'class="button primary" href="/oversight/districts/dongcheng"' in text


def test_chinese_pages_take_the_full_width_colon_and_english_ones_the_half_width(app: Flask, client: FlaskClient) -> None:
    make_area()
    login(client, "district")
    assert "业委会组建率</strong>：" in client.get("/oversight/districts/dongcheng").get_data(as_text=True)
    assert "</strong>: " in client.get("/oversight/districts/dongcheng?lang=en").get_data(as_text=True)
