"""`sipas units`: import the official list of administrative units, list them."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from survey import audit, db
from survey.models import Unit
from survey.units.importer import import_units
from survey.uploads import UploadError, read_table

units_cli = AppGroup("units", help="Administrative units (provinces, cities, communes, wards, special zones).")


@units_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import units from the official list (CSV or XLSX); all rows or none."""
    try:
        headers, rows = read_table(file.name, file.read_bytes())
    except UploadError as exc:
        raise click.ClickException(str(exc)) from exc
    s = db.session()
    try:
        report = import_units(s, headers, rows)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if report.errors:
        s.rollback()
        for line, problem in report.errors:
            click.echo(f"{file.name}: line {line}: {problem}", err=True)
        raise click.ClickException(f"{len(report.errors)} row(s) refused; nothing was imported.")
    audit.record("units_import", file.name[:200], f"created={report.created} updated={report.updated} "
                 f"unchanged={report.unchanged}")
    s.commit()
    click.echo(f"Units: {report.created} created, {report.updated} updated, {report.unchanged} unchanged.")


@units_cli.command("list")
def list_command() -> None:
    """List units: code, kind, name and the code of the province or city above."""
    s = db.session()
    for unit in s.scalars(select(Unit).order_by(Unit.parent_id.is_not(None), Unit.code)):
        click.echo(f"{unit.code}\t{unit.kind}\t{unit.name}\t{unit.parent.code if unit.parent else '-'}")


def register(app: Flask) -> None:
    app.cli.add_command(units_cli)
