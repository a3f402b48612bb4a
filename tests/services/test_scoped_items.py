"""Scoped items (RULES §9) through a real session: drafting, the frozen scope, the ballot, the close and the recount."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.communities import services as register
from app.db import db, utcnow
from app.domain.bulletin import BulletinBroken, PublishedRoll, decide, recount
from app.domain.case import evaluate_json
from app.domain.errors import RuleViolation
from app.notices.models import Notice, NoticeKind
from app.security.actor import actor_for
from app.security.keys import load_keyring
from app.sessions import services
from app.sessions.models import AssemblySession, Item, ItemScopeEntry
from app.sessions.services import bulletin
from app.sessions.services.scopes import items_for_voter
from app.voting import services as voting
from tests.factories import CLI, World, draft_session, make_world, register_csv, tokens_by_holder

CASES = Path(__file__).parent.parent / "cases"
DEVELOPER = "兰亭置业有限公司"
# The units of RULES §8 in building 1: A, B, C, D (two units), the developer (two unsold units), E and F together.
RULES_8 = (
    "1,101,80.00,,,,甲,1001,,",
    "1,102,100.00,,,,乙,1002,,",
    "1,103,120.00,,,,丙,1003,,",
    "1,104,90.00,,,,丁,1004,,",
    "1,105,60.00,,,,丁,1004,,",
    f"1,106,150.00,,,,{DEVELOPER},,,未售",
    f"1,107,150.00,,,,{DEVELOPER},,,未售",
    "1,108,100.00,,,,戊、己,1005;1006,,",
)
SCOPE = ["1-101", "1-102", "1-104", "1-106"]


def scoped_session(world: World) -> tuple[AssemblySession, Item, Item, dict[str, str], datetime]:
    """A session announced 16 days ago: a whole-community item and one scoped to 101, 102, 104 and 106."""
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*RULES_8))
    then = utcnow() - timedelta(days=16)
    session = draft_session(world, opens_at=then + timedelta(days=15, hours=1), closes_at=then + timedelta(days=23))
    chair = actor_for(world.committee)
    whole = services.add_item(chair, session.id, matter="cn.other", title="公示栏")
    scoped = services.add_item(chair, session.id, matter="cn.use_fund", title="一单元电梯", scope=SCOPE, scope_label="一单元")
    services.announce_session(chair, session.id, now=then)
    return session, whole, scoped, tokens_by_holder(session.id), utcnow()


def expected(case: str, item_id: str) -> dict[str, object]:
    """The rule engine's decision of the case file's item, with the case's unit ids named as the register names them."""
    result = evaluate_json(json.loads((CASES / f"rules9-{case}.json").read_text()))["items"][0]
    return {**result, "id": item_id, "scope": [f"1-{u}" for u in result["scope"]]}  # type: ignore[union-attr]


def decided(session: AssemblySession, item: Item) -> dict[str, object]:
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result is not None
    found = next(i for i in assembly.result["items"] if i["id"] == str(item.id))
    return {k: v for k, v in found.items() if k not in ("title", "position", "checks", "matter")}


def case_keys(result: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in result.items() if k not in ("checks", "matter")}


def test_the_scope_and_its_roll_are_frozen_at_announcement(app: Flask) -> None:
    world = make_world()
    _session, whole, scoped, _tokens, _now = scoped_session(world)
    db.session.rollback()
    item = db.session.get(Item, scoped.id)
    assert item is not None and item.scope == SCOPE and item.scope_label == "一单元"
    assert (item.scope_area_centi, item.scope_heads) == (42000, 4)
    areas = sorted(db.session.execute(select(ItemScopeEntry.area_centi).where(ItemScopeEntry.item_id == item.id)).scalars())
    assert areas == [8000, 9000, 10000, 15000]  # D weighs only 104 inside the scope, the developer only 106
    assert db.session.get(Item, whole.id).scope is None  # type: ignore[union-attr]
    notice = db.session.execute(select(Notice).where(Notice.kind == NoticeKind.ANNOUNCEMENT)).scalar_one()
    units = r"1\-101、1\-102、1\-104、1\-106"  # Markdown-escaped
    assert f"仅由一单元的业主表决：共 4 套房屋（{units}），4 名表决权人，420.00 平方米。" in notice.body


