from __future__ import annotations

import io
import os
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.communities.models import Unit
from app.db import db
from tests.factories import login, make_world, register_csv


def upload(client: FlaskClient, community_id: int, data: bytes, name: str = "名册.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/admin/c/{community_id}/register",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def units() -> int:
    db.session.rollback()  # end the test's read snapshot; the requests committed in their own sessions
    return db.session.execute(select(func.count()).select_from(Unit)).scalar_one()


def test_admin_previews_then_confirms_an_import(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    preview = upload(client, world.community.id, register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,100,,,,李娜,,,"))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "导入这 2 行" in page  # the confirm button, in Chinese by default
    assert units() == 0  # a preview writes nothing
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post(f"/admin/c/{world.community.id}/register/confirm", data={"token": token}, follow_redirects=True)
    assert "名册已导入：新增 2 户" in done.get_data(as_text=True)
    assert units() == 2
    # the token is spent
    again = client.post(f"/admin/c/{world.community.id}/register/confirm", data={"token": token}, follow_redirects=True)
    assert "预览已失效" in again.get_data(as_text=True)
    assert units() == 2


def test_preview_lists_each_bad_row_and_offers_no_import(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    page = upload(client, world.community.id, register_csv("1,101,89.505,,,,张伟,,,", "9,102,100,,,,李娜,,,")).get_data(as_text=True)
    assert "第 2 行，面积：89.505 超过两位小数" in page
    assert "第 3 行，楼栋：未知楼栋“9”" in page
    assert 'name="token"' not in page
    assert units() == 0


def test_preview_speaks_english_when_asked(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    client.post("/lang", data={"lang": "en"})
    page = upload(client, world.community.id, register_csv("1,101,-3,,,,张伟,,,")).get_data(as_text=True)
    assert "row 2, area: must be greater than zero (got -3)" in page
    assert '<html lang="en">' in page


def test_a_file_that_is_not_a_register_is_refused_with_a_reason(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    response = upload(client, world.community.id, b"name,phone\nx,y\n")
    assert response.status_code == 400
    assert "表头缺少以下列" in response.get_data(as_text=True)
    response = upload(client, world.community.id, b"PK\x03\x04junk", name="register.xlsx")
    assert "不是可读取的 .xlsx 工作簿" in response.get_data(as_text=True)


def test_committee_member_sees_the_register_but_cannot_import(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    page = client.get(f"/admin/c/{world.community.id}")
    assert page.status_code == 200 and "表决权人" in page.get_data(as_text=True)
    assert client.get(f"/admin/c/{world.community.id}/register").status_code == 403
    assert upload(client, world.community.id, register_csv("1,101,89.50,,,,张伟,,,")).status_code == 403
    assert client.post(f"/admin/c/{world.community.id}/buildings", data={"name": "9"}).status_code == 403
    assert units() == 0


def test_another_communitys_committee_cannot_read_the_register(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "outsider")
    assert client.get(f"/admin/c/{world.community.id}").status_code == 403
    assert client.get(f"/admin/c/{world.community.id}/units").status_code == 403


def test_street_official_reads_the_registers_of_the_office(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "official")
    assert client.get(f"/admin/c/{world.community.id}/units").status_code == 200
    assert client.get(f"/admin/c/{world.other_community.id}").status_code == 200


def test_anonymous_visitors_are_sent_to_login(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    response = client.get(f"/admin/c/{world.community.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_adds_a_building(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    page = client.post(f"/admin/c/{world.community.id}/buildings", data={"name": "3"}, follow_redirects=True).get_data(as_text=True)
    assert "已添加楼栋 3" in page
    page = client.post(f"/admin/c/{world.community.id}/buildings", data={"name": "3"}, follow_redirects=True).get_data(as_text=True)
    assert "该楼栋已存在" in page


def test_abandoned_previews_are_cleared_after_a_day(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    upload(client, world.community.id, register_csv("1,101,89.50,,,,张伟,,,"))
    folder = Path(app.instance_path) / "imports"
    old = time.time() - 2 * 24 * 3600
    for path in folder.iterdir():
        os.utime(path, (old, old))
    upload(client, world.community.id, register_csv("1,102,89.50,,,,李娜,,,"))
    assert len(list(folder.iterdir())) == 2  # only the new preview's file and its description


def test_preview_counts_data_rows_and_sets_flagged_rows_apart(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    data = "竹林苑业主名册（2026年11月更新）\n\n".encode() + register_csv(
        "1,101,89.50,,,,张伟,,,",
        "1,102,80,,,,李娜,,,",
        "",
        "9,103,80,,,,王强,,,",
        "2,101,70,,,,赵敏,,,",
        "2,102,70,,,,孙丽,,,",
        "2,103,70,,,,周杰,,,",
    )
    page = upload(client, world.community.id, data).get_data(as_text=True)
    assert "共 6 行" in page and "共 9 行" not in page
    assert "其中 1 行有问题" in page
    assert "第 7 行，楼栋：未知楼栋“9”" in page
    good = page.split('id="good-rows"')[1].split("</table>")[0]
    assert "1-101" in good and "2-103" in good
    assert "9-103" not in good
    flagged = page.split('id="flagged-rows"')[1].split("</table>")[0]
    assert "9-103" in flagged and "1-101" not in flagged


def test_preview_in_english_counts_data_rows(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    client.post("/lang", data={"lang": "en"})
    page = upload(client, world.community.id, b"Register of 2026\n" + register_csv("1,101,89.50,,,,A,,,", "9,102,80,,,,B,,,")).get_data(
        as_text=True
    )
    assert "2 rows" in page and "1 with problems" in page


def test_units_are_listed_in_natural_order(app: Flask, client: FlaskClient) -> None:
    from app.communities import services
    from tests.factories import CLI

    world = make_world()
    services.add_building(CLI, world.community.id, "10")
    rows = ["10,101,50,,,,甲,,,", "1,1001,50,,,,乙,,,", "2,101,50,,,,丙,,,", "1,201,50,,,,丁,,,", "1,101,50,,,,戊,,,"]
    services.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))
    login(client, "admin")
    page = client.get(f"/admin/c/{world.community.id}/units").get_data(as_text=True)
    order = ["1-101", "1-201", "1-1001", "2-101", "10-101"]
    positions = [page.index(f">{u}<") for u in order]
    assert positions == sorted(positions), [u for _, u in sorted(zip(positions, order, strict=True))]
    show = client.get(f"/admin/c/{world.community.id}").get_data(as_text=True)
    buildings = [show.index(f">{b}</a></th>") for b in ("1", "2", "10")]
    assert buildings == sorted(buildings)


def test_register_uploads_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    app.config["UPLOAD_RATE_LIMIT"] = "2 per minute"
    world = make_world()
    login(client, "admin")
    statuses = [upload(client, world.community.id, b"not a register\n").status_code for _ in range(3)]
    assert statuses[2] == 429 and 429 not in statuses[:2]
    assert client.get(f"/admin/c/{world.community.id}/register").status_code == 200  # reading the page is not limited
