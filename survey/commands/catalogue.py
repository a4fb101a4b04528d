"""`sipas catalogue import`: the national procedure list from the command line.

The same reader and importer as the administrators' upload page: columns are
recognised by their headers, a bad row is reported by its line and skipped.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from survey import audit, db
from survey.catalogue import importer

catalogue_cli = AppGroup("catalogue", help="The procedure catalogue (fields and procedures).")


@catalogue_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import procedures (code, name, field) from a CSV or XLSX file."""
    try:
        headers, rows = importer.read_table(file.name, file.read_bytes())
    except importer.FrameFileError as exc:
        raise click.ClickException(str(exc)) from exc
    s = db.session()
    try:
        report = importer.import_rows(s, rows, importer.guess_mapping(headers))
    except ValueError as exc:
        s.rollback()
        raise click.ClickException(f"{exc}. Columns in the file: {', '.join(h for h in headers if h)}") from exc
    audit.record("catalogue_import", file.name[:200], f"created={report.created} updated={report.updated} "
                 f"unchanged={report.unchanged} errors={len(report.errors)}")
    s.commit()
    for line, problem in report.errors:
        click.echo(f"{file.name}: line {line}: {problem}", err=True)
    click.echo(f"Procedures: {report.created} created, {report.updated} updated, {report.unchanged} unchanged.")
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} row(s) refused (listed above); the other rows were imported.")


def register(app: Flask) -> None:
    app.cli.add_command(catalogue_cli)
