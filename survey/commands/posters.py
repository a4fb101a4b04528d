"""`sipas posters`: write the printable QR posters or service cards as a PDF."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from survey import db
from survey.catalogue.queries import service_points
from survey.links import describe_base_url, loopback_base_url
from survey.models import Unit


@click.command("posters")
@with_appcontext
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="PDF file to write.")
@click.option("--kind", type=click.Choice(["counters", "services"]), default="counters", show_default=True,
              help="An A4 poster per counter, or an A4 sheet of cards per service at each counter.")
@click.option("--unit", "unit_code", help="Only the counters of this unit (code).")
def posters_command(out_file: Path, kind: str, unit_code: str | None) -> None:
    """Write QR posters for printing."""
    # deferred: the CLI is registered in every worker, which need not hold the PDF libraries
    from survey import posters

    s = db.session()
    unit = None
    if unit_code:
        unit = s.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"no unit with code {unit_code!r}")
    points = service_points(s, unit)
    if kind == "counters":
        sheets, render = posters.counter_sheets(points), posters.counter_posters
    else:
        sheets, render = posters.service_sheets(points), posters.service_cards
    if not sheets:
        raise click.ClickException("no counter with a live QR token to print")
    if loopback_base_url():
        click.echo("Warning: " + describe_base_url(), err=True)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(render(sheets))
    click.echo(f"Wrote {len(sheets)} page(s) to {out_file}")


def register(app: Flask) -> None:
    app.cli.add_command(posters_command)
