"""Fund projects (RULES §11): opened with a scope and a budget, approved only on a standing decision, spent within the budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.communities import services as register
from app.db import db
from app.domain.errors import RuleViolation
from app.domain.ledger import LedgerKind
from app.fund.models.projects import FundProject, ProjectState
from app.fund.services import projects
from app.ledgers import services as ledgers
from app.ledgers.models import LedgerEntry
from app.notices import services as notices
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.sessions.models import Item
from tests.factories import CLI, World, decided_item, draft_session, make_world, register_csv

NOW = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def registered(world: World) -> None:
    rows = [f"1,{n},90.00,,,,一号楼业主{n},{n:04d},," for n in (101, 102, 201)]
    rows += [f"2,{n},80.00,,,,二号楼业主{n},{n + 5000:04d},," for n in (101, 102)]
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))


def building(world: World, name: str) -> int:
    return next(b.id for b in world.community.buildings if b.name == name)


def opened(world: World, **more: object) -> FundProject:
    fields: dict[str, object] = {
        "title": "1 号楼电梯更新",
        "works": "更换 1 号楼两台电梯的曳引机和控制柜",
        "contractor": "迅达电梯",
        "budget": "480,000",
        "buildings": [building(world, "1")],
        "works_end": "2027-05-31",
        **more,
    }
    return projects.open_project(actor_for(world.committee), community_id=world.community.id, now=NOW, **fields)  # type: ignore[arg-type]


def decided(world: World, project: FundProject, **decision: object) -> None:
    """The project's item as the owners and the office left it (the count itself is tested with the sessions)."""
    item_id = decided_item(world, str(decision.pop("matter", "cn.use_fund")), **decision)  # type: ignore[arg-type]
    with db.write() as s:
        s.get(FundProject, project.id).item_id = item_id  # type: ignore[union-attr]


def invoice(world: World, project: FundProject, amount: str, day: str = "2027-02-27") -> LedgerEntry:
    return projects.book_invoice(actor_for(world.committee), project.id, day=day, amount=amount, voucher="FP-1", now=NOW)


def test_a_project_names_its_works_scope_contractor_and_budget(app: Flask) -> None:
    world = make_world()
    registered(world)
    project = opened(world)
    assert project.scope == ["1-101", "1-102", "1-201"] and project.scope_label == "1 号楼" and project.budget_fen == 48_000_000
    assert project.state is ProjectState.APPLIED
    (notice,) = notices.board(world.community.id)
    assert "1 号楼电梯更新" in notice.title and "480,000.00" in notice.body
    part = opened(world, buildings=[], units="2-101，2-102", title="2 号楼屋面")
    assert part.scope == ["2-101", "2-102"] and part.scope_label == "2-101、2-102"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": " "}, "title", "required"),
        ({"works": "."}, "works", "at least 10"),
        ({"budget": "0"}, "budget", "greater than zero"),
        ({"budget": "99.999"}, "budget", "two decimals"),
        ({"buildings": [], "units": "1-101, 9-909"}, "scope", "9-909"),
        ({"buildings": []}, "scope", "Choose the buildings"),
        ({"works_start": "2027-06-01", "works_end": "2027-05-31"}, "works_end", "end before"),
        ({"works_end": "31/05/2027"}, "works_end", "YYYY-MM-DD"),
    ],
)
def test_a_bad_project_names_the_field_and_writes_nothing(app: Flask, fields: dict, field: str, message: str) -> None:
    world = make_world()
    registered(world)
    with pytest.raises(RuleViolation, match=message) as refused:
        opened(world, **fields)
    assert refused.value.field == field
    assert db.session.execute(select(func.count()).select_from(FundProject)).scalar_one() == 0
    assert notices.board(world.community.id) == []


def test_only_the_committee_opens_and_runs_its_projects(app: Flask) -> None:
    world = make_world()
    registered(world)
    for user in (world.outsider, world.official):
        with pytest.raises(PermissionDenied):
            projects.open_project(
                actor_for(user),
                community_id=world.community.id,
                title="x",
                works="xxxxxxxxxxxx",
                contractor="x",
                budget="1",
                buildings=[building(world, "1")],
                now=NOW,
            )
    project = opened(world)
    with pytest.raises(PermissionDenied):
        projects.withdraw(actor_for(world.outsider), project.id, now=NOW)


