"""The lists' pages: the city's public red and black lists with their history (Chinese by default, English on
request), the office's confirmation with its errors under the row they name, the findings, the survey page and the
satisfaction flags on the committee's and the office's pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.clock import start_of_day, today_in_china
from app.consultations.models import Consultation
from app.db import db, utcnow
from app.property_services.models import CompanyFinding, RequestCategory, SatisfactionSurvey
from app.property_services.services import standing
from app.security.actor import actor_for
from tests.factories import login
from tests.property.lists_helpers import held_survey, requests, voters
from tests.property_factories import PropertyWorld, property_world


def _last_month(pw: PropertyWorld) -> tuple[str, datetime]:
    """Last month's label, and a moment in it (its 10th, 10:00 Beijing time)."""
    month = standing.previous_month(today_in_china(utcnow()))
    return standing.month_label(month), start_of_day(month.replace(day=10)) + timedelta(hours=10)


def _computed(pw: PropertyWorld) -> str:
    """Last month computed: 康居 on the black list (its steps late), 安泰 on neither."""
    label, moment = _last_month(pw)
    requests(pw.community, 2, filed=moment, late=2, category=RequestCategory.REPAIR)
    month = standing.parse_month(label)
    assert month is not None
    standing.compute_month(actor_for(pw.world.official), pw.city.id, month, now=utcnow())
    return label


