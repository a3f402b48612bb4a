"""What the fund's pages share: their blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("fund", __name__)
