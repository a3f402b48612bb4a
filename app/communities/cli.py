"""The register's command: ``flask import-register``, all rows or none."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..db import database_errors_as_one_line, db
from ..security.actor import Grant, operator
from . import services
from .models import Community
from .register import RegisterFileError


@click.command("import-register")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--community", "community_ref", required=True, help="Community id or short name (slug).")
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@database_errors_as_one_line
def import_register_command(file: Path, community_ref: str, dry_run: bool) -> None:
    """Import an owner register (CSV or XLSX): all rows or none."""
    stmt = select(Community).where(Community.id == int(community_ref) if community_ref.isdigit() else Community.slug == community_ref)
    community = db.session.execute(stmt).scalar_one_or_none()
    if community is None:
        raise click.ClickException(_("no community %(ref)r", ref=community_ref))
    data = file.read_bytes()
    max_rows = current_app.config["REGISTER_MAX_ROWS"]
    try:
        admin = operator("cli", Grant.administrator())
        check = services.check_register_file(admin, community.id, file.name, data, max_rows=max_rows)
        if check.report.errors:
            for error in check.report.errors:
                click.echo(str(error), err=True)
            raise click.ClickException(_("%(n)d row(s) have errors; nothing was imported", n=len(check.report.errors)))
        report = check.report if dry_run else services.import_register_file(admin, community.id, file.name, data, max_rows=max_rows)
    except RegisterFileError as exc:
        raise click.ClickException(str(exc)) from None
    counts = {"rows": len(check.rows), "new": report.created, "updated": report.updated, "unchanged": report.unchanged}
    if dry_run:
        click.echo(_("would import %(rows)d rows: %(new)d new, %(updated)d updated, %(unchanged)d unchanged units", **counts))
    else:
        click.echo(_("imported %(rows)d rows: %(new)d new, %(updated)d updated, %(unchanged)d unchanged units", **counts))