def test_the_public_lists_are_empty_until_an_office_confirms_a_month(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    _computed(pw)
    page = client.get("/cities/changzhi/property-lists").get_data(as_text=True)
    assert "物业服务企业红黑名单" in page and "尚未公布名单" in page and "康居物业服务有限公司" not in page
    assert client.get("/cities/nowhere/property-lists").status_code == 404
    assert client.get("/cities/changzhi/property-lists/2026-13").status_code == 404


def test_the_office_confirms_the_list_and_the_public_reads_it_with_its_history(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    label = _computed(pw)
    login(client, "official")
    review = f"/office/property/cities/changzhi/lists/{label}"
    page = client.get(review).get_data(as_text=True)
    assert "康居物业服务有限公司" in page and "办理环节超时" in page and 'name="rows-0-standing"' in page
    # 安泰 (the first row) set to the red list without a reason: refused under that row's reason.
    rows = standing.proposed_rows(pw.city.id, standing.parse_month(label))  # type: ignore[arg-type]
    data = {}
    for n, e in enumerate(rows):
        data |= {f"rows-{n}-company_id": e.company.public_id, f"rows-{n}-standing": e.row.computed, f"rows-{n}-reason": ""}
    refused = client.post(review, data=data | {"rows-0-standing": "red"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert 'id="rows-0-reason-error"' in text and "第 1 行（安泰物业管理有限公司）" in text
    assert 'aria-describedby="rows-0-reason-error"' in text and 'id="rows-1-reason-error"' not in text
    assert standing.published_months(pw.city.id) == []
    done = client.post(review, data=data | {"rows-0-standing": "red", "rows-0-reason": "业主满意度显著提高"})
    assert done.status_code == 302
    public = client.get("/cities/changzhi/property-lists").get_data(as_text=True)
    assert "红名单" in public and "安泰物业管理有限公司" in public and "业主满意度显著提高" in public
    assert "黑名单" in public and "康居物业服务有限公司" in public and "办理环节超时" in public
    assert f"{label} 红黑名单" in public or label in public
    english = client.get("/cities/changzhi/property-lists?lang=en").get_data(as_text=True)
    assert "Red and black lists of property-service companies" in english and "steps late on the clock" in english
    month_page = client.get(f"/cities/changzhi/property-lists/{label}")
    assert month_page.status_code == 200 and "康居物业服务有限公司" in month_page.get_data(as_text=True)
    anonymous = client.application.test_client().get("/cities/changzhi/property-lists").get_data(as_text=True)
    assert "安泰物业管理有限公司" in anonymous and "<script" not in anonymous
    # The office's page of the month now shows what was confirmed, with the changed standing's computed one.
    confirmed = client.get(review).get_data(as_text=True)
    assert "计算结果" in confirmed and "业主满意度显著提高" in confirmed


def test_the_office_computes_a_past_month_and_is_refused_a_month_not_over(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    login(client, "official")
    this_month = standing.month_label(today_in_china(utcnow()).replace(day=1))
    refused = client.post("/office/property/cities/changzhi/lists/compute", data={"month": this_month})
    assert refused.status_code == 200 and "只能计算已经结束的月份" in refused.get_data(as_text=True)
    garbled = client.post("/office/property/cities/changzhi/lists/compute", data={"month": "11/2026"})
    assert 'id="month-error"' in garbled.get_data(as_text=True)
    label, _moment = _last_month(pw)
    done = client.post("/office/property/cities/changzhi/lists/compute", data={"month": label})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/lists/{label}")
    index = client.get("/office/property/cities/changzhi/lists").get_data(as_text=True)
    assert label in index and "待确认" in index


def test_the_office_records_a_finding_against_the_serving_company(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    login(client, "official")
    url = f"/office/c/{pw.community.id}/property/findings"
    blank = client.post(url, data={"text": " ", "found_on": today_in_china(utcnow()).isoformat()})
    assert blank.status_code == 200 and 'id="text-error"' in blank.get_data(as_text=True)
    done = client.post(url, data={"text": "公共收益台账未按季度公示", "found_on": today_in_china(utcnow()).isoformat()})
    assert done.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "公共收益台账未按季度公示" in page and "康居物业服务有限公司" in page
    db.session.rollback()
    assert db.session.query(CompanyFinding).count() == 1
    dashboard = client.get(f"/office/{pw.world.office.id}").get_data(as_text=True)
    assert "公共收益台账未按季度公示" in dashboard and "/office/property/cities/changzhi/lists" in dashboard


def test_the_committee_opens_the_survey_and_owners_answer_it_as_a_consultation(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    login(client, "chair")
    url = f"/committee/c/{pw.community.id}/property/satisfaction"
    page = client.get(url).get_data(as_text=True)
    assert "较低的一项" in page or "较低" in page
    assert 'name="closes_on"' in page
    missing = client.post(url, data={})
    assert 'id="closes_on-error"' in missing.get_data(as_text=True)
    closes = (today_in_china(utcnow()) + timedelta(days=14)).isoformat()
    assert client.post(url, data={"closes_on": closes}).status_code == 302
    db.session.rollback()
    survey = db.session.query(SatisfactionSurvey).one()
    consultation = db.session.get(Consultation, survey.consultation_id)
    assert consultation is not None
    page = client.get(url).get_data(as_text=True)
    assert "征询中" in page and 'name="closes_on"' not in page  # one survey a year
    # The consultation's own pages name the survey's purpose, for the committee and on the public board.
    committee_page = client.get(f"/committee/consultations/{consultation.public_id}").get_data(as_text=True)
    assert "物业服务满意度测评" in committee_page and "基本满意" in committee_page
    board = client.get(f"/c/{pw.community.slug}/consultations/{consultation.public_id}").get_data(as_text=True)
    assert "物业服务满意度测评" in board and "不满意" in board


def test_the_flags_show_on_the_committees_community_page_and_the_office_dashboard(app: Flask, client: FlaskClient) -> None:
    pw = property_world(register_a=False)
    voters(pw.community, ["80.00"] * 10)
    # 4 of 10 satisfied (40 %) and 21 upheld complaints this year: the warning and the exit procedure.
    then = utcnow() - timedelta(hours=3)
    held_survey(actor_for(pw.world.committee), pw.community, [0] * 2 + [1] * 2 + [2] * 6, now=then)
    year_start = start_of_day(today_in_china(utcnow()).replace(month=1, day=1))
    requests(pw.community, 21, filed=max(year_start + timedelta(hours=10), then - timedelta(days=1)), upheld=True)
    login(client, "chair")
    community_page = client.get(f"/admin/c/{pw.community.id}").get_data(as_text=True)
    assert "满意度预警" in community_page and "启动退出程序" in community_page and "40.0%" in community_page
    survey_page = client.get(f"/committee/c/{pw.community.id}/property/satisfaction").get_data(as_text=True)
    assert "40.0%" in survey_page and "21" in survey_page
    official = client.application.test_client()
    login(official, "official")
    dashboard = official.get(f"/office/{pw.world.office.id}").get_data(as_text=True)
    assert "兰亭苑" in dashboard and "启动退出程序" in dashboard and "满意度预警" in dashboard
