"""`sipas responses count`: how many responses each service has."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from survey import db
from survey.models import Response, Service, Unit

responses_cli = AppGroup("responses", help="Stored responses.")


@responses_cli.command("count")
def count() -> None:
    """Print the number of responses per unit and service."""
    rows = db.session().execute(
        select(Unit.name, Service.code, Service.name, func.count(Response.id))
        .join(Unit, Unit.id == Response.unit_id)
        .join(Service, Service.id == Response.service_id)
        .group_by(Unit.name, Service.code, Service.name)
        .order_by(Unit.name, Service.code)
    ).all()
    total = 0
    for unit, code, name, n in rows:
        click.echo(f"{unit}\t{code}\t{name}\t{n}")
        total += n
    click.echo(f"Total\t\t\t{total}")


def register(app: Flask) -> None:
    app.cli.add_command(responses_cli)
