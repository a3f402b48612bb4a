"""Unbound extensions, initialised in create_app."""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from . import ratelimit as _ratelimit  # noqa: F401  registers local:// before the limiter reads its storage URI

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.session_protection = "strong"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
# In-process (local://, app/ratelimit.py) by default; RATELIMIT_STORAGE_URI=redis://… shares the counts across workers and hosts.
limiter = Limiter(key_func=get_remote_address)


def upload_limit() -> str:
    """The rate of file uploads (registers, ledgers, attachments) per client: parsing a file costs far more than a page."""
    return str(current_app.config["UPLOAD_RATE_LIMIT"])
