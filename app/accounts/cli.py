"""Accounts at the command line: ``flask create-user``, for the first administrator, say."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..db import database_errors_as_one_line
from ..domain.errors import RuleViolation
from ..security.actor import Grant, operator
from ..security.roles import Role
from .services import create_user


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option(
    "--role",
    type=click.Choice(
        [
            "administrator",
            "street_official",
            "committee_chair",
            "committee_vice_chair",
            "committee_member",
            "district_official",
            "city_official",
        ]
    ),
    required=True,
)
@click.option("--community", "community_id", type=int)
@click.option("--street-office", "street_office_id", type=int)
@click.option("--district", "district_id", type=int)
@click.option("--city", "city_id", type=int)
@click.password_option()
@database_errors_as_one_line
def create_user_command(
    username: str,
    display_name: str,
    role: str,
    community_id: int | None,
    street_office_id: int | None,
    district_id: int | None,
    city_id: int | None,
    password: str,
) -> None:
    """Create an official's account (the first administrator, say)."""
    try:
        create_user(
            operator("cli", Grant.administrator()),
            username=username,
            display_name=display_name,
            password=password,
            role=Role(role),
            community_id=community_id,
            street_office_id=street_office_id,
            district_id=district_id,
            city_id=city_id,
        )
    except RuleViolation as exc:
        raise click.ClickException(exc.message) from None
    click.echo(_("created %(username)s (%(role)s)", username=username, role=role))
