"""The committee's meeting pages end to end: convening with the form's errors, the roll, votes in the app and on
paper, closing, the decision notice, minutes signed by those who attended, and the public record."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.clock import zone
from app.committees.models import Meeting, MeetingState, Minutes, MinutesState, Motion, MotionState, MotionVote
from app.db import db, utcnow
from app.notices.models import Notice, NoticeKind
from tests.committee_factories import Seated, held_meeting, seated_committee
from tests.factories import login


def member(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    client.post("/lang", data={"lang": "en"})
    return client


def test_a_member_asks_for_a_meeting_and_the_form_names_what_is_wrong(app: Flask) -> None:
    seated = seated_committee(logins=True)
    community = seated.world.community
    wu = member(app, "m2")  # 吴二, a member: the page offers to ask, not to convene
    page = wu.get(f"/committee/c/{community.id}/meetings").get_data(as_text=True)
    assert "No meetings yet." in page and "Ask for a meeting" in page and "2 members ask for it" in page
    missing = wu.post(f"/committee/c/{community.id}/meetings", data={"title": "物业费调整", "agenda": "议程", "place": ""})
    assert missing.status_code == 400 and 'id="place-error"' in missing.get_data(as_text=True)
    past = (utcnow() - timedelta(days=1)).astimezone(zone()).strftime("%Y-%m-%dT%H:%M")
    late = wu.post(
        f"/committee/c/{community.id}/meetings", data={"title": "物业费调整", "agenda": "议程", "place": "会议室", "starts_at": past}
    )
    assert late.status_code == 400 and "A meeting is convened for a time still to come." in late.get_data(as_text=True)
    assert db.session.execute(select(Meeting)).first() is None
    soon = (utcnow() + timedelta(days=2)).astimezone(zone()).strftime("%Y-%m-%dT%H:%M")
    asked = wu.post(
        f"/committee/c/{community.id}/meetings", data={"title": "物业费调整", "agenda": "议程", "place": "会议室", "starts_at": soon}
    )
    assert asked.status_code == 302
    db.session.rollback()
    meeting = db.session.execute(select(Meeting)).scalar_one()
    assert meeting.state is MeetingState.REQUESTED
    page = wu.get(asked.headers["Location"]).get_data(as_text=True)
    assert "1 of the 2 members needed" in page
    zheng = member(app, "m3")
    assert zheng.post(f"/committee/meetings/{meeting.public_id}/support").status_code == 302
    db.session.rollback()
    assert db.session.get(Meeting, meeting.id).state is MeetingState.CONVENED  # type: ignore[union-attr]
    outsider = member(app, "outsider")
    assert outsider.get(f"/committee/meetings/{meeting.public_id}").status_code == 403
    assert outsider.post(f"/committee/meetings/{meeting.public_id}/support").status_code == 403


def vote_in(client: FlaskClient, motion: Motion, choice: str) -> None:
    assert client.post(f"/committee/motions/{motion.public_id}/vote", data={"choice": choice}).status_code == 302


def test_a_meeting_from_the_roll_to_its_published_minutes(app: Flask, client: FlaskClient) -> None:
    seated: Seated = seated_committee(logins=True)
    community = seated.world.community
    meeting = held_meeting(seated)
    chair, wu, zheng = member(app, "m1"), member(app, "m2"), member(app, "m3")
    base = f"/committee/meetings/{meeting.public_id}"
    for name in ("周一", "吴二", "郑三"):
        assert chair.post(f"{base}/attendance", data={"membership_id": seated.seats[name].id, "present": "1"}).status_code == 302
    empty = chair.post(f"{base}/motions", data={"text": ""})
    assert empty.status_code == 400 and 'id="text-error"' in empty.get_data(as_text=True)
    assert chair.post(f"{base}/motions", data={"text": "同意更换 2 号楼电梯钢丝绳，费用不超过 1.2 万元。"}).status_code == 302
    db.session.rollback()
    motion = db.session.execute(select(Motion)).scalar_one()
    for client_, choice in ((chair, "agree"), (wu, "agree"), (zheng, "disagree")):
        vote_in(client_, motion, choice)
    again = wu.post(f"/committee/motions/{motion.public_id}/vote", data={"choice": "disagree"}, follow_redirects=True)
    assert "already voted on this motion" in again.get_data(as_text=True)
    # 王四 voted on the paper form: the chair enters it, 吴二 confirms it against the paper.
    wang = seated.seats["王四"].id
    no_ref = chair.post(
        f"/committee/motions/{motion.public_id}/paper", data={"membership_id": wang, "choice": "agree", "motion": motion.public_id}
    )
    assert no_ref.status_code == 400 and 'id="paper_reference-error"' in no_ref.get_data(as_text=True)
    entered = chair.post(
        f"/committee/motions/{motion.public_id}/paper",
        data={"membership_id": wang, "choice": "agree", "paper_reference": "表决单 4"},
    )
    assert entered.status_code == 302
    db.session.rollback()
    paper = db.session.execute(select(MotionVote).where(MotionVote.membership_id == wang)).scalar_one()
    page = chair.get(base).get_data(as_text=True)
    assert "does not count yet" in page and f"/committee/votes/{paper.id}/confirm" not in page  # not to the one who entered it
    assert "2/5 of all members agree; 3 of 5 needed." in page
    assert f"/committee/votes/{paper.id}/confirm" in wu.get(base).get_data(as_text=True)
    assert wu.post(f"/committee/votes/{paper.id}/confirm").status_code == 302
    assert "3/5 of all members agree; 3 of 5 needed." in chair.get(base).get_data(as_text=True)
    assert chair.post(f"/committee/motions/{motion.public_id}/close").status_code == 302
    db.session.rollback()
    assert db.session.get(Motion, motion.id).state is MotionState.PASSED  # type: ignore[union-attr]
    drafted = wu.post(f"/committee/motions/{motion.public_id}/decision")
    assert drafted.status_code == 302 and "/committee/n/" in drafted.headers["Location"]
    db.session.rollback()
    notice = db.session.execute(select(Notice).where(Notice.kind == NoticeKind.DECISION)).scalar_one()
    assert "3/5" in notice.body and "钢丝绳" in notice.title
    # Closing records the member not on the roll absent; the minutes are drafted from the record and signed.
    assert chair.post(f"{base}/close").status_code == 302
    assert chair.post(f"{base}/minutes", data={"notes": "维保单位列席说明了报价。"}).status_code == 302
    db.session.rollback()
    minutes = db.session.execute(select(Minutes)).scalar_one()
    wang_client = member(app, "m4")  # not on the roll, but voted on the meeting's paper record: attended
    for client_ in (chair, wu, wang_client):
        assert client_.post(f"/committee/minutes/{minutes.public_id}/sign").status_code == 302
    assert client.get(f"/c/{community.slug}/meetings/{meeting.public_id}").status_code == 404  # not until all have signed
    feng = member(app, "m5")  # neither on the roll nor voting: absent
    refused = feng.post(f"/committee/minutes/{minutes.public_id}/sign", follow_redirects=True)
    assert "Only the members who attended the meeting confirm its minutes." in refused.get_data(as_text=True)
    assert zheng.post(f"/committee/minutes/{minutes.public_id}/sign").status_code == 302
    db.session.rollback()
    assert db.session.get(Minutes, minutes.id).state is MinutesState.CONFIRMED  # type: ignore[union-attr]
    public = client.get(f"/c/{community.slug}/meetings").get_data(as_text=True)
    assert meeting.title in public and f"/c/{community.slug}/meetings/{meeting.public_id}" in public
    record = client.get(f"/c/{community.slug}/meetings/{meeting.public_id}").get_data(as_text=True)
    assert "周一、吴二、郑三、王四" in record and "冯五" in record and "维保单位列席说明了报价。" in record
    # A correction needs its reason, then is a new draft; the public keeps version 1 until it is confirmed.
    no_reason = chair.post(f"/committee/minutes/{minutes.public_id}/correct", data={"notes": ""})
    assert no_reason.status_code == 400 and 'id="notes-error"' in no_reason.get_data(as_text=True)
    assert chair.post(f"/committee/minutes/{minutes.public_id}/correct", data={"notes": "更正报价金额。"}).status_code == 302
    assert "更正报价金额。" not in client.get(f"/c/{community.slug}/meetings/{meeting.public_id}").get_data(as_text=True)


def test_the_committee_page_links_the_meetings_and_shows_an_overdue_decision(app: Flask) -> None:
    seated = seated_committee(logins=True)
    community = seated.world.community
    then = utcnow() - timedelta(days=5)
    meeting = held_meeting(seated, starts=then)
    from app.committees import services as committees

    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="聘请审计机构", now=then)
    for name in ("周一", "吴二", "郑三"):
        committees.cast_vote(seated.actor(name), motion.public_id, choice="agree", now=then)
    committees.close_motion(seated.actor("周一"), motion.public_id, now=then)
    chair = member(app, "m1")
    admin = chair.get(f"/admin/c/{community.id}").get_data(as_text=True)
    assert f"/committee/c/{community.id}/meetings" in admin and "Committee decision “聘请审计机构”" in admin and "overdue" in admin
    listing = chair.get(f"/committee/c/{community.id}/meetings").get_data(as_text=True)
    assert "Decisions not published in time" in listing
    public = chair.get(f"/c/{community.slug}/committee").get_data(as_text=True)
    assert f"/c/{community.slug}/meetings" in public and f"/committee/c/{community.id}/meetings" in public
    office = member(app, "official")
    dashboard = office.get(f"/office/{seated.world.office.id}").get_data(as_text=True)
    assert "A committee decision not published within its days" in dashboard
