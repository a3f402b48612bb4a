"""Time-based one-time passwords (RFC 6238) for officials, with replay refusal."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "Gongzhi 共治"
# Accept the code of the previous and the next 30-second step too (clock drift).
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to, if it is valid now and newer than ``last_step``.

    A step at or before the last accepted one is refused: each code works once.
    """
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None
