"""Configuration from the environment (DESIGN §5)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production defaults; every setting can be given as an environment variable."""

    # Filled in by create_app from instance/ when not set in the environment.
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    # Default: SQLite in instance/gongzhi.db (set in create_app, once the
    # instance path is known). PostgreSQL: postgresql+psycopg://user:pw@host/db
    DATABASE_URL: str | None = os.environ.get("DATABASE_URL")
    DATABASE_ECHO = _bool("DATABASE_ECHO", False)

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("GONGZHI_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh_CN", "en")

    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(16 * 1024 * 1024)))
    REGISTER_MAX_ROWS = int(os.environ.get("REGISTER_MAX_ROWS", "20000"))  # register.MAX_DATA_ROWS caps it

    # argon2id cost (OWASP: at least 19 MiB, 2 passes); the default is argon2-cffi's own.
    ARGON2_MEMORY_KIB = int(os.environ.get("ARGON2_MEMORY_KIB", "65536"))
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    # Officials are logged out after this long without a request.
    OFFICIAL_IDLE_MINUTES = int(os.environ.get("OFFICIAL_IDLE_MINUTES", "30"))
    # Strict-Transport-Security is sent when the request came over HTTPS (or this is set).
    HSTS = _bool("HSTS", False)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "local://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;100 per hour")
    # Confirming a voting letter's ID digits, per client address (a household may share one).
    LETTER_RATE_LIMIT = os.environ.get("LETTER_RATE_LIMIT", "20 per minute;200 per hour")
    # Uploading a file to import or attach, per client address: each upload is read and checked in full.
    UPLOAD_RATE_LIMIT = os.environ.get("UPLOAD_RATE_LIMIT", "10 per minute;60 per hour")
    # Key for encrypting TOTP secrets at rest (a Fernet key); default: instance/secretbox.key.
    SECRETBOX_KEY = os.environ.get("SECRETBOX_KEY")
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    # Text messages (app/sms.py): "log" writes them to instance/sms-outbox.jsonl; a gateway is "package.module:Class".
    SMS_SENDER = os.environ.get("SMS_SENDER", "log")
    # One JSON line per request on stderr (app/requestlog.py); REQUEST_LOG=0 turns it off.
    REQUEST_LOG = os.environ.get("REQUEST_LOG", "1") != "0"


class TestConfig(Config):
    REQUEST_LOG = False
    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    # Cheap hashing keeps the suite fast; production keeps the memory-hard default.
    ARGON2_MEMORY_KIB = 1024
    ARGON2_TIME_COST = 1


def instance_default_database(instance_path: str | Path) -> str:
    return f"sqlite:///{Path(instance_path) / 'gongzhi.db'}"


def as_mapping(config: type[Config] | dict[str, Any] | None) -> dict[str, Any]:
    if config is None:
        config = Config
    if isinstance(config, dict):
        base = {k: getattr(Config, k) for k in dir(Config) if k.isupper()}
        base.update(config)
        return base
    return {k: getattr(config, k) for k in dir(config) if k.isupper()}
