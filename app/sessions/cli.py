"""The session clock's command: ``flask close-due``, run every minute from cron.

Other packages' deadlines ride on the same command without this package
importing them: the factory registers each with ``on_due`` and the command runs
them after the sessions, echoing the line each returns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..db import database_errors_as_one_line, utcnow
from .services import advance_due_sessions

DUE = "gongzhi.close_due"


def on_due(app: Flask, run: Callable[[datetime], str]) -> None:
    """Have ``flask close-due`` also run ``run(now)``: it closes what is due and says what it did ("" when nothing was)."""
    app.extensions.setdefault(DUE, []).append(run)


@click.command("close-due")
@with_appcontext
@database_errors_as_one_line
def close_due() -> None:
    """Open and close the sessions whose window started or ended, then the other deadlines due (run it every minute from cron)."""
    now = utcnow()
    counts = advance_due_sessions(now=now)
    click.echo(_("opened %(opened)d, closed %(closed)d session(s)", opened=counts["opened"], closed=counts["closed"]))
    for run in current_app.extensions.get(DUE, []):
        if said := run(now):
            click.echo(said)
