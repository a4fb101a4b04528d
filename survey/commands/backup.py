"""`sipas backup --out FILE` and `sipas restore FILE`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from survey import backup as backups
from survey import db


@click.command("backup")
@with_appcontext
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (SQLite database file, or pg_dump custom format).")
def backup(out: Path) -> None:
    """Write a consistent backup of the database while the service runs."""
    try:
        backups.backup(current_app.config["DATABASE_URL"], out)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {out} ({out.stat().st_size} bytes).")


@click.command("restore")
@with_appcontext
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup_file: Path, yes: bool) -> None:
    """Replace the whole database with BACKUP_FILE."""
    if not yes:
        click.confirm("This replaces every row of the current database. Continue?", abort=True)
    db.engine().dispose()  # no pooled connection may keep the old pages
    try:
        backups.restore(current_app.config["DATABASE_URL"], backup_file)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Database restored from {backup_file}.")


def register(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(restore)
