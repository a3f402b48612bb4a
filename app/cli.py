"""The operator's commands (``flask db``, ``demo``, ``keys``, ``backup``, ``restore``, ``audit``); each feature adds its own."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .db import database_errors_as_one_line, display_url, utcnow
from .demo import seed_demo
from .migrate import downgrade as migrate_downgrade
from .migrate import upgrade as migrate_upgrade
from .ops import OpsError, backup, restore, verify_chains
from .security.keys import init_keys, rotate_keys


@click.group("db")
def db_group() -> None:
    """Schema migrations (Alembic)."""


@db_group.command("upgrade")
@with_appcontext
@click.argument("revision", default="head")
@database_errors_as_one_line
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    migrate_upgrade(revision)
    click.echo(_("database %(url)s is at %(revision)s", url=display_url(current_app.config["DATABASE_URL"]), revision=revision))


@db_group.command("downgrade")
@with_appcontext
@click.argument("revision")
@database_errors_as_one_line
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION."""
    migrate_downgrade(revision)


@click.command("demo", short_help="Seed a demo city: a district, two street offices, communities in every state.")
@with_appcontext
@database_errors_as_one_line
def demo() -> None:
    """Seed a demo city: a district, its two street offices, communities in every state (idempotent).

    示范市 and its 和平区 hold 新华街道, whose eight communities cover every state the dashboards flag
    (sessions open and closed, committees in and past their term, a temporary committee, preparatory groups
    on time and overdue, a session the office convened), and 东风街道, with one community in each state of
    the formation figure. Prints the logins of each role.
    """
    for line in seed_demo():
        click.echo(line)


@click.group("keys")
def keys_group() -> None:
    """The server's Ed25519 signing keys (instance/keys/)."""


@keys_group.command("init")
@with_appcontext
def keys_init() -> None:
    """Create the signing key unless one exists."""
    kid, created = init_keys(current_app.instance_path, now=utcnow())
    click.echo(_("created signing key %(kid)s", kid=kid) if created else _("kept signing key %(kid)s", kid=kid))


@keys_group.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Sign with a new key from now on; the old public key stays published."""
    try:
        kid = rotate_keys(current_app.instance_path, now=utcnow())
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_("now signing with %(kid)s", kid=kid))


@click.command("backup")
@with_appcontext
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
@database_errors_as_one_line
def backup_command(destination: Path) -> None:
    """Back up the database and the instance secrets into a new folder DESTINATION."""
    try:
        written = backup(current_app.config["DATABASE_URL"], Path(current_app.instance_path), destination)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_("backed up to %(folder)s: %(files)s", folder=destination, files=", ".join(written)))


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@database_errors_as_one_line
def restore_command(source: Path) -> None:
    """Restore a backup folder SOURCE into an empty database and a new instance folder."""
    try:
        restored = restore(current_app.config["DATABASE_URL"], Path(current_app.instance_path), source)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_("restored from %(folder)s: %(files)s", folder=source, files=", ".join(restored)))


@click.group("audit")
def audit_group() -> None:
    """The audit log and the bulletin boards."""


@audit_group.command("verify")
@with_appcontext
@database_errors_as_one_line
def audit_verify() -> None:
    """Check the audit log's hash chain and every session's bulletin chain; exit 1 at the first break."""
    findings = verify_chains(Path(current_app.instance_path))
    for finding in findings:
        click.echo(
            (_("%(chain)s: OK (%(detail)s)") if finding.ok else _("%(chain)s: BROKEN (%(detail)s)"))
            % {"chain": finding.chain, "detail": finding.detail}
        )
    if not all(f.ok for f in findings):
        first = next(f for f in findings if not f.ok)
        raise click.ClickException(_("%(chain)s is broken at %(detail)s", chain=first.chain, detail=first.detail))


def register_cli(app: Flask) -> None:
    from .accounts.cli import create_user_command
    from .communities.cli import assign_office_command, create_city_command, create_district_command, import_register_command
    from .sessions.cli import close_due

    # The operator's commands are here; each feature's live beside its code.
    for command in (db_group, demo, keys_group, backup_command, restore_command, audit_group):
        app.cli.add_command(command)
    for command in (close_due, import_register_command, create_user_command):
        app.cli.add_command(command)
    for command in (create_city_command, create_district_command, assign_office_command):
        app.cli.add_command(command)
