"""Officials sign in with a password and a TOTP code; every failure is generic and audited."""

from __future__ import annotations

import re
import time

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.services import create_user
from app.audit.models import AuditEvent
from app.db import db
from app.security.roles import Role
from tests.factories import CLI, ENROLMENTS, PASSWORD, login, make_world, next_code

GENERIC = "登录未通过。请检查输入内容后重试。"


def actions() -> list[str]:
    db.session.rollback()
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def test_wrong_password_and_unknown_user_get_the_same_answer_and_are_audited(app: Flask, client: FlaskClient) -> None:
    make_world()
    wrong = client.post("/login", data={"username": "admin", "password": "wrong password"}).get_data(as_text=True)
    unknown = client.post("/login", data={"username": "nobody", "password": "wrong password"}).get_data(as_text=True)
    assert GENERIC in wrong and GENERIC in unknown
    assert actions()[-2:] == ["auth.password_failed", "auth.password_failed"]
    assert client.get("/admin/").status_code == 302


def test_password_alone_does_not_sign_in(app: Flask, client: FlaskClient) -> None:
    make_world()
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/admin/").status_code == 302


def test_login_and_logout_are_audited(app: Flask, client: FlaskClient) -> None:
    make_world()
    login(client, "admin")
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    assert client.get("/admin/").status_code == 302
    assert actions()[-2:] == ["auth.login", "auth.logout"]


def test_a_session_cookie_copied_before_logout_no_longer_works(app: Flask, client: FlaskClient) -> None:
    make_world()
    login(client, "admin")
    copied = client.get_cookie("session")
    assert copied is not None
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    assert thief.get("/admin/").status_code == 200
    client.post("/logout")
    assert thief.get("/admin/").status_code == 302
    # Logging out here leaves the official's other devices signed in.
    phone = app.test_client()
    login(phone, "admin")
    other = app.test_client()
    login(other, "admin")
    phone.post("/logout")
    assert other.get("/admin/").status_code == 200


def test_a_totp_code_is_accepted_once_only(app: Flask, client: FlaskClient) -> None:
    make_world()
    code = next_code("chair")
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/login", data={"username": "chair", "password": PASSWORD})
    assert first.post("/login/code", data={"code": code}).status_code == 302
    replay = second.post("/login/code", data={"code": code})
    assert replay.status_code == 200 and GENERIC in replay.get_data(as_text=True)
    assert actions()[-1] == "auth.second_factor_failed"


def test_a_wrong_code_is_refused_with_the_same_message(app: Flask, client: FlaskClient) -> None:
    make_world()
    client.post("/login", data={"username": "official", "password": PASSWORD})
    response = client.post("/login/code", data={"code": "000000"})
    assert GENERIC in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(app: Flask, client: FlaskClient) -> None:
    make_world()
    code = ENROLMENTS["admin"].recovery_codes[0]
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert client.post("/login/code", data={"code": code.lower().replace("-", " ")}).status_code == 302
    assert "还剩 9 个未使用的恢复码" in client.get("/account").get_data(as_text=True)
    other = app.test_client()
    other.post("/login", data={"username": "admin", "password": PASSWORD})
    assert GENERIC in other.post("/login/code", data={"code": code}).get_data(as_text=True)


