"""Property services' pages: the office's registry and contracts, the company's staff at work, the committee's
confirmations and watch, owners' requests from the letter and the board, the public board page and the city's lists.
Each part is a module of its own, registering its views on the one blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("property", __name__)

from . import facts, lists, registry, request_work, requests  # noqa: E402,F401  the parts register their views on bp
