"""Officials' login: password, then a TOTP code (enrolment on first login); the account page."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..db import db, utcnow
from ..domain.errors import RuleViolation
from ..extensions import limiter, login_manager
from ..qr import qr_svg_data_uri
from ..security import totp
from ..security.secretbox import seal, unseal
from . import services, tokens
from .forms import CodeForm, ConfirmForm, EnrolForm, LoginForm, TokenForm, TotpForm
from .models import User

bp = Blueprint("accounts", __name__)

PENDING = "pending_login"
PENDING_SECRET = "pending_totp"
PENDING_SECONDS = 300
# The key of this browser's login session (app.accounts.models.LoginSession).
SESSION_KEY = "login_key"


def load_user(cookie_id: str) -> User | None:
    """Flask-Login's loader: the user, while this browser's login session lasts."""
    return services.load_user_from_cookie_id(cookie_id, session.get(SESSION_KEY))


def ask_to_sign_in() -> Response:
    """Flask-Login's unauthorized answer: to the login page, and back afterwards to the page asked for.

    A form posted without a sign-in (a session that expired, a member signed out when suspended) cannot be replayed by
    the redirect after signing in, which is a GET, and the pages send no referrer to return to: the user is told the
    form was not sent and lands on their start page.
    """
    if request.method == "GET":
        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    flash(_("You were signed out, so the form was not sent: sign in, then send it again."), "info")
    return redirect(url_for("accounts.login"))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.home")


def _client_ip() -> str:
    return request.remote_addr or "-"


def _pending_user() -> User | None:
    """The user who passed the password step in this browser in the last five minutes."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending["uid"])
    if user is None or not user.active or user.session_version != pending["ver"]:
        return None
    return user


def _finish_login(user: User) -> Response:
    target = session.pop(PENDING, {}).get("next")
    session.pop(PENDING_SECRET, None)
    login_user(user)
    session[SESSION_KEY] = services.start_login_session(user, now=utcnow())
    session["seen"] = time.time()
    return redirect(_safe_next(target))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.check_password(form.username.data or "", form.password.data or "", ip=_client_ip())
        if user is None:
            form.password.errors.append(_("The sign-in was not accepted. Check what you typed and try again."))
        else:
            session[PENDING] = {"uid": user.id, "ver": user.session_version, "at": time.time(), "next": request.args.get("next")}
            return redirect(url_for(".second_factor" if user.totp_enrolled else ".enrol"))
    return render_template("accounts/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor() -> Response | str:
    user = _pending_user()
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for(".login"))
    if not user.totp_enrolled:
        return redirect(url_for(".enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        accepted = services.verify_second_factor(user.id, user.session_version, form.code.data or "", ip=_client_ip(), now=utcnow())
        if accepted is not None:
            return _finish_login(accepted)
        form.code.errors.append(_("The sign-in was not accepted. Check what you typed and try again."))
    return render_template("accounts/second_factor.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def enrol() -> Response | str:
    user = _pending_user()
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for(".login"))
    if user.totp_enrolled:
        return redirect(url_for(".second_factor"))
    secret = unseal(session[PENDING_SECRET]) if PENDING_SECRET in session else None
    if secret is None:
        secret = totp.new_secret()
        session[PENDING_SECRET] = seal(secret)
    form = EnrolForm()
    if form.validate_on_submit():
        codes = services.enrol_totp(
            user.id, user.session_version, session[PENDING_SECRET], form.code.data or "", ip=_client_ip(), now=utcnow()
        )
        if codes is not None:
            db.session.refresh(user)
            _finish_login(user)
            return render_template("accounts/recovery_codes.html", codes=codes, first_time=True)
        form.code.errors.append(_("The sign-in was not accepted. Check what you typed and try again."))
    uri = totp.provisioning_uri(secret, user.username)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template("accounts/enrol.html", form=form, qr=qr_svg_data_uri(uri), secret=grouped)


@bp.post("/logout")
@login_required
def logout() -> Response:
    services.logout(current_user, session.get(SESSION_KEY), now=utcnow())
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


def _token_form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = [(scope, tokens.SCOPES[scope]) for scope in tokens.scopes_for(current_user)]
    return form


def _account_page(token_form: TokenForm | None = None, status: int = 200) -> tuple[str, int]:
    left = sum(1 for c in current_user.recovery_codes if c.used_at is None)
    page = render_template(
        "accounts/account.html",
        left=left,
        confirm_form=ConfirmForm(),
        totp_form=TotpForm(),
        token_form=token_form or _token_form(),
        api_tokens=tokens.tokens_of(current_user),
        scope_labels=tokens.SCOPES,
    )
    return page, status


@bp.get("/account")
@login_required
def account() -> tuple[str, int]:
    return _account_page()


@bp.post("/account/tokens")
@login_required
@limiter.limit(_login_limit)
def create_token() -> tuple[str, int]:
    """A bearer token for the JSON API, shown once."""
    form = _token_form()
    if not form.validate_on_submit():
        return _account_page(form, 400)
    try:
        made = tokens.create_token(
            current_user, name=form.name.data or "", scopes=form.scopes.data or [], code=form.code.data or "", now=utcnow()
        )
    except RuleViolation as exc:
        getattr(form, exc.field, form.name).errors.append(exc.reason)
        return _account_page(form, 400)
    if made is None:
        form.code.errors.append(_("The code was not accepted; no token was made."))
        return _account_page(form, 400)
    return render_template("accounts/token_created.html", token=made.token, secret=made.secret), 201


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        token = tokens.revoke_token(current_user, token_id, now=utcnow())
        flash(_("The token “%(name)s” is revoked; it no longer works.", name=token.name), "info")
    return redirect(url_for(".account"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        services.logout_everywhere(current_user)
        logout_user()
        session.clear()
        flash(_("You are logged out on every device."), "info")
    return redirect(url_for("main.home"))


@bp.post("/account/recovery-codes")
@login_required
@limiter.limit(_login_limit)
def new_recovery_codes() -> Response | str:
    form = TotpForm()
    codes = services.regenerate_recovery_codes(current_user, form.code.data or "", now=utcnow()) if form.validate_on_submit() else None
    if codes is None:
        flash(_("The code was not accepted; your recovery codes are unchanged."), "error")
        return redirect(url_for(".account"))
    return render_template("accounts/recovery_codes.html", codes=codes, first_time=False)
