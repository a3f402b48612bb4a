"""The registry's, the contracts' and the service's facts' pages: what the office, the company's staff, the committee
and the public see, in Chinese and in English, and the messages that name the field or the row of a bad value."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import login
from tests.property_factories import PropertyWorld, property_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _text(response: Any) -> str:
    text: str = response.get_data(as_text=True)
    return text


def _facts_form(rows: list[dict[str, str]] | None = None, costs: list[dict[str, str]] | None = None, **fields: str) -> dict[str, str]:
    data = {"manager_name": "陈经理", "manager_phone": "13900000000"} | fields
    for i, row in enumerate(rows or []):
        data |= {f"contractors-{i}-{k}": v for k, v in row.items()}
    for i, row in enumerate(costs or []):
        data |= {f"utility_costs-{i}-{k}": v for k, v in row.items()}
    return data


ELEVATOR = {"kind": "elevator", "name": "奥菱电梯维保", "phone": "0355-2020202"}
LIGHTING = {"period": "2026-11", "item": "公共照明电费", "amount": "1280.50", "basis": "按建筑面积分摊"}


# The registry -------------------------------------------------------------------------------------------------------


def test_the_office_adds_a_company_and_a_bad_code_is_named_at_its_field(app: Flask) -> None:
    pw = property_world()
    office = _signed_in(app, "official")
    new = f"/office/property/cities/{pw.city.code}/companies/new"
    refused = office.post(new, data={"name": "华苑物业", "licence_number": "12345"})
    assert refused.status_code == 200
    page = _text(refused)
    assert 'id="licence_number-error"' in page and "统一社会信用代码由 18 位数字和大写字母组成。" in page
    duplicate = _text(office.post(new, data={"name": "华苑物业", "licence_number": pw.company.licence_number}))
    assert "名录中已有使用该代码的企业。" in duplicate
    made = office.post(new, data={"name": "华苑物业", "licence_number": "91140400ma0kx4321c", "contact_phone": "0355-7654321"})
    assert made.status_code == 302
    listing = _text(office.get(f"/office/property/cities/{pw.city.code}/companies"))
    assert "华苑物业" in listing and "91140400MA0KX4321C" in listing
    # Each company with the communities it serves today.
    row = re.search(r"康居物业服务有限公司.*?</tr>", listing, re.S)
    assert row and "兰亭苑" in row.group(0) and "梅园" not in row.group(0)
    assert "华苑物业" in listing.split("91140400MA0KX4321C")[0]


def test_a_staff_account_s_initial_password_is_shown_once_and_signs_in(app: Flask) -> None:
    pw = property_world()
    office = _signed_in(app, "official")
    address = f"/office/property/companies/{pw.company.public_id}/staff/new"
    bad = _text(office.post(address, data={"display_name": "李客服", "username": "9x"}))
    assert 'id="username-error"' in bad
    page = _text(office.post(address, data={"display_name": "李客服", "username": "kangju.li"}))
    password = re.search(r"<td><code>kangju\.li</code></td><td><code>([^<]+)</code>", page)
    assert password, page
    assert password.group(1) not in _text(office.get(address))
    assert password.group(1) not in _text(office.get(f"/office/property/companies/{pw.company.public_id}"))
    assert "李客服" in _text(office.get(f"/office/property/companies/{pw.company.public_id}"))
    # The new account signs in with it and is asked to enrol an authenticator, as every official is.
    fresh = app.test_client()
    signed = fresh.post("/login", data={"username": "kangju.li", "password": password.group(1)})
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/login/enrol")


def test_the_company_page_shows_its_contracts_and_staff_and_edits_keep_the_code_checked(app: Flask) -> None:
    pw = property_world()
    office = _signed_in(app, "official")
    page = _text(office.get(f"/office/property/companies/{pw.company.public_id}"))
    assert "兰亭苑" in page and "有效" in page and "<code>staff</code>" in page and "staff_b" not in page
    edit = f"/office/property/companies/{pw.company.public_id}/edit"
    assert pw.company.licence_number in _text(office.get(edit))
    refused = _text(office.post(edit, data={"name": "康居物业", "licence_number": pw.other_company.licence_number}))
    assert 'id="licence_number-error"' in refused
    assert office.post(edit, data={"name": "康居物业（更名）", "licence_number": pw.company.licence_number}).status_code == 302
    assert "康居物业（更名）" in _text(office.get(f"/office/property/cities/{pw.city.code}/companies"))


# Contracts ----------------------------------------------------------------------------------------------------------


def test_recording_a_contract_names_the_fee_or_the_day_that_is_wrong(app: Flask) -> None:
    pw = property_world()
    office = _signed_in(app, "official")
    new = f"/office/property/c/{pw.community.id}/contracts/new"
    term = {"company": pw.other_company.public_id, "starts_on": "2040-01-01", "ends_on": "2042-12-31"}
    bad_fee = _text(office.post(new, data=term | {"fee_residential": "1.8", "fee_parking": "五毛"}))
    assert 'id="fee_parking-error"' in bad_fee and "请按每月每平方米多少元填写收费标准" in bad_fee
    no_fee = _text(office.post(new, data=term))
    assert 'id="fee_residential-error"' in no_fee and "请至少填写一种房屋类型的收费标准。" in no_fee
    bad_day = _text(office.post(new, data=term | {"starts_on": "2040/01/01", "fee_residential": "2"}))
    assert 'id="starts_on-error"' in bad_day and "YYYY-MM-DD" in bad_day
    overlap = term | {"starts_on": pw.contract.ends_on.isoformat(), "fee_residential": "2"}
    assert "已有另一份合同" in _text(office.post(new, data=overlap))
    made = office.post(new, data=term | {"fee_residential": "2.05", "fee_commercial": "3.5", "scope": "保洁、秩序维护、绿化养护"})
    assert made.status_code == 302
    contract = _text(office.get(made.headers["Location"]))
    assert "安泰物业管理有限公司" in contract and "2040-01-01 – 2042-12-31" in contract
    assert "2.05" in contract and "3.50" in contract and "保洁、秩序维护、绿化养护" in contract
    listing = _text(office.get(f"/office/property/c/{pw.community.id}/contracts"))
    assert "尚未开始" in listing and "目前 康居物业服务有限公司" in listing


def test_ending_a_contract_early_takes_the_company_off_the_board(app: Flask) -> None:
    pw = property_world()
    office = _signed_in(app, "official")
    address = f"/office/property/contracts/{pw.contract.public_id}"
    assert "data-confirm" in _text(office.get(address))
    outside = office.post(f"{address}/end", data={"ended_on": (pw.contract.ends_on.replace(year=pw.contract.ends_on.year + 1)).isoformat()})
    assert outside.status_code == 422 and "终止日期必须在合同期限之内。" in _text(outside)
    assert office.post(f"{address}/end", data={"ended_on": pw.contract.starts_on.isoformat()}).status_code == 302
    ended = _text(office.get(address))
    assert "提前终止于" in ended and 'action="' + address + '/end"' not in ended
    assert "本小区尚未登记物业服务企业。" in _text(app.test_client().get("/c/lanting/property"))
    # Its staff no longer reach the community.
    staff = _signed_in(app, "staff")
    assert staff.get(f"/property/c/{pw.community.id}/facts").status_code == 403
    assert "兰亭苑" not in _text(staff.get("/property/"))


def test_a_contract_s_documents_are_uploaded_checked_by_content_and_downloaded(app: Flask) -> None:
    pw = property_world()
    office = _signed_in(app, "official")
    address = f"/office/property/contracts/{pw.contract.public_id}"
    assert "这份合同还没有附件。" in _text(office.get(address))
    refused = office.post(f"{address}/documents", data={"file": (io.BytesIO(b"GIF89a..."), "合同.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "PDF" in _text(refused) and 'id="file-error"' in _text(refused)
    uploaded = office.post(f"{address}/documents", data={"file": (io.BytesIO(PDF), "物业服务合同.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 302
    link = re.search(r'href="([^"]+/documents/\d+)">物业服务合同\.pdf', _text(office.get(address)))
    assert link
    download = office.get(link.group(1))
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    # The committee and the company read it; the other company does not.
    assert _signed_in(app, "chair").get(link.group(1)).status_code == 200
    assert _signed_in(app, "staff").get(link.group(1)).status_code == 200
    assert _signed_in(app, "staff_b").get(link.group(1)).status_code == 403


def test_the_community_page_the_dashboard_and_the_board_link_the_property_pages(app: Flask) -> None:
    pw = property_world()
    office = _signed_in(app, "official")
    assert f"/office/property/c/{pw.community.id}/contracts" in _text(office.get(f"/admin/c/{pw.community.id}"))
    assert f"/office/property/cities/{pw.city.code}/companies" in _text(office.get(f"/office/{pw.world.office.id}"))
    chair_page = _text(_signed_in(app, "chair").get(f"/admin/c/{pw.community.id}"))
    assert f"/committee/c/{pw.community.id}/property/facts" in chair_page and "/contracts" not in chair_page
    assert "/c/lanting/property" in _text(app.test_client().get("/c/lanting"))


# The company's staff --------------------------------------------------------------------------------------------------


def test_a_staff_member_lands_on_their_company_s_communities(app: Flask) -> None:
    pw = property_world()
    staff = _signed_in(app, "staff")
    for landing in ("/", "/admin/"):
        assert "/property/" in _text(staff.get(landing))
    home = _text(staff.get("/property/"))
    assert "康居物业服务有限公司" in home and "兰亭苑" in home and "梅园" not in home
    assert f"/property/c/{pw.community.id}/facts" in home and "/c/lanting/property" in home
    other = _text(_signed_in(app, "staff_b").get("/property/"))
    assert "梅园" in other and "兰亭苑" not in other
    assert 'href="/property/"' not in _text(_signed_in(app, "chair").get("/"))


def test_the_company_s_update_names_the_row_of_a_bad_value_and_keeps_what_was_typed(app: Flask) -> None:
    pw = property_world()
    staff = _signed_in(app, "staff")
    address = f"/property/c/{pw.community.id}/facts"
    page = _text(staff.get(address))
    assert 'name="contractors-0-kind"' in page and 'name="utility_costs-0-period"' in page
    bad_phone = {"kind": "fire", "name": "潞安消防", "phone": "打电话"}
    refused = staff.post(address, data=_facts_form([ELEVATOR, bad_phone], [LIGHTING]))
    assert refused.status_code == 422
    text = _text(refused)
    assert "专业服务单位第 2 行：请填写数字组成的电话号码" in text
    assert 'id="contractors-1-phone-error"' in text and 'value="打电话"' in text and 'value="奥菱电梯维保"' in text
    bad_month = _text(staff.post(address, data=_facts_form([ELEVATOR], [LIGHTING, LIGHTING | {"period": "2026-13"}])))
    assert "公共水电费分摊第 2 行：月份请按 YYYY-MM 填写" in bad_month
    bad_amount = _text(staff.post(address, data=_facts_form([], [LIGHTING | {"amount": "1280.505"}])))
    assert "公共水电费分摊第 1 行" in bad_amount and 'id="utility_costs-0-amount-error"' in bad_amount
    no_manager = _text(staff.post(address, data=_facts_form(manager_name="")))
    assert 'id="manager_name-error"' in no_manager and "项目负责人：必填。" in no_manager
    english = staff.post(f"{address}?lang=en", data=_facts_form([ELEVATOR, bad_phone]))
    assert "Contractors, row 2: Give a telephone number of digits" in _text(english)


def test_from_the_company_s_update_to_the_board_through_the_committee(app: Flask) -> None:
    pw = property_world()
    public = app.test_client()
    assert "该企业尚无经业主委员会确认的公示信息。" in _text(public.get("/c/lanting/property"))
    staff = _signed_in(app, "staff")
    address = f"/property/c/{pw.community.id}/facts"
    sent = staff.post(address, data=_facts_form([ELEVATOR], [LIGHTING, LIGHTING | {"item": "电梯电费", "amount": "955.20"}]))
    assert sent.status_code == 302
    waiting = _text(staff.get(address))
    assert "正待业主委员会确认" in waiting and 'name="manager_name"' not in waiting
    assert "陈经理" not in _text(public.get("/c/lanting/property"))  # not on the board before the committee confirms

    chair = _signed_in(app, "chair")
    committee = f"/committee/c/{pw.community.id}/property/facts"
    review = _text(chair.get(committee))
    assert "陈经理" in review and "奥菱电梯维保" in review and "data-confirm" in review
    no_reason = chair.post(f"{committee}/1/return", data={"reason": ""})
    assert no_reason.status_code == 422 and 'id="reason-error"' in _text(no_reason)
    assert chair.post(f"{committee}/1/return", data={"reason": "电梯电费与电表读数不符"}).status_code == 302
    again = _text(staff.get(address))
    assert "业主委员会退回了第 1 版" in again and "电梯电费与电表读数不符" in again and 'value="955.20"' in again

    assert staff.post(address, data=_facts_form([ELEVATOR], [LIGHTING])).status_code == 302
    assert chair.post(f"{committee}/2/confirm").status_code == 302
    board = _text(public.get("/c/lanting/property"))
    assert "康居物业服务有限公司" in board and pw.company.licence_number in board and "0355-1234567" in board
    assert "陈经理" in board and "13900000000" in board and "电梯维保" in board and "奥菱电梯维保" in board
    assert "2026-11" in board and "1,280.50" in board and "按建筑面积分摊" in board and "955.20" not in board
    assert "业主委员会于" in board and "1.85" in board
    # Nobody's name but the manager on duty's: not the staff who sent it, nor the committee member who confirmed it.
    assert "康居客服" not in board and "王主任" not in board and "<script" not in board
    assert '<meta name="viewport"' in board
    english = _text(public.get("/c/lanting/property?lang=en"))
    assert "Manager on duty" in english and "Elevator maintenance" in english and "Confirmed by the owners' committee on" in english


def test_the_board_s_empty_states(app: Flask) -> None:
    property_world()
    public = app.test_client()
    meiyuan = _text(public.get("/c/meiyuan/property"))
    assert "安泰物业管理有限公司" in meiyuan and "该企业尚无经业主委员会确认的公示信息。" in meiyuan
    english = _text(public.get("/c/meiyuan/property?lang=en"))
    assert "The company has no facts confirmed by the owners' committee yet." in english
    assert public.get("/c/nowhere/property").status_code == 404


def test_a_staff_member_of_another_company_reaches_nothing_of_the_community(app: Flask) -> None:
    pw: PropertyWorld = property_world()
    other = _signed_in(app, "staff_b")
    assert other.get(f"/property/c/{pw.community.id}/facts").status_code == 403
    assert other.post(f"/property/c/{pw.community.id}/facts", data=_facts_form([ELEVATOR])).status_code == 403
    assert other.get(f"/office/property/contracts/{pw.contract.public_id}").status_code == 403
    assert other.get(f"/committee/c/{pw.community.id}/property/facts").status_code == 403


def test_the_staff_home_and_the_board_lead_to_the_requests(app: Flask) -> None:
    pw = property_world()
    staff = app.test_client()
    login(staff, "staff")
    home = staff.get("/property/?lang=en").get_data(as_text=True)
    assert f"/property/c/{pw.community.id}/requests" in home and f"/property/c/{pw.world.other_community.id}/requests" not in home
    board = app.test_client().get("/c/lanting/property?lang=en").get_data(as_text=True)
    assert "/c/lanting/property/requests/new" in board and 'href="/c/lanting/property/requests"' in board
