"""The election pages: an owner stands from the phone, approves candidates on the ballot, reads the result and the committee."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.db import db, utcnow
from app.elections import services as elections
from app.elections.models import Candidate, CandidateStatus, Election, Nomination
from app.security.actor import actor_for
from app.sessions.models import Ballot
from tests.factories import login, make_world
from tests.services.test_elections import certified, new_election, on_ballot, owners_register, stand, vet_all


def test_an_owner_stands_from_the_phone_and_later_reads_the_reason(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    owners_now = utcnow()
    setup = new_election(world)
    with db.write() as s:  # nominations open now
        election = s.get(Election, setup.election.id)
        election.nominations_open_at, election.nominations_close_at = owners_now - timedelta(days=1), owners_now + timedelta(days=5)  # type: ignore[union-attr]
    page = client.get(f"/e/{setup.election.public_id}").get_data(as_text=True)
    assert "报名参选" in page and 'name="n-id_last4"' in page
    wrong = client.post(
        f"/e/{setup.election.public_id}",
        data={"action": "nominate", "n-unit": "2-3", "n-name": "业主3", "n-id_last4": "9999"},
    ).get_data(as_text=True)
    assert "名册中该房屋没有与此姓名和身份证号相符的业主" in wrong
    done = client.post(
        f"/e/{setup.election.public_id}",
        data={"action": "nominate", "n-unit": "2-3", "n-name": "业主3", "n-id_last4": "0003", "n-statement": "愿为大家服务"},
    ).get_data(as_text=True)
    assert "已收到您的报名" in done and "待审核" in done
    db.session.rollback()
    candidate = db.session.execute(select(Candidate)).scalar_one()
    elections.vet_candidate(actor_for(world.official), candidate.id, approve=False, reason="材料不全", party_verified=None, now=owners_now)
    status = client.post(
        f"/e/{setup.election.public_id}", data={"action": "status", "s-unit": "2-3", "s-name": "业主3", "s-id_last4": "0003"}
    ).get_data(as_text=True)
    assert "未通过审核" in status and "材料不全" in status


def test_the_ballot_offers_the_slate_refuses_too_many_and_the_result_shows_who_is_elected(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    setup = new_election(world)
    for n in range(1, 8):
        stand(setup, n)
    vet_all(setup)
    _session, tokens, item, cand = on_ballot(setup)
    token = tokens["业主1"]
    assert client.post(f"/v/{token}", data={"digits": "0001"}).status_code == 302
    page = client.get(f"/v/{token}").get_data(as_text=True)
    assert f'name="elect-{item}"' in page and "最多选 5 名候选人" in page and "approval-counter.js" in page
    too_many = client.post(f"/v/{token}/cast", data={f"elect-{item}": [cand[n] for n in range(1, 7)]}).get_data(as_text=True)
    assert "您选了 6 名候选人，最多只能选 5 名" in too_many
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0
    review = client.post(f"/v/{token}/review", data={f"elect-{item}": [cand[1], cand[2]]}, follow_redirects=True).get_data(as_text=True)
    assert "业主1、业主2" in review and f'name="elect-{item}" value="{cand[1]}"' in review
    assert client.post(f"/v/{token}/cast", data={f"elect-{item}": [cand[1], cand[2]]}).status_code == 302
    receipt = client.get(f"/v/{token}/receipt").get_data(as_text=True)
    assert "业主1、业主2" in receipt


def test_the_result_and_committee_pages_after_seating(app: Flask, client: FlaskClient) -> None:
    setup, _cand = certified(make_world())
    election = db.session.get(Election, setup.election.id)
    assert election is not None
    result = client.get(f"/s/{election_session_id(election)}").get_data(as_text=True)
    assert "业主委员会已产生：5 席中当选 5 名" in result and "候补委员" in result and "党员比例核对" in result
    login(client, "official")
    manage = client.get(f"/elections/{election.public_id}").get_data(as_text=True)
    assert "业主委员会就任" in manage
    assert client.post(f"/elections/{election.public_id}/seat").status_code == 302
    committee = app.test_client().get("/c/lanting/committee").get_data(as_text=True)
    assert "业主5" in committee and "候补委员（按顺序）" in committee and "党员 0 名，共 5 名" in committee


def election_session_id(election: Election) -> str:
    from app.sessions.models import AssemblySession, Item

    item = db.session.get(Item, election.item_id)
    session = db.session.get(AssemblySession, item.session_id)  # type: ignore[union-attr]
    return session.public_id  # type: ignore[union-attr]


def test_the_office_records_a_committee_elected_before_gongzhi_naming_a_bad_line(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    setup = new_election(world)  # the register of twelve owners
    assert setup.election
    login(client, "official")
    lines = ["业主1, 2-1, 主任, 党员", "业主2, 2-2, 副主任", "业主3, 2-3, 委员, 党员", "业主4, 2-4", "业主5, 2-5, 委员"]
    form = {"term_start": "2023-03-01", "term_end": "2028-02-28"}
    bad = client.post(f"/office/c/{world.community.id}/sitting", data={**form, "members": "\n".join([*lines[:4], "业主5, 2-5, 秘书"])})
    assert "第 5 行" in bad.get_data(as_text=True)
    stranger = client.post(f"/office/c/{world.community.id}/sitting", data={**form, "members": "\n".join([*lines[:4], "路人, 2-5, 委员"])})
    assert "路人 不是该房屋的业主" in stranger.get_data(as_text=True)
    done = client.post(f"/office/c/{world.community.id}/sitting", data={**form, "members": "\n".join(lines)})
    assert done.status_code == 302
    page = app.test_client().get("/c/lanting/committee").get_data(as_text=True)
    assert "2028-02-28" in page and "主任" in page and "党员 2 名，共 5 名" in page


def test_the_office_running_an_election_records_owners_joint_nominations_on_its_page(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    owners_register(world)
    now = utcnow()
    # No committee runs this one: the street office does (as for a first election or an ordered re-election).
    election = elections.create_election(
        actor_for(world.official),
        community_id=world.community.id,
        title="业主委员会选举（街道组织）",
        seats=5,
        alternates=0,
        nominations_open_at=now - timedelta(days=1),
        nominations_close_at=now + timedelta(days=10),
        now=now,
    )
    assert election.run_by == "office"
    login(client, "official")
    page = client.get(f"/elections/{election.public_id}").get_data(as_text=True)
    assert 'name="kind" value="joint" checked' in page and 'name="kind" value="organisation"' in page
    assert "业主联名推荐" in page
    url = f"/elections/{election.public_id}/nominate"
    joint = {"kind": "joint", "unit": "2-1", "name": "业主1"}
    # The same refusals as on the committee's page, from the same rules.
    few = client.post(url, data={**joint, "nominated_by": "2-2 2-3 2-4 2-1 2-5"}, follow_redirects=True).get_data(as_text=True)
    assert "业主联名推荐至少需要候选人以外 5 户业主" in few
    unknown = client.post(url, data={**joint, "nominated_by": "2-2 2-3 9-9 2-4 2-5 2-6"}, follow_redirects=True).get_data(as_text=True)
    assert "本小区没有房屋“9-9”" in unknown
    stranger = client.post(url, data={**joint, "name": "路人", "nominated_by": "2-2 2-3 2-4 2-5 2-6"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "业主名册中 路人 不是 2-1 的业主" in stranger
    missing = client.post(url, data={"kind": "joint", "unit": "2-1", "name": "业主1"}, follow_redirects=True).get_data(as_text=True)
    assert "请填写候选人的房号、姓名及推荐人" in missing
    done = client.post(url, data={**joint, "nominated_by": "2-2，2-3、2-4 2-5,2-6"}, follow_redirects=True).get_data(as_text=True)
    assert "候选人已登记，等待街道办事处审核" in done
    db.session.rollback()
    candidate = db.session.execute(select(Candidate).where(Candidate.election_id == election.id)).scalar_one()
    assert candidate.nomination is Nomination.JOINT and candidate.nominated_by == ["2-2", "2-3", "2-4", "2-5", "2-6"]
    assert candidate.unit == "2-1" and candidate.status is CandidateStatus.NOMINATED
    page = client.get(f"/elections/{election.public_id}").get_data(as_text=True)
    assert "2-2、2-3、2-4、2-5、2-6" in page
    # The office still records an organisation's recommendation from the same form.
    client.post(url, data={"kind": "organisation", "unit": "2-7", "name": "业主7", "nominated_by": "某某社区居民委员会"})
    db.session.rollback()
    kinds = sorted(c.nomination.value for c in db.session.execute(select(Candidate).where(Candidate.election_id == election.id)).scalars())
    assert kinds == ["joint", "organisation"]


def test_the_committee_page_offers_joint_nominations_but_not_recommendations(app: Flask, client: FlaskClient) -> None:
    setup = new_election(make_world())
    with db.write() as s:
        election = s.get(Election, setup.election.id)
        election.nominations_open_at, election.nominations_close_at = utcnow() - timedelta(days=1), utcnow() + timedelta(days=5)  # type: ignore[union-attr]
    login(client, "chair")
    page = client.get(f"/elections/{setup.election.public_id}").get_data(as_text=True)
    assert 'name="kind" value="joint" checked' in page and 'value="organisation"' not in page
    url = f"/elections/{setup.election.public_id}/nominate"
    few = client.post(url, data={"kind": "joint", "unit": "2-1", "name": "业主1", "nominated_by": "2-2 2-3"}, follow_redirects=True)
    assert "业主联名推荐至少需要候选人以外 5 户业主" in few.get_data(as_text=True)
    assert client.post(url, data={"kind": "organisation", "unit": "2-1", "name": "业主1", "nominated_by": "居委会"}).status_code == 403


def test_the_slate_waits_for_the_close_of_nominations_and_the_vetting_as_the_service_does(app: Flask, client: FlaskClient) -> None:
    """The page shows when nominations close and keeps the button disabled while publish_slate would refuse."""
    world = make_world()
    setup = new_election(world)
    stand(setup, 1)
    now = utcnow()
    with db.write() as s:  # nominations open now
        election = s.get(Election, setup.election.id)
        election.nominations_open_at, election.nominations_close_at = now - timedelta(days=1), now + timedelta(days=5)  # type: ignore[union-attr]
    login(client, "official")
    page = client.get(f"/elections/{setup.election.public_id}").get_data(as_text=True)
    button = page.split('action="/elections/' + setup.election.public_id + '/publish"')[1].split("</form>")[0]
    assert "disabled" in button and "报名截止时间为" in button and "报名结束后才能公告候选人名单" in button
    english = client.get(f"/elections/{setup.election.public_id}?lang=en").get_data(as_text=True)
    assert "Nominations are open until" in english
    with db.write() as s:  # nominations closed, a candidate waiting for the office's vetting
        election = s.get(Election, setup.election.id)
        election.nominations_close_at = now - timedelta(hours=1)  # type: ignore[union-attr]
    button = client.get(f"/elections/{setup.election.public_id}").get_data(as_text=True).split('/publish"')[1].split("</form>")[0]
    assert "disabled" in button and "报名截止时间为" not in button and "街道办事处尚未审核完全部候选人" in button
    vet_all(setup)
    button = client.get(f"/elections/{setup.election.public_id}").get_data(as_text=True).split('/publish"')[1].split("</form>")[0]
    assert "disabled" not in button
    assert client.post(f"/elections/{setup.election.public_id}/publish", follow_redirects=True).status_code == 200
    db.session.rollback()
    assert db.session.get(Election, setup.election.id).state.value == "published"  # type: ignore[union-attr]
