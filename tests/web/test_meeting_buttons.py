"""The meeting page's buttons post what a browser sends: each form's inputs in the page's order, the first of a name
winning, as Flask reads a form."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.committees import services as committees
from app.committees.models import Attendance, MotionVote
from app.db import db, utcnow
from tests.committee_factories import held_meeting, seated_committee
from tests.factories import login


class Forms(HTMLParser):
    """Each form of a page: its action and its inputs' (name, value) in order."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]], list[str]]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), [], []))
            self._open = True
        elif tag == "input" and self._open and a.get("name"):
            self.forms[-1][1].append((a["name"], a.get("value", "")))
        elif tag == "button" and self._open:
            self.forms[-1][2].append("")

    def handle_data(self, data: str) -> None:
        if self._open and self.forms[-1][2] and data.strip():
            self.forms[-1][2][-1] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False


def press(client: FlaskClient, page: str, action_ends: str, button: str, *, has: tuple[str, str] | None = None) -> None:
    """Submit the page's form whose action ends with ``action_ends``, with the button labelled ``button``."""
    parser = Forms()
    parser.feed(page)
    for action, inputs, buttons in parser.forms:
        if action.endswith(action_ends) and button in buttons and (has is None or has in inputs):
            response = client.post(action, data=MultiDict(inputs))  # a list of pairs: repeated names kept in order
            assert response.status_code == 302
            return
    raise AssertionError(f"no form {action_ends} with {button}")


def test_the_roll_and_vote_buttons_record_what_they_say(app: Flask) -> None:
    seated = seated_committee(logins=True)
    meeting = held_meeting(seated)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="聘请审计机构", now=meeting.starts_at)
    chair = app.test_client()
    login(chair, "m1")
    chair.post("/lang", data={"lang": "en"})
    url = f"/committee/meetings/{meeting.public_id}"
    wu = seated.seats["吴二"].id
    press(chair, chair.get(url).get_data(as_text=True), "/attendance", "Present", has=("membership_id", str(wu)))
    db.session.rollback()
    roll = db.session.execute(select(Attendance).where(Attendance.meeting_id == meeting.id)).scalars().all()
    assert [(a.membership_id, a.present) for a in roll] == [(wu, True)]
    press(chair, chair.get(url).get_data(as_text=True), f"/motions/{motion.public_id}/vote", "Disagree")
    db.session.rollback()
    (cast,) = db.session.execute(select(MotionVote).where(MotionVote.motion_id == motion.id)).scalars().all()
    assert (cast.membership_id, cast.choice) == (seated.seats["周一"].id, "disagree")


def test_a_member_suspended_by_a_finding_is_told_why_the_meetings_are_closed_to_them(app: Flask) -> None:
    from app.db import utcnow
    from app.oversight import services as oversight
    from app.security.actor import actor_for

    seated = seated_committee(logins=True)
    meeting = held_meeting(seated)
    community = seated.world.community
    code = next(e.code for e, _label in oversight.negative_entries(community))
    oversight.record_finding(
        actor_for(seated.world.official),
        community_id=community.id,
        membership_id=seated.seats["郑三"].id,
        code=code,
        evidence="经核查属实。",
        found_on=utcnow().date(),
        files=[],
        now=utcnow(),
    )
    zheng = app.test_client()
    login(zheng, "m3")
    zheng.post("/lang", data={"lang": "en"})
    for url in (f"/committee/meetings/{meeting.public_id}", f"/committee/c/{community.id}/meetings"):
        page = zheng.get(url)
        assert page.status_code == 403
        assert "Your seat on the committee is suspended by the street office" in page.get_data(as_text=True)


def test_the_chinese_meeting_page_uses_chinese_punctuation_and_names_each_roll_button(app: Flask) -> None:
    seated = seated_committee(logins=True)
    meeting = held_meeting(seated)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="聘请审计机构", now=meeting.starts_at)
    committees.enter_paper_vote(
        seated.actor("周一"), motion.public_id, membership_id=seated.seats["王四"].id, choice="agree",
        paper_reference="纸质表决单第 4 号", now=meeting.starts_at,
    )  # fmt: skip
    chair = app.test_client()
    login(chair, "m1")
    page = chair.get(f"/committee/meetings/{meeting.public_id}").get_data(as_text=True)
    assert "王四：同意 · " in page and "（纸质表决单第 4 号）" in page and "王四: " not in page
    assert 'aria-label="出席：吴二"' in page and 'aria-label="缺席：吴二"' in page


def test_the_agenda_keeps_its_lines(app: Flask) -> None:
    seated = seated_committee(logins=True)
    meeting = committees.convene_meeting(
        seated.actor("周一"), community_id=seated.world.community.id, title="第五次会议", agenda="是否增设快递柜\n2027 年度绿化养护合同",
        place="二楼会议室", starts_at=utcnow() + timedelta(days=2), now=utcnow(),
    )  # fmt: skip
    chair = app.test_client()
    login(chair, "m1")
    page = chair.get(f"/committee/meetings/{meeting.public_id}").get_data(as_text=True)
    assert "是否增设快递柜<br />\n2027 年度绿化养护合同" in page or "是否增设快递柜<br>\n2027 年度绿化养护合同" in page