def test_the_project_goes_on_a_draft_session_as_its_scoped_fund_item(app: Flask) -> None:
    world = make_world()
    registered(world)
    project = opened(world)
    session = draft_session(world, opens_at=NOW + timedelta(days=20), closes_at=NOW + timedelta(days=30))
    item = projects.put_on_session(actor_for(world.committee), project.id, assembly_id=session.id, now=NOW)
    stored = db.session.get(Item, item.id)
    assert stored is not None and stored.matter == "cn.use_fund" and "1 号楼电梯更新" in stored.title and "480,000.00" in stored.body
    assert stored.scope == ["1-101", "1-102", "1-201"] and stored.scope_label == "1 号楼"
    with pytest.raises(RuleViolation, match="already an item"):
        projects.put_on_session(actor_for(world.committee), project.id, assembly_id=session.id, now=NOW)
    other = opened(world, title="另一项")
    with pytest.raises(PermissionDenied):
        elsewhere = draft_session(world, opens_at=NOW + timedelta(days=20), closes_at=NOW + timedelta(days=30))
        projects.put_on_session(actor_for(world.outsider), other.id, assembly_id=elsewhere.id, now=NOW)


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"matter": "cn.hire_manager"}, "not .*maintenance fund"),
        ({"verdict": None}, "not yet certified"),
        ({"outcome": "rejected"}, "owners rejected it"),
        ({"verdict": "rejected"}, "rejected the result"),
        ({"revoked": True}, "revoked the decision"),
    ],
    ids=["hire-manager", "uncertified", "rejected", "office-rejected", "revoked"],
)
def test_approval_and_spending_need_a_passed_certified_standing_fund_item(app: Flask, decision: dict, message: str) -> None:
    world = make_world()
    registered(world)
    project = opened(world, budget="99,999,999")
    decided(world, project, **decision)
    with pytest.raises(RuleViolation, match=message):
        projects.approve(actor_for(world.committee), project.id, now=NOW)
    with pytest.raises(RuleViolation, match="not approved yet"):
        invoice(world, project, "1000")
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 0


def test_invoices_are_booked_up_to_the_budget_and_a_revocation_stops_them(app: Flask) -> None:
    world = make_world()
    registered(world)
    project = opened(world)
    with pytest.raises(RuleViolation, match="Put the project on a session"):
        projects.approve(actor_for(world.committee), project.id, now=NOW)
    decided(world, project)
    projects.approve(actor_for(world.committee), project.id, now=NOW)
    first = invoice(world, project, "300,000")
    assert (first.ledger, first.project_id, first.amount_fen, first.counterparty) == (
        LedgerKind.MAINTENANCE_FUND,
        project.id,
        30_000_000,
        "迅达电梯",
    )
    with pytest.raises(RuleViolation, match=r"180,000\.00 yuan of 480,000\.00 yuan are left") as refused:
        invoice(world, project, "200,000")
    assert refused.value.field == "amount"
    invoice(world, project, "180,000")
    assert [e.amount_fen for e in ledgers.entries(world.community.id, LedgerKind.MAINTENANCE_FUND)] == [30_000_000, 18_000_000]
    with db.write() as s:
        s.get(Item, project.item_id).revoked_at = NOW  # type: ignore[union-attr]
    with pytest.raises(RuleViolation, match="revoked"):
        invoice(world, project, "1")


