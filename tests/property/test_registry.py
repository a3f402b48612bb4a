"""The registry: companies per city kept by its offices, contracts without overlap, staff scoped to their company."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import today_in_china
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.property_services.services import common, registry
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.property_factories import property_world


def test_each_company_sees_only_the_communities_it_serves(app: object) -> None:
    pw = property_world()
    today = today_in_china(utcnow())
    s = db.session()
    assert common.staff_community_ids(s, actor_for(pw.staff), today) == {pw.community.id}
    assert common.staff_community_ids(s, actor_for(pw.other_staff), today) == {pw.world.other_community.id}
    assert common.staff_community_ids(s, actor_for(pw.world.committee), today) == set()
    common.require_serving(s, actor_for(pw.staff), pw.community.id, today)
    with pytest.raises(PermissionDenied):
        common.require_serving(s, actor_for(pw.other_staff), pw.community.id, today)
    # After the contract's term nobody serves A, and its staff may not act there.
    after = pw.contract.ends_on + timedelta(days=1)
    assert common.serving_company(s, pw.community.id, after) is None
    with pytest.raises(PermissionDenied):
        common.require_serving(s, actor_for(pw.staff), pw.community.id, after)


def test_a_second_contract_may_not_overlap_the_first(app: object) -> None:
    pw = property_world()
    official = actor_for(pw.world.official)
    with pytest.raises(RuleViolation) as refused:
        registry.record_contract(
            official,
            community_id=pw.community.id,
            company_id=pw.other_company.public_id,
            starts_on=pw.contract.ends_on,
            ends_on=pw.contract.ends_on + timedelta(days=365),
            fees={"residential": "2"},
            now=utcnow(),
        )
    assert refused.value.field == "starts_on"
    # Ended early, the contract leaves room for the next company from the day it ended.
    ended = pw.contract.starts_on + timedelta(days=400)
    registry.end_contract(official, pw.contract.public_id, ended_on=ended, now=utcnow())
    nxt = registry.record_contract(
        official,
        community_id=pw.community.id,
        company_id=pw.other_company.public_id,
        starts_on=ended,
        ends_on=ended + timedelta(days=365),
        fees={"residential": "2.05", "parking": "0.5"},
        now=utcnow(),
    )
    assert {f.unit_kind: f.fen_per_m2_month for f in nxt.fees} == {"residential": 205, "parking": 50}
    assert common.serving_company(db.session(), pw.community.id, ended).id == pw.other_company.id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fees", "field"),
    [
        ({"residential": "1.855"}, "fees.residential"),
        ({"residential": "abc"}, "fees.residential"),
        ({"villa": "2"}, "fees.villa"),
        ({}, "fees"),
    ],
)
def test_a_fee_standard_is_yuan_and_fen_per_kind_of_unit(app: object, fees: dict[str, str], field: str) -> None:
    pw = property_world()
    registry.end_contract(actor_for(pw.world.official), pw.contract.public_id, ended_on=pw.contract.starts_on, now=utcnow())
    with pytest.raises(RuleViolation) as refused:
        registry.record_contract(
            actor_for(pw.world.official),
            community_id=pw.community.id,
            company_id=pw.company.public_id,
            starts_on=pw.contract.ends_on + timedelta(days=1),
            ends_on=pw.contract.ends_on + timedelta(days=30),
            fees=fees,
            now=utcnow(),
        )
    assert refused.value.field == field


def test_only_the_city_s_offices_keep_its_registry(app: object) -> None:
    pw = property_world()
    for user in (pw.world.committee, pw.staff, pw.world.outsider):
        with pytest.raises(PermissionDenied):
            registry.create_company(actor_for(user), city_id=pw.city.id, name="X", licence_number="91140400MA0KX9999C", now=utcnow())
    with pytest.raises(RuleViolation) as refused:
        registry.create_company(
            actor_for(pw.world.official), city_id=pw.city.id, name="X", licence_number=pw.company.licence_number, now=utcnow()
        )
    assert refused.value.field == "licence_number"
    with pytest.raises(RuleViolation):
        registry.create_company(actor_for(pw.world.official), city_id=pw.city.id, name="X", licence_number="SHORT", now=utcnow())


def test_a_company_s_staff_may_make_a_property_token_and_it_acts_for_their_company_only(app: object) -> None:
    from app.accounts.tokens import actor_of_token, scopes_for

    pw = property_world()
    assert scopes_for(pw.staff) == ["property"]
    assert "property" not in scopes_for(pw.world.committee)
    grants = actor_of_token(pw.staff, frozenset({"property"})).grants
    assert {(g.role.value, g.company_id) for g in grants} == {("property_staff", pw.company.id)}
    assert actor_of_token(pw.staff, frozenset({"committee"})).grants == frozenset()


def test_the_registry_lists_each_company_with_the_communities_it_serves_that_day(app: object) -> None:
    pw = property_world()
    today = today_in_china(utcnow())
    rows = {row.company.name: [c.name for c in row.communities] for row in registry.registry_of_city(pw.city.id, today)}
    assert rows == {"康居物业服务有限公司": ["兰亭苑"], "安泰物业管理有限公司": ["梅园"]}
    after = pw.contract.ends_on + timedelta(days=1)
    assert all(row.communities == [] for row in registry.registry_of_city(pw.city.id, after))
    assert registry.city_of_office(pw.world.office.id).id == pw.city.id  # type: ignore[union-attr]


def test_a_staff_account_is_scoped_to_its_company_and_its_username_is_unique(app: object) -> None:
    pw = property_world()
    official = actor_for(pw.world.official)
    credential = registry.add_staff(official, pw.company.public_id, username="Kangju.Li", display_name="李客服", now=utcnow())
    assert credential.username == "kangju.li" and len(credential.password) >= 12
    assert [u.username for u in registry.staff_of(pw.company.id)] == ["kangju.li", "staff"]
    with pytest.raises(RuleViolation) as taken:
        registry.add_staff(official, pw.other_company.public_id, username="kangju.li", display_name="另一人", now=utcnow())
    assert taken.value.field == "username"
    with pytest.raises(PermissionDenied):
        registry.add_staff(actor_for(pw.staff), pw.company.public_id, username="kangju.wang", display_name="王", now=utcnow())


def test_a_contract_s_documents_are_pdf_png_or_jpeg_by_content_and_read_by_the_parties(app: object) -> None:
    from app.property_services.services import documents

    pw = property_world()
    official = actor_for(pw.world.official)
    with pytest.raises(RuleViolation) as refused:
        documents.add_contract_document(official, pw.contract.public_id, filename="合同.pdf", data=b"MZ not a pdf", now=utcnow())
    assert refused.value.field == "file"
    with pytest.raises(PermissionDenied):
        documents.add_contract_document(actor_for(pw.staff), pw.contract.public_id, filename="合同.pdf", data=b"%PDF-1.4\n", now=utcnow())
    doc = documents.add_contract_document(official, pw.contract.public_id, filename="../合同.pdf", data=b"%PDF-1.4\n%%EOF\n", now=utcnow())
    assert (doc.filename, doc.content_type) == ("合同.pdf", "application/pdf")
    for reader in (pw.world.official, pw.world.committee, pw.staff, pw.world.admin):
        assert documents.contract_document(actor_for(reader), pw.contract.public_id, doc.id).id == doc.id
    for stranger in (pw.other_staff, pw.world.outsider):
        with pytest.raises(PermissionDenied):
            documents.contract_document(actor_for(stranger), pw.contract.public_id, doc.id)


def test_a_day_is_read_as_iso_and_a_bad_one_names_its_field(app: object) -> None:
    assert registry.parse_day(" 2027-01-31 ", "starts_on").isoformat() == "2027-01-31"
    with pytest.raises(RuleViolation) as refused:
        registry.parse_day("2027/01/31", "ends_on")
    assert refused.value.field == "ends_on"
