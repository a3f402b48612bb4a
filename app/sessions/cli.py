"""The session clock's command: ``flask close-due``, run every minute from cron."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..db import database_errors_as_one_line, utcnow
from .services import advance_due_sessions


@click.command("close-due")
@with_appcontext
@database_errors_as_one_line
def close_due() -> None:
    """Open and close the sessions whose window started or ended (run it every minute from cron)."""
    counts = advance_due_sessions(now=utcnow())
    click.echo(_("opened %(opened)d, closed %(closed)d session(s)", opened=counts["opened"], closed=counts["closed"]))
