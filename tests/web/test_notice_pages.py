"""The public board, readable without login; the committee writes, publishes and corrects notices in the browser."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.db import db, utcnow
from app.notices import services
from app.notices.models import NoticeKind
from app.security.actor import actor_for
from tests.factories import login, make_world


def publish(world, title: str, kind: NoticeKind = NoticeKind.GENERAL, body: str = "正文") -> str:  # type: ignore[no-untyped-def]
    chair = world.committee
    notice = services.draft_notice(actor_for(chair), community_id=world.community.id, kind=kind, title=title, body=body, now=utcnow())
    services.publish_notice(actor_for(chair), notice.id, now=utcnow())
    return notice.public_id


def test_the_board_is_public_and_shows_nothing_unpublished(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    publish(world, "电梯维修公告", body="## 时间\n\n- 周一\n- 周二")
    chair = world.committee
    services.draft_notice(
        actor_for(chair), community_id=world.community.id, kind=NoticeKind.GENERAL, title="草稿不公开", body="x", now=utcnow()
    )
    page = client.get("/c/lanting").get_data(as_text=True)
    assert "公告栏" in page and "电梯维修公告" in page and "草稿不公开" not in page
    assert "电梯维修公告" not in client.get("/c/lanting?kind=decision").get_data(as_text=True)
    assert "没有符合" in client.get("/c/lanting?kind=decision").get_data(as_text=True)
    assert client.get("/c/nowhere").status_code == 404


def test_a_notice_page_shows_its_text_and_the_correction_history(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    first = publish(world, "停水通知", body="周六停水。")
    chair = world.committee
    old = services.board(world.community.id)[0]
    fix = services.correct_notice(actor_for(chair), old.id, now=utcnow())
    services.edit_draft(actor_for(chair), fix.id, title="停水通知（更正）", body="改为周日停水。", now=utcnow())
    services.publish_notice(actor_for(chair), fix.id, now=utcnow())
    old_page = client.get(f"/c/lanting/n/{first}").get_data(as_text=True)
    assert "周六停水" in old_page and "此版本已被更正" in old_page and fix.public_id in old_page
    new_page = client.get(f"/c/lanting/n/{fix.public_id}").get_data(as_text=True)
    assert "改为周日停水" in new_page and "第 2 版" in new_page


def test_the_feed_and_the_export_list_the_published_notices(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    publish(world, "公告一")
    publish(world, "公告二")
    feed = ElementTree.fromstring(client.get("/c/lanting/feed.atom").data)
    atom = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{atom}title") for e in feed.findall(f"{atom}entry")] == ["公告二", "公告一"]
    exported = client.get("/c/lanting/notices.json").get_json()
    assert [n["title"] for n in exported["notices"]] == ["公告二", "公告一"] and exported["notices"][0]["kind"] == "general"
    poster = client.get("/c/lanting/poster").get_data(as_text=True)
    assert "业主公告栏" in poster and 'src="data:image/svg+xml;base64,' in poster


def test_the_committee_drafts_and_publishes_from_its_pages(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    created = client.post(
        f"/committee/c/{world.community.id}/notices", data={"kind": "general", "title": "绿化公告", "body": "**下周**修剪树木。"}
    )
    assert created.status_code == 302
    edit_url = created.headers["Location"]
    preview = client.get(edit_url).get_data(as_text=True)
    assert "<strong>下周</strong>" in preview and "发布" in preview
    public_id = edit_url.rsplit("/", 1)[-1]
    published = client.post(f"/committee/n/{public_id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "已发布" in published
    assert "绿化公告" in client.get("/c/lanting").get_data(as_text=True)
    refused = client.post(f"/committee/n/{public_id}", data={"title": "改", "body": "改"}, follow_redirects=True).get_data(as_text=True)
    assert "不能再修改" in refused


def test_an_empty_title_is_named_on_the_form(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    page = client.post(f"/committee/c/{world.community.id}/notices", data={"kind": "general", "title": "", "body": "x"}).get_data(
        as_text=True
    )
    assert 'aria-invalid="true"' in page and services.board(world.community.id) == []


def test_the_committee_keeps_the_books_and_owners_read_the_statements(app: Flask, client: FlaskClient) -> None:
    from app.accounts.services import create_user
    from app.security.roles import Role
    from tests.factories import CLI, PASSWORD, enrol

    world = make_world()
    second = create_user(
        CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id
    )
    enrol(second)
    login(client, "chair")
    books = f"/committee/c/{world.community.id}/ledgers/public_income"
    bad = client.post(books, data={"day": "2025-03-01", "direction": "income", "amount": "12.345", "category": "parking"}).get_data(
        as_text=True
    )
    assert "不足一分" in bad and 'aria-invalid="true"' in bad
    assert (
        client.post(books, data={"day": "2025-03-01", "direction": "income", "amount": "1,500.00", "category": "parking"}).status_code
        == 302
    )
    upload = client.post(
        f"{books}/import",
        data={"file": (__import__("io").BytesIO(b"date,direction,amount,category\n2025-04-01,income,x,parking\n"), "a.csv")},
    )
    assert upload.status_code == 400 and "第 2 行" in upload.get_data(as_text=True) and "未导入任何内容" in upload.get_data(as_text=True)
    page = client.get(f"/admin/c/{world.community.id}").get_data(as_text=True)
    assert 'class="overdue"' in page and "2025" in page  # the 2025 statement was due a month after the year
    assert client.post(f"{books}/close", follow_redirects=True).status_code == 200
    assert "1,500.00" in client.get(f"{books}.csv").get_data(as_text=True).replace("1500.00", "1,500.00")
    assert "尚未发布" in client.get("/c/lanting/accounts").get_data(as_text=True)  # waiting for the second member
    other = app.test_client()
    login(other, "m2")
    pending = services.committee_notices(world.community.id)[0]
    assert other.post(f"/committee/n/{pending.public_id}/confirm").status_code == 302
    accounts = client.get("/c/lanting/accounts").get_data(as_text=True)
    assert "期末余额" in accounts and "1,500.00" in accounts and "<svg" in accounts and "停车费" in accounts
    notice_page = client.get(f"/c/lanting/n/{pending.public_id}").get_data(as_text=True)
    assert "<svg" in notice_page and "停车费" in notice_page  # the statement notice carries its chart


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_files_are_checked_by_content_kept_with_the_notice_and_fixed_once_published(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    world = make_world()
    login(client, "chair")
    chair = world.committee
    notice = services.draft_notice(
        actor_for(chair), community_id=world.community.id, kind=NoticeKind.GENERAL, title="维修方案", body="见附件。", now=utcnow()
    )
    attach = f"/committee/n/{notice.public_id}/attach"
    fake = client.post(attach, data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "方案.pdf")}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "只能附加 PDF、PNG 和 JPEG 文件" in fake
    monkeypatch.setattr(services, "MAX_ATTACHMENT", 16)
    big = client.post(attach, data={"file": (io.BytesIO(PDF), "方案.pdf")}, follow_redirects=True).get_data(as_text=True)
    assert "大于" in big
    monkeypatch.setattr(services, "MAX_ATTACHMENT", 10 * 1024 * 1024)
    assert "已附加" in client.post(attach, data={"file": (io.BytesIO(PDF), "方案.pdf")}, follow_redirects=True).get_data(as_text=True)
    services.publish_notice(actor_for(chair), notice.id, now=utcnow())
    page = app.test_client().get(f"/c/lanting/n/{notice.public_id}").get_data(as_text=True)
    (link,) = [part.split('"')[0] for part in page.split('href="')[1:] if "/files/" in part]
    download = app.test_client().get(link)
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    late = client.post(attach, data={"file": (io.BytesIO(PDF), "补充.pdf")}, follow_redirects=True).get_data(as_text=True)
    assert "不能再修改" in late and len(services.attachments_of(notice.id)) == 1


HOSTILE_TITLES = [
    "停水</title></entry><entry><title>伪造的公告",
    "A & B <script>alert(\"x\")</script> ]]> 'quoted'",
    "维修资金\x0b使用",  # a control character no XML document may hold
]


def test_the_feed_is_well_formed_xml_whatever_the_titles_and_bodies_say(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    for title in HOSTILE_TITLES:
        publish(world, title, body="第一行  \n第二行 <b>不是标签</b> & 符号\n\n]]></content></entry>")
    feed = ElementTree.fromstring(client.get("/c/lanting/feed.atom").data)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(HOSTILE_TITLES)
    titles = [e.findtext(f"{atom}title") for e in entries]
    assert titles == [HOSTILE_TITLES[2].replace("\x0b", ""), HOSTILE_TITLES[1], HOSTILE_TITLES[0]]
    content = entries[0].find(f"{atom}content")
    assert content is not None and content.get("type") == "html"
    assert "第一行<br>" in (content.text or "") and "&lt;b&gt;" in (content.text or "")


def test_a_correction_keeps_its_files_and_says_so_in_the_feed(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    chair = world.committee
    draft = services.draft_notice(
        actor_for(chair), community_id=world.community.id, kind=NoticeKind.GENERAL, title="维修方案", body="见附件。", now=utcnow()
    )
    services.attach(actor_for(chair), draft.id, filename="方案.pdf", data=PDF, now=utcnow())
    services.publish_notice(actor_for(chair), draft.id, now=utcnow())
    fix = services.correct_notice(actor_for(chair), draft.id, now=utcnow())
    assert [f.filename for f in services.attachments_of(fix.id)] == ["方案.pdf"]
    login(client, "chair")
    edit = client.get(f"/committee/n/{fix.public_id}").get_data(as_text=True)
    assert "方案.pdf" in edit and "没有附件" not in edit
    services.publish_notice(actor_for(chair), fix.id, now=utcnow())
    page = client.get(f"/c/lanting/n/{fix.public_id}").get_data(as_text=True)
    assert "方案.pdf" in page and f"{len(PDF)} 字节" in page and "(0 KB)" not in page
    (link,) = [part.split('"')[0] for part in page.split('href="')[1:] if "/files/" in part]
    assert app.test_client().get(link).data == PDF
    feed = ElementTree.fromstring(client.get("/c/lanting/feed.atom").data)
    atom = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{atom}title") for e in feed.findall(f"{atom}entry")] == ["更正：维修方案", "维修方案"]
    english = ElementTree.fromstring(client.get("/c/lanting/feed.atom?lang=en").data)
    assert english.findtext(f"{atom}entry/{atom}title") == "Correction: 维修方案"


def test_the_editor_can_leave_a_file_out_of_a_correction(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    chair = world.committee
    draft = services.draft_notice(
        actor_for(chair), community_id=world.community.id, kind=NoticeKind.GENERAL, title="维修方案", body="见附件。", now=utcnow()
    )
    services.attach(actor_for(chair), draft.id, filename="旧方案.pdf", data=PDF, now=utcnow())
    services.publish_notice(actor_for(chair), draft.id, now=utcnow())
    fix = services.correct_notice(actor_for(chair), draft.id, now=utcnow())
    (carried,) = services.attachments_of(fix.id)
    login(client, "chair")
    removed = client.post(f"/committee/n/{fix.public_id}/files/{carried.id}/remove", follow_redirects=True).get_data(as_text=True)
    db.session.rollback()  # a new read, after the request's write
    assert "已移除" in removed and services.attachments_of(fix.id) == []
    assert [f.filename for f in services.attachments_of(draft.id)] == ["旧方案.pdf"]  # the published version keeps its file
    services.publish_notice(actor_for(chair), fix.id, now=utcnow())
    (original,) = services.attachments_of(draft.id)
    late = client.post(f"/committee/n/{draft.public_id}/files/{original.id}/remove", follow_redirects=True).get_data(as_text=True)
    db.session.rollback()
    assert "不能再修改" in late and len(services.attachments_of(draft.id)) == 1


def test_file_sizes_read_as_people_say_them(app: Flask) -> None:
    from flask_babel import refresh

    from app.notices.labels import file_size

    with app.test_request_context("/?lang=en"):
        refresh()
        assert [file_size(n) for n in (0, 250, 1024, 1536, 200_000, 10 * 1024 * 1024)] == [
            "0 B",
            "250 B",
            "1 KB",
            "1.5 KB",
            "195 KB",
            "10 MB",
        ]
    with app.test_request_context("/"):
        refresh()
        assert [file_size(n) for n in (250, 1536, 3 * 1024 * 1024)] == ["250 字节", "1.5 KB", "3 MB"]
