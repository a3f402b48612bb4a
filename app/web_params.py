"""Query parameters of the pages, read as the API reads them: empty means "any", a value nobody could mean is a 400 saying why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

# The API's bounds for a year (app/api/public.py).
FIRST_YEAR, LAST_YEAR = 1900, 9999


class InvalidQuery(BadRequest):
    """A query parameter out of its range or its choices; the description is shown to the person who sent it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(description=message)
        self.field = field


def year_arg(name: str = "year") -> int | None:
    """A year in ASCII digits between FIRST_YEAR and LAST_YEAR, or None when the parameter is absent or empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and FIRST_YEAR <= int(raw) <= LAST_YEAR):
        raise InvalidQuery(name, _("The year must be a whole number from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))
    return int(raw)


def choice_arg(name: str, choices: Iterable[str]) -> str | None:
    """One of the choices, or None when the parameter is absent or empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    allowed = list(choices)
    if raw not in allowed:
        raise InvalidQuery(name, _("The %(field)s must be one of: %(choices)s.", field=name, choices=", ".join(allowed)))
    return raw


def page_arg(name: str = "page", *, last: int = 100_000) -> int:
    """A page number from 1 to ``last``; 1 when the parameter is absent or empty."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= last):
        raise InvalidQuery(name, _("The page must be a whole number from 1 to %(last)d.", last=last))
    return int(raw)


MAX_ID = 2**31 - 1  # the largest key either engine stores in an INTEGER column


def id_arg(name: str, *, form: bool = False) -> int | None:
    """A record's id from the query (or the posted form): None when absent or empty, a 400 when no record could have it."""
    raw = (request.form if form else request.args).get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_ID):
        raise InvalidQuery(name, _("%(field)s does not name a record.", field=name))
    return int(raw)


class RecordId(IntegerConverter):
    """The ``int`` of every route: a number no record could have (past ``MAX_ID``) is not found, never an engine's overflow."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