def test_no_quorum_without_the_developer_then_passed_as_the_rule_engine_decides(app: Flask) -> None:
    world = make_world()
    session, whole, scoped, tokens, now = scoped_session(world)
    q, w = str(scoped.id), str(whole.id)
    voting.cast_ballot(tokens["甲"], {q: "agree", w: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["乙"], {q: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["丁"], {q: "agree", w: "disagree"}, ip="t", now=now)
    voting.cast_ballot(tokens["丙"], {w: "agree"}, ip="t", now=now)
    result = services.compute_result(db.session.get(AssemblySession, session.id), world.community)  # type: ignore[arg-type]
    so_far = next(i for i in result["items"] if i["id"] == q)  # type: ignore[attr-defined, index]
    assert case_keys({k: v for k, v in so_far.items() if k not in ("title", "position")}) == case_keys(
        expected("1-scoped-no-quorum-without-developer", q)
    )
    voting.cast_ballot(tokens[DEVELOPER], {q: "disagree"}, ip="t", now=now)
    assert services.sync_state(session.id, now=now + timedelta(days=30)).value == "tallied"
    assert case_keys(decided(session, scoped)) == case_keys(expected("2-scoped-passes", q))
    whole_result = decided(session, whole)
    assert "scope" not in whole_result and whole_result["participating"] == {"area": "750.00", "heads": 5}


def test_an_owner_outside_the_scope_has_no_such_item_and_cannot_choose_on_it(app: Flask) -> None:
    world = make_world()
    _session, whole, scoped, tokens, now = scoped_session(world)
    q, w = str(scoped.id), str(whole.id)
    # Their ballot never shows the item: a choice on it is a forged request, refused and audited as tampering.
    with pytest.raises(RuleViolation):
        voting.cast_ballot(tokens["丙"], {q: "agree", w: "agree"}, ip="t", now=now)
    db.session.rollback()
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "ballot.tampered")).first() is not None
    ballot = voting.cast_ballot(tokens["戊"], {w: "agree"}, ip="t", now=now)
    assert ballot.choices == {w: "agree"}  # completion does not add the item outside their scope
    inside = voting.cast_ballot(tokens["甲"], {w: "agree"}, ip="t", now=now)
    assert inside.choices == {w: "agree", q: "abstain"}


def test_a_paper_ballot_choosing_on_an_item_outside_the_scope_is_refused(app: Flask) -> None:
    world = make_world()
    session, whole, scoped, _tokens, now = scoped_session(world)
    with pytest.raises(RuleViolation) as refused:
        services.enter_paper_ballot(
            actor_for(world.committee), session.id, unit="1-103", choices={str(scoped.id): "agree"}, paper_reference="P1", now=now
        )
    assert refused.value.field == f"item-{scoped.id}"
    paper = services.enter_paper_ballot(
        actor_for(world.committee), session.id, unit="1-108", choices={str(whole.id): "agree"}, paper_reference="P2", now=now
    )
    assert paper.choices == {str(whole.id): "agree"}


def test_the_ballot_page_items_of_a_voter(app: Flask) -> None:
    world = make_world()
    session, whole, scoped, _tokens, _now = scoped_session(world)
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None
    letters = {letter.roll_entry.units[0]: letter.roll_entry_id for letter in services.letters_of_session(session.id)}
    assert [i.id for i in items_for_voter(assembly, letters["1-103"])] == [whole.id]
    assert [i.id for i in items_for_voter(assembly, letters["1-104"])] == [whole.id, scoped.id]


