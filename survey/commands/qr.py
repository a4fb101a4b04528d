"""`sipas qr`: print a counter's QR in the terminal and write SVG and PNG files."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from survey import db
from survey.catalogue.queries import service_points
from survey.links import describe_base_url, loopback_base_url, survey_url
from survey.models import Service


@click.command("qr")
@with_appcontext
@click.option("--point", "point_id", type=int, help="Counter id (default: every counter).")
@click.option("--service", "service_code", help="Procedure code, for a per-service QR.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("qr"), show_default=True, help="Folder for the SVG and PNG files.")
@click.option("--no-terminal", is_flag=True, help="Do not draw the QR in the terminal.")
def qr_command(point_id: int | None, service_code: str | None, out_dir: Path, no_terminal: bool) -> None:
    """Print counters' survey QR codes and write them as SVG and PNG."""
    from survey import qr  # deferred: the CLI is registered in every worker, which need not hold qrcode

    s = db.session()
    points = [p for p in service_points(s) if point_id in (None, p.id)]
    if not points:
        raise click.ClickException(f"no counter with id {point_id}")
    service = None
    if service_code:
        service = s.scalar(select(Service).where(Service.code == service_code))
        if service is None:
            raise click.ClickException(f"no procedure with code {service_code}")
    if loopback_base_url():
        click.echo("Warning: " + describe_base_url(), err=True)
    for point in points:
        if point.token is None:
            click.echo(f"{point.name}: token revoked, no QR", err=True)
            continue
        url = survey_url(point, service)
        stem = out_dir / (f"counter-{point.id}" + (f"-{service.code}" if service else ""))
        paths = qr.write_files(url, stem)
        click.echo(f"{point.name}\n  {url}\n  " + "  ".join(str(p) for p in paths))
        if not no_terminal:
            click.echo(qr.terminal(url))


def register(app: Flask) -> None:
    app.cli.add_command(qr_command)
