"""Rows of the registry's, the contracts', the company staff's home and the service's facts' routes."""

from __future__ import annotations

from typing import Any

from app.db import utcnow
from app.property_services.services import documents, facts
from app.security.actor import actor_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# ROLES: anonymous, admin, chair, outsider, official, staff, staff_b, district
REGISTRY = (302, 200, 403, 403, 200, 403, 403, 403)  # the city's street offices and the administrators
CONTRACTS = (302, 200, 403, 403, 200, 403, 403, 403)  # the community's street office and the administrators
READ_CONTRACT = (302, 200, 200, 403, 200, 200, 403, 403)  # and the community's committee and the company's own staff
REFUSED_POST = (302, 422, 403, 403, 422, 403, 403, 403)  # reaches the check, then the empty form is refused

ROWS: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "property.list_companies": ("GET", "/office/property/cities/{city}/companies", REGISTRY),
    "property.create_company": ("GET", "/office/property/cities/{city}/companies/new", REGISTRY),
    "property.show_company": ("GET", "/office/property/companies/{company}", REGISTRY),
    "property.edit_company": ("GET", "/office/property/companies/{company}/edit", REGISTRY),
    "property.add_staff": ("GET", "/office/property/companies/{company}/staff/new", REGISTRY),
    "property.list_contracts": ("GET", "/office/property/c/{a}/contracts", CONTRACTS),
    "property.record_contract": ("GET", "/office/property/c/{a}/contracts/new", CONTRACTS),
    "property.show_contract": ("GET", "/office/property/contracts/{contract}", READ_CONTRACT),
    "property.end_contract": ("POST", "/office/property/contracts/{contract}/end", REFUSED_POST),
    "property.add_contract_document": ("POST", "/office/property/contracts/{contract}/documents", REFUSED_POST),
    "property.contract_document": ("GET", "/office/property/contracts/{contract}/documents/{document}", READ_CONTRACT),
    "property.staff_home": ("GET", "/property/", (302, 403, 403, 403, 403, 200, 200, 403)),
    "property.staff_facts": ("GET", "/property/c/{a}/facts", (302, 403, 403, 403, 403, 200, 403, 403)),
    "property.committee_facts": ("GET", "/committee/c/{a}/property/facts", (302, 200, 200, 403, 200, 403, 403, 403)),
    # Only the committee decides; its chair's empty return is refused for want of a reason (422).
    "property.confirm_facts": ("POST", "/committee/c/{a}/property/facts/{version}/confirm", (302, 403, 302, 403, 403, 403, 403, 403)),
    "property.return_facts": ("POST", "/committee/c/{a}/property/facts/{version}/return", (302, 403, 422, 403, 403, 403, 403, 403)),
    "property.board": ("GET", "/c/lanting/property", (200, 200, 200, 200, 200, 200, 200, 200)),
}


def setup(pw: Any) -> dict[str, str]:
    now = utcnow()
    document = documents.add_contract_document(actor_for(pw.world.official), pw.contract.public_id, filename="合同.pdf", data=PDF, now=now)
    version = facts.submit_facts(
        actor_for(pw.staff), pw.community.id, manager_name="陈经理", manager_phone="13900000000", contractors=[], utility_costs=[], now=now
    )
    return {
        "a": str(pw.community.id),
        "b": str(pw.world.other_community.id),
        "company": pw.company.public_id,
        "city": pw.city.code,
        "contract": pw.contract.public_id,
        "document": str(document.id),
        "version": str(version.version),
    }