def test_a_project_runs_from_approval_to_settlement_with_a_notice_at_each_step(app: Flask) -> None:
    world = make_world()
    registered(world)
    project = opened(world)
    chair = actor_for(world.committee)
    with pytest.raises(RuleViolation, match="after its works are accepted"):
        projects.settle(chair, project.id, now=NOW)
    decided(world, project)
    projects.approve(chair, project.id, now=NOW)
    projects.start_works(chair, project.id, day="2027-03-10", now=NOW)
    invoice(world, project, "470,000")
    with pytest.raises(RuleViolation, match="Only PDF, PNG and JPEG"):
        projects.accept(chair, project.id, day="2027-05-28", filename="report.txt", data=b"hello", now=NOW)
    projects.accept(chair, project.id, day="2027-05-28", filename="验收报告.png", data=PNG, now=NOW)
    accepted = notices.board(world.community.id)[0]
    assert "accepted" in accepted.title.lower() or "验收" in accepted.title
    assert [a.filename for a in notices.attachments_of(accepted.id)] == ["验收报告.png"]
    projects.settle(chair, project.id, now=NOW)
    assert db.session.get(FundProject, project.id).state is ProjectState.SETTLED  # type: ignore[union-attr]
    titles = [n.title for n in reversed(notices.board(world.community.id))]
    assert len(titles) == 5 and all("1 号楼电梯更新" in t for t in titles)  # opened, approved, works, accepted, settled
    with pytest.raises(RuleViolation, match="settled"):
        invoice(world, project, "1")
    with pytest.raises(RuleViolation, match="not yet approved can be withdrawn"):
        projects.withdraw(chair, project.id, now=NOW)


def test_the_office_sees_projects_past_their_planned_end(app: Flask) -> None:
    world = make_world()
    registered(world)
    project = opened(world, works_end="2027-05-31")
    decided(world, project)
    projects.approve(actor_for(world.committee), project.id, now=NOW)
    late = datetime(2027, 6, 1, 4, tzinfo=UTC)
    assert projects.overdue_projects([world.community.id], now=datetime(2027, 5, 31, 4, tzinfo=UTC)) == []
    assert [p.id for p in projects.overdue_projects([world.community.id], now=late)] == [project.id]
    projects.start_works(actor_for(world.committee), project.id, day="2027-03-10", now=NOW)
    projects.accept(actor_for(world.committee), project.id, day="2027-06-02", filename="r.png", data=PNG, now=late)
    assert projects.overdue_projects([world.community.id], now=late + timedelta(days=30)) == []


def test_a_project_past_its_planned_end_is_red_on_the_office_dashboard(app: Flask) -> None:
    from app.fund.services import deadlines

    world = make_world()
    registered(world)
    project = opened(world, works_end="2027-05-31")
    decided(world, project)
    projects.approve(actor_for(world.committee), project.id, now=NOW)
    with app.test_request_context():
        (before,) = deadlines.office_deadlines(world.office.id, datetime(2027, 5, 31, 4, tzinfo=UTC))
        assert "1 号楼电梯更新" in before.label and not before.overdue
        (after,) = deadlines.office_deadlines(world.office.id, datetime(2027, 6, 1, 4, tzinfo=UTC))
        assert after.overdue and after.url.endswith(f"/committee/fund/projects/{project.id}")
        assert [d.overdue for d in deadlines.community_deadlines(world.community.id, datetime(2027, 6, 1, 4, tzinfo=UTC))] == [True]


def test_withdrawing_takes_the_item_off_its_draft_session_and_is_refused_once_announced(app: Flask) -> None:
    world = make_world()
    registered(world)
    chair = actor_for(world.committee)
    project = opened(world)
    session = draft_session(world, opens_at=NOW + timedelta(days=20), closes_at=NOW + timedelta(days=30), items=(("cn.other", "其他"),))
    item = projects.put_on_session(chair, project.id, assembly_id=session.id, now=NOW)
    projects.withdraw(chair, project.id, now=NOW)
    assert db.session.get(Item, item.id) is None
    assert [i.title for i in db.session.get(type(session), session.id).items] == ["其他"]  # type: ignore[union-attr]
    # Announced: the owners decide it; the committee cannot take it back from under them.
    other = opened(world, title="1 号楼外墙")
    voting = draft_session(world, opens_at=NOW + timedelta(days=16), closes_at=NOW + timedelta(days=30))
    projects.put_on_session(chair, other.id, assembly_id=voting.id, now=NOW)
    from app.sessions import services as sessions

    sessions.announce_session(chair, voting.id, now=NOW)
    with pytest.raises(RuleViolation, match="once they have not passed it"):
        projects.withdraw(chair, other.id, now=NOW)
