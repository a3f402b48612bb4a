"""Command-line operations: ``flask db``, ``flask demo``, ``flask import-register``, ``flask create-user``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from sqlalchemy.exc import OperationalError, ProgrammingError

from .db import display_url

F = TypeVar("F", bound=Callable[..., Any])


def database_errors_as_one_line(func: F) -> F:
    """A missing or unreachable database is one line naming the URL, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            url = display_url(current_app.config["DATABASE_URL"])
            raise click.ClickException(f"database {url}: {reason}") from None

    return wrapper  # type: ignore[return-value]


def register_cli(app: Flask) -> None:
    from .migrate import downgrade as migrate_downgrade
    from .migrate import upgrade as migrate_upgrade

    @app.cli.group("db")
    def db_group() -> None:
        """Schema migrations (Alembic)."""

    @db_group.command("upgrade")
    @click.argument("revision", default="head")
    @database_errors_as_one_line
    def db_upgrade(revision: str) -> None:
        """Migrate the database to REVISION (default: the newest)."""
        migrate_upgrade(revision)
        click.echo(f"database {display_url(current_app.config['DATABASE_URL'])} is at {revision}")

    @db_group.command("downgrade")
    @click.argument("revision")
    @database_errors_as_one_line
    def db_downgrade(revision: str) -> None:
        """Migrate the database back to REVISION."""
        migrate_downgrade(revision)

    @app.cli.command("demo")
    @database_errors_as_one_line
    def demo() -> None:
        """Seed a realistic street office with two communities (idempotent)."""
        from .demo import seed_demo

        for line in seed_demo():
            click.echo(line)

    @app.cli.group("keys")
    def keys_group() -> None:
        """The server's Ed25519 signing keys (instance/keys/)."""

    @keys_group.command("init")
    def keys_init() -> None:
        """Create the signing key unless one exists."""
        from .db import utcnow
        from .security.keys import init_keys

        kid, created = init_keys(current_app.instance_path, now=utcnow())
        click.echo(f"{'created' if created else 'kept'} signing key {kid}")

    @keys_group.command("rotate")
    def keys_rotate() -> None:
        """Sign with a new key from now on; the old public key stays published."""
        from .db import utcnow
        from .security.keys import rotate_keys

        try:
            kid = rotate_keys(current_app.instance_path, now=utcnow())
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"now signing with {kid}")

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
    @database_errors_as_one_line
    def backup_command(destination: Path) -> None:
        """Back up the database and the instance secrets into a new folder DESTINATION."""
        from .ops import OpsError, backup

        try:
            written = backup(current_app.config["DATABASE_URL"], Path(current_app.instance_path), destination)
        except OpsError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"backed up to {destination}: {', '.join(written)}")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @database_errors_as_one_line
    def restore_command(source: Path) -> None:
        """Restore a backup folder SOURCE into an empty database and a new instance folder."""
        from .ops import OpsError, restore

        try:
            restored = restore(current_app.config["DATABASE_URL"], Path(current_app.instance_path), source)
        except OpsError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"restored from {source}: {', '.join(restored)}")

    @app.cli.group("audit")
    def audit_group() -> None:
        """The audit log and the bulletin boards."""

    @audit_group.command("verify")
    @database_errors_as_one_line
    def audit_verify() -> None:
        """Check the audit log's hash chain and every session's bulletin chain; exit 1 at the first break."""
        from .ops import verify_chains

        findings = verify_chains(Path(current_app.instance_path))
        for finding in findings:
            click.echo(f"{finding.chain}: {'OK' if finding.ok else 'BROKEN'} ({finding.detail})")
        if not all(f.ok for f in findings):
            first = next(f for f in findings if not f.ok)
            raise click.ClickException(f"{first.chain} is broken at {first.detail}")

    @app.cli.command("close-due")
    @database_errors_as_one_line
    def close_due() -> None:
        """Open and close the sessions whose window started or ended (run it every minute from cron)."""
        from .db import utcnow
        from .sessions.services import advance_due_sessions

        counts = advance_due_sessions(now=utcnow())
        click.echo(f"opened {counts['opened']}, closed {counts['closed']} session(s)")

    @app.cli.command("import-register")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--community", "community_ref", required=True, help="Community id or short name (slug).")
    @click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
    @database_errors_as_one_line
    def import_register_command(file: Path, community_ref: str, dry_run: bool) -> None:
        """Import an owner register (CSV or XLSX): all rows or none."""
        from sqlalchemy import select

        from .communities import services
        from .communities.models import Community
        from .communities.register import RegisterFileError
        from .db import db
        from .security.actor import Grant, operator

        stmt = select(Community).where(Community.id == int(community_ref) if community_ref.isdigit() else Community.slug == community_ref)
        community = db.session.execute(stmt).scalar_one_or_none()
        if community is None:
            raise click.ClickException(f"no community {community_ref!r}")
        data = file.read_bytes()
        max_rows = current_app.config["REGISTER_MAX_ROWS"]
        try:
            admin = operator("cli", Grant.administrator())
            check = services.check_register_file(admin, community.id, file.name, data, max_rows=max_rows)
            if check.report.errors:
                for error in check.report.errors:
                    click.echo(str(error), err=True)
                raise click.ClickException(f"{len(check.report.errors)} row(s) have errors; nothing was imported")
            report = check.report if dry_run else services.import_register_file(admin, community.id, file.name, data, max_rows=max_rows)
        except RegisterFileError as exc:
            raise click.ClickException(str(exc)) from None
        verb = "would import" if dry_run else "imported"
        click.echo(f"{verb} {len(check.rows)} rows: {report.created} new, {report.updated} updated, {report.unchanged} unchanged units")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--name", "display_name", required=True)
    @click.option(
        "--role",
        type=click.Choice(["administrator", "street_official", "committee_chair", "committee_vice_chair", "committee_member"]),
        required=True,
    )
    @click.option("--community", "community_id", type=int)
    @click.option("--street-office", "street_office_id", type=int)
    @click.password_option()
    @database_errors_as_one_line
    def create_user_command(
        username: str, display_name: str, role: str, community_id: int | None, street_office_id: int | None, password: str
    ) -> None:
        """Create an official's account (the first administrator, say)."""
        from .accounts.services import create_user
        from .domain.errors import RuleViolation
        from .security.actor import Grant, operator
        from .security.roles import Role

        try:
            create_user(
                operator("cli", Grant.administrator()),
                username=username,
                display_name=display_name,
                password=password,
                role=Role(role),
                community_id=community_id,
                street_office_id=street_office_id,
            )
        except RuleViolation as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"created {username} ({role})")
