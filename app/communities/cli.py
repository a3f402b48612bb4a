"""The register's commands: ``flask import-register`` (all rows or none); cities, districts and their offices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..db import database_errors_as_one_line, db
from ..domain.errors import NotFound, RuleViolation
from ..security.actor import Grant, operator
from . import services
from .models import Community
from .queries import city_by_code, district_by_code, office_by_code
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


def _operator_call(call: Callable[[], object]) -> None:
    try:
        call()
    except (RuleViolation, NotFound) as exc:
        raise click.ClickException(exc.message) from None


@click.command("create-city")
@with_appcontext
@click.argument("code")
@click.option("--name", required=True)
@click.option("--profile", "rule_profile", default="cn-national", show_default=True, help="The rule profile whose yearly targets apply.")
@database_errors_as_one_line
def create_city_command(code: str, name: str, rule_profile: str) -> None:
    """Create a city, with the profile its figures are measured against."""
    _operator_call(lambda: services.create_city(operator("cli", Grant.administrator()), code=code, name=name, rule_profile=rule_profile))
    click.echo(_("created city %(code)s", code=code))


@click.command("create-district")
@with_appcontext
@click.argument("code")
@click.option("--name", required=True)
@click.option("--city", "city_code", required=True, help="The city's code.")
@database_errors_as_one_line
def create_district_command(code: str, name: str, city_code: str) -> None:
    """Create a district of a city."""
    city = city_by_code(city_code)
    if city is None:
        raise click.ClickException(_("no city %(ref)r", ref=city_code))
    _operator_call(lambda: services.create_district(operator("cli", Grant.administrator()), city_id=city.id, code=code, name=name))
    click.echo(_("created district %(code)s", code=code))


@click.command("assign-office")
@with_appcontext
@click.argument("office_code")
@click.option("--district", "district_code", help="The district's code; leave out to take the office out of its district.")
@database_errors_as_one_line
def assign_office_command(office_code: str, district_code: str | None) -> None:
    """Put a street office under a district."""
    office = office_by_code(office_code)
    if office is None:
        raise click.ClickException(_("no street office %(ref)r", ref=office_code))
    district = district_by_code(district_code) if district_code else None
    if district_code and district is None:
        raise click.ClickException(_("no district %(ref)r", ref=district_code))
    _operator_call(
        lambda: services.assign_office_to_district(
            operator("cli", Grant.administrator()), street_office_id=office.id, district_id=district.id if district else None
        )
    )
    click.echo(_("%(office)s is now under %(district)s", office=office_code, district=district_code or "—"))
