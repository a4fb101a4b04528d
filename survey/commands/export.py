"""`sipas export responses|indices`: the same exports as the browser's download buttons."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from survey import audit, db
from survey.exports.contents import FORMATS
from survey.exports.operations import describe, write_file
from survey.models import Unit
from survey.results.config import Method
from survey.results.filters import Filters, Period
from survey.results.units import unit_and_descendants

export_cli = AppGroup("export", help="Export responses and indices as CSV or XLSX.")


def _options(command):
    command = click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                           help="File to write.")(command)
    command = click.option("--unit", "unit_code", help="Unit code (a city includes its communes).")(command)
    command = click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (Vietnam time).")(command)
    command = click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (Vietnam time).")(command)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)(command)


def _filters(start, end, unit_code: str | None) -> Filters:
    unit_ids = None
    if unit_code:
        unit_id = db.session().scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise click.ClickException(f"no unit with code {unit_code!r}")
        unit_ids = tuple(sorted(unit_and_descendants(db.session(), unit_id)))
    period = None
    if start or end:
        lo = start.date() if start else date(2000, 1, 1)
        hi = end.date() if end else date(2100, 12, 31)
        if lo > hi:
            raise click.ClickException("--from is after --to")
        period = Period("custom", lo, hi)
    return Filters(unit_ids=unit_ids, period=period)


def _run(kind: str, fmt: str, start, end, unit_code, out: Path) -> None:
    f = _filters(start, end, unit_code)
    # Outside a request the app's locale selector has no ?lang= to read.
    with force_locale("vi"):
        written = write_file(kind, fmt, f, Method.from_config(), out)
    audit.record("export", f"{kind}.{fmt}", describe(kind, fmt, f) + " (cli)")
    db.session().commit()
    for path in written:
        click.echo(f"Wrote {path}")


@export_cli.command("responses")
@_options
def responses(fmt, start, end, unit_code, out) -> None:
    """One row per response with criterion codes as columns, plus a data dictionary."""
    _run("responses", fmt, start, end, unit_code, out)


@export_cli.command("indices")
@_options
def indices(fmt, start, end, unit_code, out) -> None:
    """Indices with intervals per service, field, counter and overall."""
    _run("indices", fmt, start, end, unit_code, out)


def register(app: Flask) -> None:
    app.cli.add_command(export_cli)