def test_first_login_enrols_an_authenticator_and_shows_ten_recovery_codes(app: Flask, client: FlaskClient) -> None:
    make_world()
    create_user(CLI, username="newbie", display_name="新委员", password=PASSWORD, role=Role.ADMINISTRATOR)
    response = client.post("/login", data={"username": "newbie", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/enrol")
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")  # type: ignore[union-attr]
    assert client.get("/login/enrol").get_data(as_text=True).count(secret[:4]) >= 1  # the same key on reload
    assert GENERIC in client.post("/login/enrol", data={"code": "123456"}).get_data(as_text=True)
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    assert len(re.findall(r"<li><code>[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}</code></li>", done)) == 10
    assert client.get("/admin/").status_code == 200
    assert "auth.totp_enrolled" in actions()


def test_new_recovery_codes_replace_the_old_ones(app: Flask, client: FlaskClient) -> None:
    make_world()
    old = ENROLMENTS["admin"].recovery_codes[1]
    login(client, "admin")
    page = client.post("/account/recovery-codes", data={"code": next_code("admin")}).get_data(as_text=True)
    assert page.count("<li><code>") == 10
    other = app.test_client()
    other.post("/login", data={"username": "admin", "password": PASSWORD})
    assert GENERIC in other.post("/login/code", data={"code": old}).get_data(as_text=True)
    refused = client.post("/account/recovery-codes", data={"code": "000000"}, follow_redirects=True)
    assert "验证码未通过" in refused.get_data(as_text=True)


def test_logout_everywhere_ends_the_other_sessions(app: Flask, client: FlaskClient) -> None:
    make_world()
    phone = app.test_client()
    login(client, "admin")
    login(phone, "admin")
    client.post("/account/logout-everywhere")
    assert phone.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert "auth.logout_everywhere" in actions()


def test_officials_are_logged_out_when_idle(app: Flask, client: FlaskClient) -> None:
    make_world()
    login(client, "chair")
    with client.session_transaction() as session:
        session["seen"] = time.time() - 31 * 60
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_pending_password_step_expires(app: Flask, client: FlaskClient) -> None:
    make_world()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    with client.session_transaction() as session:
        session["pending_login"] = {**session["pending_login"], "at": time.time() - 600}
    response = client.post("/login/code", data={"code": next_code("admin")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_login_attempts_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    make_world()
    for _ in range(10):
        client.post("/login", data={"username": "admin", "password": "wrong password"})
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert "请求过于频繁" in response.get_data(as_text=True)


def test_login_never_redirects_off_site(app: Flask, client: FlaskClient) -> None:
    make_world()
    client.post("/login?next=https://evil.example/", data={"username": "admin", "password": PASSWORD})
    response = client.post("/login/code", data={"code": next_code("admin")})
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    target = f"/admin/c/{world.community.id}"
    client.post(f"/login?next={target}", data={"username": "admin", "password": PASSWORD})
    assert client.post("/login/code", data={"code": next_code("admin")}).headers["Location"] == target


def test_security_headers(app: Flask, client: FlaskClient) -> None:
    make_world()
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"] and "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers
    login(client, "admin")
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_a_forged_csrf_token_is_refused(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)


def test_a_code_in_other_digits_is_refused_not_a_crash(app: Flask, client: FlaskClient) -> None:
    make_world()
    response = client.post("/login", data={"username": "chair", "password": PASSWORD})
    assert response.status_code == 302
    answer = client.post("/login/code", data={"code": "١٢٣٤٥٦"})  # Arabic-Indic digits pass str.isdigit()
    assert answer.status_code == 200 and "/login/code" in answer.request.path


def test_a_page_that_needs_a_login_says_so_in_the_reader_s_language(app: Flask, client: FlaskClient) -> None:
    make_world()
    page = client.get("/admin/", follow_redirects=True).get_data(as_text=True)
    assert "请先登录，再访问此页面。" in page and "Please log in" not in page
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert "Please sign in to see this page." in english.get("/admin/", follow_redirects=True).get_data(as_text=True)


def test_a_form_sent_after_the_sign_in_lapsed_leads_to_the_login_and_then_to_a_page_not_an_error(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    # A GET remembers where it was going.
    asked = client.get(f"/admin/c/{world.community.id}?lang=en")
    assert asked.headers["Location"] == f"/login?next=/admin/c/{world.community.id}?lang%3Den"
    # A form cannot be replayed: it says so, and after the sign-in the user lands on a page, not on the form's address.
    sent = client.post(f"/committee/c/{world.community.id}/meetings", data={"title": "x"})
    assert sent.status_code == 302 and sent.headers["Location"] == "/login"
    assert "表单未提交" in client.get("/login").get_data(as_text=True)  # said in the language the form was sent in
    client.post("/login", data={"username": "chair", "password": PASSWORD})
    landing = client.post("/login/code", data={"code": next_code("chair")}).headers["Location"]
    assert landing == "/" and client.get(landing).status_code == 200
