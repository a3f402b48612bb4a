"""What the oversight pages share: the street office's blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("oversight", __name__, url_prefix="/office")
