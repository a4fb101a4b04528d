"""`sipas db …`: Alembic migrations, with the URL taken from the app's settings."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from survey.paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

db_cli = AppGroup("db", help="Create and migrate the database schema.")


def _alembic():
    from alembic import command  # on demand: a serving worker never migrates

    return command


def alembic_config(url: str | None = None) -> Config:
    """Build the Alembic configuration; the app's DATABASE_URL is the one source."""
    from alembic.config import Config  # on demand: a serving worker never migrates

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # '%' is Alembic's interpolation character; a password may contain it.
    cfg.set_main_option("sqlalchemy.url", (url or current_app.config["DATABASE_URL"]).replace("%", "%%"))
    return cfg


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    _alembic().upgrade(alembic_config(), revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Migrate the database down to REVISION."""
    _alembic().downgrade(alembic_config(), revision)


@db_cli.command("current")
def current() -> None:
    """Show the database's revision."""
    _alembic().current(alembic_config(), verbose=False)


@db_cli.command("check")
def check() -> None:
    """Fail if the models differ from what the migrations create."""
    _alembic().check(alembic_config())


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
def revision(message: str, autogenerate: bool) -> None:
    """Write a new migration script."""
    _alembic().revision(alembic_config(), message=message, autogenerate=autogenerate)


def register(app: Flask) -> None:
    app.cli.add_command(db_cli)