def closed_and_published(world: World) -> tuple[AssemblySession, Item, list[dict[str, object]], dict[str, object]]:
    session, whole, scoped, tokens, now = scoped_session(world)
    q = str(scoped.id)
    for name in ("甲", "乙", "丁"):
        voting.cast_ballot(tokens[name], {q: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens[DEVELOPER], {q: "disagree"}, ip="t", now=now)
    voting.cast_ballot(tokens["丙"], {str(whole.id): "agree"}, ip="t", now=now)
    services.sync_state(session.id, now=now + timedelta(days=30))
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None
    return assembly, scoped, bulletin.entries(db.session(), assembly.id), services.published_roll(assembly)


def test_the_published_roll_names_the_scope_and_recounts_to_the_result(app: Flask) -> None:
    world = make_world()
    assembly, scoped, entries, roll = closed_and_published(world)
    published = next(i for i in roll["items"] if i["id"] == str(scoped.id))  # type: ignore[attr-defined]
    scope = published["scope"]
    assert scope["units"] == SCOPE and scope["label"] == "一单元" and scope["totals"] == {"area": "420.00", "heads": 4}
    assert sorted(scope["voters"].values()) == ["100.00", "150.00", "80.00", "90.00"]
    keys = load_keyring(app.instance_path).published
    count = recount(entries, keys, items=PublishedRoll.from_json(roll).items, whole=True)
    assert decide(count, PublishedRoll.from_json(roll)) == assembly.result
    # A scoped area changed (with its totals, so the roll still adds up): the recount decides otherwise.
    tampered = json.loads(json.dumps(roll))
    item = next(i for i in tampered["items"] if i["id"] == str(scoped.id))
    developer_name = max(item["scope"]["voters"], key=lambda v: float(item["scope"]["voters"][v]))
    item["scope"]["voters"][developer_name] = "250.00"
    item["scope"]["totals"]["area"] = "520.00"
    # The announcement published the scope's roll by its SHA-256, which roll.json states: a changed roll is named.
    with pytest.raises(RuleViolation, match="SHA-256") as refused:
        PublishedRoll.from_json(tampered)
    assert refused.value.field.endswith("scope.sha256")
    announcement = db.session.execute(
        select(Notice).where(Notice.session_id == assembly.id, Notice.kind == NoticeKind.ANNOUNCEMENT)
    ).scalar_one()
    assert scope["sha256"] in announcement.body
    # Without the SHA-256 (a roll from elsewhere), the other checks still hold it to the bulletin.
    del item["scope"]["sha256"]
    other = decide(recount(entries, keys, items=PublishedRoll.from_json(tampered).items, whole=True), PublishedRoll.from_json(tampered))
    assert other != assembly.result
    # A scoped area changed alone: the roll does not add up and is refused.
    item["scope"]["totals"]["area"] = "420.00"
    with pytest.raises(RuleViolation, match="add up"):
        PublishedRoll.from_json(tampered)


def test_a_recount_refuses_a_ballot_on_a_scoped_item_from_a_voter_outside_the_scope(app: Flask) -> None:
    world = make_world()
    _assembly, scoped, entries, roll = closed_and_published(world)
    published = PublishedRoll.from_json(roll)
    # The roll says the item's scope holds nobody who cast a ballot choosing on it: the first such entry is named.
    shrunk = json.loads(json.dumps(roll))
    item = next(i for i in shrunk["items"] if i["id"] == str(scoped.id))
    first = next(e for e in entries if e["type"] == "ballot" and str(scoped.id) in e["choices"])  # type: ignore[operator]
    area = item["scope"]["voters"].pop(first["voter"])
    item["scope"]["totals"] = {"area": f"{420 - float(area):.2f}", "heads": 3}
    del item["scope"]["sha256"]  # else refused before any entry is read
    with pytest.raises(BulletinBroken) as broken:
        recount(entries, load_keyring(app.instance_path).published, items=PublishedRoll.from_json(shrunk).items, whole=True)
    assert broken.value.seq == first["seq"] and "scope" in broken.value.reason
    assert published.items  # the genuine roll reads


@pytest.mark.parametrize(
    ("scope", "said"),
    [
        (["1-101", "9-999"], "9-999"),
        ([], "no unit"),
        (["1-106", "2-101"], "2-101"),
    ],
)
def test_add_item_refuses_a_scope_the_register_cannot_hold(app: Flask, scope: list[str], said: str) -> None:
    world = make_world()
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*RULES_8, "1,109,12.00,,车位,否,甲,1001,,"))
    then = utcnow()
    session = draft_session(world, opens_at=then + timedelta(days=20), closes_at=then + timedelta(days=25))
    with pytest.raises(RuleViolation) as refused:
        services.add_item(actor_for(world.committee), session.id, matter="cn.use_fund", title="x", scope=scope)
    assert refused.value.field == "scope" and said in refused.value.reason


