"""The demo's sessions: a draft, one open for voting, one counted, the letters to try, and a petition."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import timedelta
from fractions import Fraction

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..communities.models import Community, Person
from ..db import db, utcnow
from ..domain.lifecycle import SessionState
from ..domain.receipts import utc_stamp
from ..security.keys import init_keys, load_keyring
from ..sessions import services as sessions
from ..sessions.labels import STATE_LABELS
from ..sessions.models import AssemblySession, SessionForm
from ..voting import services as voting
from .actors import as_committee
from .documents import text_pdf

DEMO_SESSION_TITLE = "兰亭苑 2027 年第一次业主大会"


def seed_draft_session(community: Community) -> Iterator[str]:
    """An announced session of 兰亭苑 and a few of its voting letters, to try the phone flow."""
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.title == DEMO_SESSION_TITLE)).scalar_one_or_none()
    if assembly is None:
        now = utcnow()
        assembly = sessions.create_session(
            as_committee(community),
            community_id=community.id,
            title=DEMO_SESSION_TITLE,
            form=SessionForm.WRITTEN,
            opens_at=now + timedelta(days=16),
            closes_at=now + timedelta(days=30),
        )
        for matter, title, body in (
            ("cn.hire_manager", "续聘兰亭物业服务有限公司", "续聘三年，物业费标准不变（住宅 2.80 元/平方米·月）。"),
            ("cn.use_fund", "使用维修资金更换 2 号楼电梯", "预算 68 万元，由 2 号楼业主分摊的维修资金列支。"),
            ("cn.raise_fund", "续筹维修资金", "按每平方米 30 元续筹，分两年缴纳。"),
        ):
            sessions.add_item(as_committee(community), assembly.id, matter=matter, title=title, body=body)
        sessions.announce_session(as_committee(community), assembly.id, now=now)
    yield _(
        "%(title)s: %(state)s, %(path)s",
        title=DEMO_SESSION_TITLE,
        state=STATE_LABELS[assembly.state.value],
        path=f"/s/{assembly.public_id}",
    )


OPEN_TITLE = "兰亭苑 2026 年临时业主大会"
TALLIED_TITLE = "梅园小区 2026 年第二次业主大会"


HISTORY_DAYS = 40


def seed_voting_sessions(lanting: Community, meiyuan: Community) -> Iterator[str]:
    """An open session of 兰亭苑 with some ballots cast, and a closed, tallied one of 梅园."""
    now = utcnow()
    # The demo's ballots are cast in the past: the signing key must already be valid then.
    kid, _created = init_keys(current_app.instance_path, now=now - timedelta(days=HISTORY_DAYS + 1))
    valid_from = next(k.not_before for k in load_keyring(current_app.instance_path).published if k.key_id == kid)
    if valid_from > utc_stamp(now - timedelta(days=HISTORY_DAYS)):
        yield "  " + _(
            "note: signing key %(kid)s is valid only from %(day)s; receipts of the demo's past ballots will not verify",
            kid=kid,
            day=valid_from,
        )
    specs = (
        (lanting, OPEN_TITLE, now - timedelta(days=16), timedelta(days=14), 0.08),
        (meiyuan, TALLIED_TITLE, now - timedelta(days=HISTORY_DAYS), timedelta(days=10), 0.85),
    )
    rng = random.Random(2026)
    for community, title, announced, length, share in specs:
        existing = db.session.execute(select(AssemblySession).where(AssemblySession.title == title)).scalar_one_or_none()
        if existing is None:
            opens = announced + timedelta(days=15, hours=1)
            assembly = sessions.create_session(
                as_committee(community),
                community_id=community.id,
                title=title,
                form=SessionForm.WRITTEN,
                opens_at=opens,
                closes_at=opens + length,
            )
            for matter, item_title in (("cn.hire_manager", "续聘物业服务企业"), ("cn.use_fund", "使用维修资金维修屋面防水")):
                sessions.add_item(as_committee(community), assembly.id, matter=matter, title=item_title)
            sessions.announce_session(as_committee(community), assembly.id, now=announced)
            item_ids = [str(item.id) for item in assembly.items]
            voted: set[int] = set()
            when = opens + timedelta(hours=2)
            for letter in sessions.letters_of_session(assembly.id):
                if letter.roll_entry_id in voted or rng.random() > share:
                    continue
                voted.add(letter.roll_entry_id)
                choices = {i: rng.choice(("agree", "agree", "agree", "disagree", "abstain")) for i in item_ids}
                voting.cast_ballot(sessions.letter_token(letter), choices, ip="demo", now=when)
            # Counted at its close: a session already over had its preliminary result published then.
            sessions.sync_state(assembly.id, now=min(now, assembly.closes_at + timedelta(minutes=1)))
            if assembly.closes_at < now:
                _seed_objection(community, assembly)
            existing = assembly
        db.session.refresh(existing)
        yield _("%(title)s: %(state)s, %(path)s", title=title, state=STATE_LABELS[existing.state.value], path=f"/s/{existing.public_id}")
        if existing.state is SessionState.OPEN:
            yield from _letters_to_try(existing)
        undecided = voting.summary(existing.id).undecided
        if undecided:
            yield "  " + _("%(n)d objection(s) to the count waiting for the street office's decision", n=undecided)


def _seed_objection(community: Community, assembly: AssemblySession) -> None:
    """An owner objected to their weight during the period; the committee answered; the street office has to decide."""
    db.session.refresh(assembly)
    filed = assembly.closes_at + timedelta(days=2)
    letter = next(
        letter for letter in sessions.letters_of_session(assembly.id) if sessions.current_ballot(assembly.id, letter.roll_entry_id)
    )
    unit = letter.roll_entry.units[0]
    objection = voting.file_objection(
        letter.id,
        "weight_wrong",
        f"{unit} 的不动产权证登记建筑面积比表决名册多 9 平方米，请核对（附权证照片）。",
        files=[voting.Upload("不动产权证.pdf", text_pdf("不动产权证（复印件）", f"房屋坐落：{unit}；建筑面积：以登记簿为准。"))],
        ip="demo",
        now=filed,
    )
    voting.answer_objection(
        as_committee(community),
        objection.id,
        answer=f"已调取不动产登记簿：{unit} 的建筑面积与名册一致，业主所附权证为另一套房屋。",
        now=filed + timedelta(days=1),
    )


def _letters_to_try(assembly: AssemblySession) -> Iterator[str]:
    base = os.environ.get("GONGZHI_BASE_URL", "http://127.0.0.1:5000")
    yield "  " + _("voting letters to try on a phone (URL, holder, units, ID digits), voting is open:")
    shown = 0
    for letter in sessions.letters_of_session(assembly.id):
        if shown == 3 or letter.locked_at is not None or letter.revoked_at is not None:
            continue  # only letters that open
        if sessions.current_ballot(assembly.id, letter.roll_entry_id) is not None:
            continue
        person = db.session.get(Person, letter.person_id)
        assert person is not None
        shown += 1
        yield f"  {base}/v/{sessions.letter_token(letter)}  {person.name}  {'、'.join(letter.roll_entry.units)}  {person.id_last4}"


def seed_petition(lanting: Community) -> Iterator[str]:
    """兰亭苑's owners petition for an extraordinary session; it is close to the threshold."""
    from ..voting.services import petitions

    if petitions.petitions_of_community(lanting.id):
        return
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.title == OPEN_TITLE)).scalar_one()
    now = utcnow()
    letters = sessions.letters_of_session(assembly.id)
    started = petitions.start_petition(
        sessions.letter_token(letters[0]),
        title="提前解聘物业服务企业",
        items="解聘兰亭物业服务有限公司\n公开选聘新的物业服务企业",
        ip="demo",
        now=now - timedelta(days=3),
    )
    signed = {letters[0].roll_entry_id}
    for letter in letters[1:]:
        if letter.roll_entry_id in signed:
            continue
        signed.add(letter.roll_entry_id)
        progress = petitions.sign_petition(sessions.letter_token(letter), started.public_id, ip="demo", now=now - timedelta(days=2))
        if progress.measure.nearness >= Fraction(4, 5):
            break
    yield _(
        "%(name)s: petition at %(area)s%% of the area and %(heads)s%% of the owners",
        name=lanting.name,
        area=progress.measure.area_percent,
        heads=progress.measure.heads_percent,
    )
