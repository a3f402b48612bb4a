"""Rows of the property services' API: the public reads answer everyone; the owners' operations need a JSON body
first (a form post is refused 415 whoever sends it); the company's, the committee's and the office's operations need a
bearer token, which no browser session is (401 for every role; tokens × roles: tests/web/test_api_property.py)."""

from __future__ import annotations

#             anonymous, admin, chair, outsider, official, staff, staff_b, district
PUBLIC = (200,) * 8
NONE_PUBLISHED = (404,) * 8
JSON_FIRST = (415,) * 8
TOKEN = (401,) * 8

V1 = "/api/v1"
A = f"{V1}/communities/lanting/property"

ROWS: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "api.get_property_service": ("GET", A, PUBLIC),
    "api.get_request_figures": ("GET", f"{A}/requests/figures", PUBLIC),
    "api.get_property_lists": ("GET", f"{V1}/cities/changzhi/property-lists", PUBLIC),
    "api.get_property_list": ("GET", f"{V1}/cities/changzhi/property-lists/2000-01", NONE_PUBLISHED),
    "api.list_letter_requests": ("POST", f"{V1}/letters/unopened/property/requests", JSON_FIRST),
    "api.file_letter_request": ("POST", f"{V1}/letters/unopened/property/requests/new", JSON_FIRST),
    "api.rate_letter_request": ("POST", f"{V1}/letters/unopened/property/requests/{{filed}}/rating", JSON_FIRST),
    "api.file_board_request": ("POST", f"{A}/requests", JSON_FIRST),
    "api.get_board_request": ("POST", f"{A}/requests/{{filed}}/lookup", JSON_FIRST),
    "api.rate_board_request": ("POST", f"{A}/requests/{{filed}}/rating", JSON_FIRST),
    # The company's staff.
    "api.list_staff_communities": ("GET", f"{V1}/property/communities", TOKEN),
    "api.get_staff_queue": ("GET", f"{A}/queue", TOKEN),
    "api.get_property_request": ("GET", f"{V1}/property/requests/{{filed}}", TOKEN),
    "api.acknowledge_request": ("POST", f"{V1}/property/requests/{{filed}}/acknowledge", TOKEN),
    "api.arrive_on_site": ("POST", f"{V1}/property/requests/{{acknowledged}}/on-site", TOKEN),
    "api.resolve_request": ("POST", f"{V1}/property/requests/{{on_site}}/resolve", TOKEN),
    "api.follow_up_request": ("POST", f"{V1}/property/requests/{{resolved}}/follow-up", TOKEN),
    "api.list_service_facts": ("GET", f"{A}/facts", TOKEN),
    "api.submit_service_facts": ("POST", f"{A}/facts", TOKEN),
    # The committee.
    "api.confirm_service_facts": ("POST", f"{A}/facts/1/confirm", TOKEN),
    "api.return_service_facts": ("POST", f"{A}/facts/1/return", TOKEN),
    "api.list_community_requests": ("GET", f"{A}/requests", TOKEN),
    "api.list_escalations": ("GET", f"{A}/escalations", TOKEN),
    "api.note_escalation_by_committee": ("POST", f"{A}/escalations/{{escalation}}/committee-noted", TOKEN),
    "api.open_satisfaction_survey": ("POST", f"{A}/satisfaction-survey", TOKEN),
    # The street office.
    "api.list_property_companies": ("GET", f"{V1}/cities/changzhi/property/companies", TOKEN),
    "api.create_property_company": ("POST", f"{V1}/cities/changzhi/property/companies", TOKEN),
    "api.edit_property_company": ("POST", f"{V1}/property/companies/nonexistent", TOKEN),
    "api.add_property_staff": ("POST", f"{V1}/property/companies/nonexistent/staff", TOKEN),
    "api.list_property_contracts": ("GET", f"{A}/contracts", TOKEN),
    "api.record_property_contract": ("POST", f"{A}/contracts", TOKEN),
    "api.end_property_contract": ("POST", f"{V1}/property/contracts/nonexistent/end", TOKEN),
    "api.get_property_ledger": ("GET", f"{A}/ledger", TOKEN),
    "api.judge_property_request": ("POST", f"{V1}/property/requests/{{filed}}/judgement", TOKEN),
    "api.note_escalation_by_office": ("POST", f"{A}/escalations/{{escalation}}/office-noted", TOKEN),
    "api.list_company_findings": ("GET", f"{A}/findings", TOKEN),
    "api.record_company_finding": ("POST", f"{A}/findings", TOKEN),
    "api.get_month_standings": ("GET", f"{V1}/cities/changzhi/property-lists/2000-01/standings", TOKEN),
    "api.compute_month_standings": ("POST", f"{V1}/cities/changzhi/property-lists/2000-01/compute", TOKEN),
    "api.confirm_month_standings": ("POST", f"{V1}/cities/changzhi/property-lists/2000-01/confirm", TOKEN),
}
