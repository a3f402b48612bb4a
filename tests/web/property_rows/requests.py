"""Rows of the requests' routes: the owner's letter pages (a token nobody opened: not found for all), the board (public),
the company's steps (its staff only, in A), the committee's and the office's pages and the ledger's files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import db, utcnow
from app.property_services.services import request_filing, requests
from app.security.actor import actor_for

#             anonymous, admin, chair, outsider, official, staff, staff_b, district
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200)
NOBODY = (404, 404, 404, 404, 404, 404, 404, 404)
FOUND = (302, 302, 302, 302, 302, 302, 302, 302)
STAFF = (302, 403, 403, 403, 403, 200, 403, 403)
STAFF_ACTS = (302, 403, 403, 403, 403, 302, 403, 403)
READERS = (302, 200, 200, 403, 200, 200, 403, 403)  # the company, the committee, the office, the administrators
WATCHERS = (302, 200, 200, 403, 200, 403, 403, 403)
OFFICE = (302, 200, 403, 403, 200, 403, 403, 403)
OFFICE_ACTS = (302, 403, 403, 403, 302, 403, 403, 403)
COMMITTEE_ACTS = (302, 403, 302, 403, 403, 403, 403, 403)

ROWS: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "property.new_letter_request": ("GET", "/v/unopened/requests/new", NOBODY),
    "property.letter_requests": ("GET", "/v/unopened/requests", NOBODY),
    "property.rate_with_letter": ("POST", "/v/unopened/requests/{filed}/rate", NOBODY),
    "property.letter_photo": ("GET", "/v/unopened/requests/{filed}/photos/{photo}", NOBODY),
    "property.board_requests": ("GET", "/c/lanting/property/requests", PUBLIC),
    "property.new_board_request": ("GET", "/c/lanting/property/requests/new", PUBLIC),
    "property.board_request": ("GET", "/c/lanting/property/requests/{filed}", PUBLIC),
    # Finding one's request by its number: a redirect to its page (which asks who one is), known or not.
    "property.find_board_request": ("GET", "/c/lanting/property/requests/find?number={filed}", FOUND),
    "property.rate_on_board": ("POST", "/c/lanting/property/requests/{filed}/rate", (302,) * 8),
    "property.staff_requests": ("GET", "/property/c/{a}/requests", STAFF),
    "property.show_request": ("GET", "/property/requests/{filed}", READERS),
    "property.request_photo": ("GET", "/property/requests/{filed}/photos/{photo}", READERS),
    "property.acknowledge_request": ("POST", "/property/requests/{filed}/acknowledge", STAFF_ACTS),
    "property.arrive_on_site": ("POST", "/property/requests/{acknowledged}/on-site", STAFF_ACTS),
    "property.resolve_request": ("POST", "/property/requests/{on_site}/resolve", STAFF_ACTS),
    "property.follow_up_request": ("POST", "/property/requests/{resolved}/follow-up", STAFF_ACTS),
    "property.ledger_csv": ("GET", "/property/c/{a}/requests/ledger.csv", READERS),
    "property.ledger_xlsx": ("GET", "/property/c/{a}/requests/ledger.xlsx", READERS),
    "property.committee_requests": ("GET", "/committee/c/{a}/property/requests", WATCHERS),
    "property.committee_note": ("POST", "/committee/c/{a}/property/escalations/{escalation}/noted", COMMITTEE_ACTS),
    "property.office_requests": ("GET", "/office/c/{a}/property/requests", OFFICE),
    "property.office_note": ("POST", "/office/c/{a}/property/escalations/{escalation}/noted", OFFICE_ACTS),
    "property.judge_request": ("POST", "/office/property/requests/{filed}/judge", OFFICE_ACTS),
}

FORM_DATA = {
    "property.resolve_request": {"resolution": "更换了水管"},
    "property.follow_up_request": {"note": "业主满意"},
    "property.judge_request": {"upheld": "yes"},
}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def setup(pw: Any) -> dict[str, str]:
    """Four requests of A, each at a step (a complaint with a photo just filed, one acknowledged, one on site, one
    resolved), and the first's escalation."""
    then = utcnow() - timedelta(hours=4)
    staff = actor_for(pw.staff)

    def filed(category: str = "repair", photos: tuple[request_filing.Photo, ...] = ()) -> str:
        found = request_filing.file_by_identity(
            pw.community.id,
            unit="1-101",
            name="张伟",
            id_last4="1234",
            category=category,
            kind="leak",
            text="漏水",
            photos=photos,
            ip="-",
            now=then,
        )
        return found.public_id

    first = filed("complaint", (request_filing.Photo("leak.png", PNG),))
    acknowledged, on_site, resolved = filed(), filed(), filed()
    for number in (acknowledged, on_site, resolved):
        requests.acknowledge(staff, number, now=then)
    for number in (on_site, resolved):
        requests.arrive_on_site(staff, number, now=then)
    requests.resolve(staff, resolved, resolution="已修复", now=then)
    requests.escalate_due(utcnow())
    view = requests.load_request(db.session(), first)
    return {
        "a": str(pw.community.id),
        "filed": first,
        "photo": str(view.photos[0].id),
        "escalation": str(view.escalations[0].id),
        "acknowledged": acknowledged,
        "on_site": on_site,
        "resolved": resolved,
    }