def test_add_item_refuses_a_scope_without_a_counting_unit(app: Flask) -> None:
    world = make_world()
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*RULES_8, "1,109,12.00,,车位,否,甲,1001,,"))
    then = utcnow()
    session = draft_session(world, opens_at=then + timedelta(days=20), closes_at=then + timedelta(days=25))
    with pytest.raises(RuleViolation) as refused:
        services.add_item(actor_for(world.committee), session.id, matter="cn.use_fund", title="x", scope=["1-109"])
    assert refused.value.field == "scope" and "votes" in refused.value.reason


def test_audit_verify_finds_the_tallied_scoped_session_as_its_bulletin_says(app: Flask) -> None:
    world = make_world()
    assembly, _scoped, _entries, _roll = closed_and_published(world)
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and f"bulletin of session {assembly.public_id}: OK" in verified.output, verified.output
    # Someone with the database moves area between two in-scope voters, keeping the totals: the rows no longer hash
    # to the scope's roll the announcement recorded, and verify says so.
    with db.write() as s:
        rows = list(s.execute(select(ItemScopeEntry).order_by(ItemScopeEntry.area_centi)).scalars())
        rows[0].area_centi, rows[-1].area_centi = rows[0].area_centi - 100, rows[-1].area_centi + 100
    broken = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert broken.exit_code != 0 and "not the one its announcement recorded" in broken.output, broken.output


def test_announcing_checks_the_scope_again_against_the_register_as_it_is_then(app: Flask) -> None:
    world = make_world()
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*RULES_8))
    then = utcnow()
    session = draft_session(world, opens_at=then + timedelta(days=16), closes_at=then + timedelta(days=23))
    chair = actor_for(world.committee)
    services.add_item(chair, session.id, matter="cn.use_fund", title="101 室门前台阶", scope=["1-101"], scope_label="101")
    # The register changes after the draft: 101 no longer counts (a shop, say), so the scope holds no counting unit.
    register.import_register_file(CLI, world.community.id, "r2.csv", register_csv("1,101,80.00,,,否,甲,1001,,"))
    with pytest.raises(RuleViolation, match="no unit that votes") as refused:
        services.announce_session(chair, session.id, now=then)
    assert refused.value.field == "scope" and "101 室门前台阶" in refused.value.reason
    db.session.rollback()
    assert db.session.get(AssemblySession, session.id).announced_at is None  # type: ignore[union-attr]


def test_a_recount_refuses_a_roll_that_puts_a_voter_in_the_scope_after_the_fact(app: Flask) -> None:
    """The server signs every item of a voter's ballot: an entry without the scoped item is of a voter outside its scope."""
    world = make_world()
    _assembly, scoped, entries, roll = closed_and_published(world)
    moved = json.loads(json.dumps(roll))
    item = next(i for i in moved["items"] if i["id"] == str(scoped.id))
    outsider = next(e for e in entries if e["type"] == "ballot" and str(scoped.id) not in e["choices"])  # type: ignore[operator]
    del item["scope"]["sha256"]
    item["scope"]["voters"][outsider["voter"]] = "1.00"
    item["scope"]["totals"] = {"area": f"{float(item['scope']['totals']['area']) + 1:.2f}", "heads": item["scope"]["totals"]["heads"] + 1}
    with pytest.raises(BulletinBroken, match="no choice on item") as broken:
        recount(entries, load_keyring(app.instance_path).published, items=PublishedRoll.from_json(moved).items, whole=True)
    assert broken.value.seq == outsider["seq"]
