"""What property services give the packages below them, which never import it: the clock's steps for
``flask close-due`` and the fund's contractor guard. The factory calls ``wire``."""

from __future__ import annotations

from datetime import datetime

from flask import Flask


def _due(now: datetime) -> str:
    from .services.requests import escalate_due
    from .services.standing import compute_due

    return "\n".join(line for line in (escalate_due(now), compute_due(now)) if line)


def wire(app: Flask) -> None:
    from ..fund.services.contractors import guard_contractors
    from ..sessions.cli import on_due
    from .services.standing import black_list_guard

    on_due(app, _due)  # escalations and the month's lists, without sessions importing them
    guard_contractors(black_list_guard)  # a black-listed company is no fund project's contractor
