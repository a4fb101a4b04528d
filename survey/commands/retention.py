"""`sipas retention apply`: remove free comments past the retention period."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from survey import db, retention

retention_cli = AppGroup("retention", help="Apply the retention period to free comments.")


@retention_cli.command("apply")
@click.option("--months", type=click.IntRange(min=0),
              help="Keep comments this many months. Default: $SIPAS_RETENTION_MONTHS (24).")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@click.option("--yes", is_flag=True, help="Confirm --months 0, which removes every comment.")
def apply(months: int | None, dry_run: bool, yes: bool) -> None:
    """Remove comments older than the period; answers and aggregates stay."""
    months = current_app.config["SIPAS_RETENTION_MONTHS"] if months is None else months
    if months == 0 and not dry_run and not yes:
        raise click.UsageError("--months 0 removes every comment; add --yes to confirm.")
    s = db.session()
    if dry_run:
        n = retention.count_expired(s, months)
        click.echo(f"{n} comment(s) older than {months} month(s) would be removed.")
        return
    n = retention.apply(s, months)
    click.echo(f"Removed {n} comment(s) older than {months} month(s); answers kept.")


def register(app: Flask) -> None:
    app.cli.add_command(retention_cli)
