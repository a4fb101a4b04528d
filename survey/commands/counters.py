"""`sipas counters`: create the counters citizens are served at, and list their survey addresses."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from survey import audit, db
from survey.catalogue import operations as ops
from survey.catalogue import queries
from survey.links import survey_url
from survey.models import Field, Service, Unit

counters_cli = AppGroup("counters", help="Counters (quầy) and their survey QR addresses.")


def _unit(code: str) -> Unit:
    unit = db.session().scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise click.ClickException(f"no unit with code {code!r} (see `sipas units list`)")
    return unit


def _services(codes: tuple[str, ...], field_codes: tuple[str, ...], every: bool) -> list[Service]:
    s = db.session()
    if every:
        return queries.services(s, active_only=True)
    chosen = list(s.scalars(select(Service).where(Service.code.in_(codes))))
    unknown = sorted(set(codes) - {v.code for v in chosen})
    if unknown:
        raise click.ClickException(f"no procedure with code {', '.join(unknown)}")
    if field_codes:
        fields = list(s.scalars(select(Field).where(Field.code.in_(field_codes))))
        unknown = sorted(set(field_codes) - {f.code for f in fields})
        if unknown:
            raise click.ClickException(f"no field with code {', '.join(unknown)}")
        chosen += [v for f in fields for v in f.services if v.active and v not in chosen]
    return chosen


@counters_cli.command("create")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="Code of the commune, ward or special zone.")
@click.option("--service", "service_codes", multiple=True, help="A procedure offered here (repeat).")
@click.option("--field", "field_codes", multiple=True, help="Every procedure of this field (repeat).")
@click.option("--all-services", is_flag=True, help="Every active procedure of the catalogue.")
@click.option("--name-en", "name_en", help="Its English name, shown on the English form (\"\" removes it).")
def create(name: str, unit_code: str, service_codes: tuple[str, ...], field_codes: tuple[str, ...],
           all_services: bool, name_en: str | None) -> None:
    """Create the counter NAME (or set its procedures again); its QR token is kept."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise click.ClickException("the counter name must be 1-200 characters")
    if name_en is not None:
        name_en = " ".join(name_en.split())
        if len(name_en) > 200:
            raise click.ClickException("the English name must be at most 200 characters")
    if not (service_codes or field_codes or all_services):
        raise click.ClickException("say which procedures it offers: --service, --field or --all-services")
    unit = _unit(unit_code)
    services = _services(service_codes, field_codes, all_services)
    if not services:
        raise click.ClickException("no active procedure to offer: import the catalogue first")
    s = db.session()
    point = ops.upsert_service_point(s, unit, name, services, name_en)
    audit.record("counter_save", f"service_point:{point.id}",
                 f"cli {name}; services={','.join(v.code for v in services)}")
    s.commit()
    click.echo(f"Counter {point.id}: {point.name}, {unit.name} ({len(services)} procedures)")
    click.echo(f"  {survey_url(point)}")


@counters_cli.command("list")
@click.option("--unit", "unit_code", help="Only the counters of this unit (code).")
@click.option("--qr", "draw", is_flag=True, help="Also draw each QR code in the terminal.")
def list_command(unit_code: str | None, draw: bool) -> None:
    """List counters with their survey address."""
    from survey import qr  # deferred: the CLI is registered in every worker, which need not hold qrcode

    s = db.session()
    for point in queries.service_points(s, _unit(unit_code) if unit_code else None):
        url = survey_url(point) if point.token else "(QR revoked)"
        click.echo(f"{point.id}\t{point.unit.code}\t{point.name}\t{len(point.services)}\t{url}")
        if draw and point.token:
            click.echo(qr.terminal(url))


def register(app: Flask) -> None:
    app.cli.add_command(counters_cli)
