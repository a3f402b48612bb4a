"""The voting letter as the owners' operations open it: the token in the path, the holder's ID digits in the body."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..db import utcnow
from ..sessions.models import Letter
from ..voting import services as voting
from .operations import not_found
from .problems import Problem
from .spec import FieldError


def opened_letter(token: str, digits: str) -> Letter:
    """The letter, after the holder's digits: wrong digits count toward the lock exactly as on the page."""
    status, letter = voting.confirm_letter(token, digits, ip=request.remote_addr or "-", now=utcnow())
    if status is voting.LetterStatus.OK and letter is not None:
        return letter
    detail = voting.refusal_text(status, letter)
    if status is voting.LetterStatus.INVALID:
        raise not_found(detail)
    if status is voting.LetterStatus.LOCKED:
        raise Problem(403, _("Letter locked"), detail)
    if status is voting.LetterStatus.NO_DIGITS:
        raise Problem(403, _("Not possible"), detail)
    raise Problem(403, _("Not allowed"), detail, kind="urn:gongzhi:problem:digits", errors=[FieldError("digits", detail)])
