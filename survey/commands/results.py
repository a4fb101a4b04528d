"""`sipas results rollup`: build or refresh the rollup cache of the results."""
from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from analysis.scoring import METHODS
from survey import db
from survey.models import Unit
from survey.results import rollup
from survey.results.config import Method
from survey.results.units import unit_and_descendants

results_cli = AppGroup("results", help="Results: the rollup cache of the indices.")


@results_cli.command("rollup")
@click.option("--unit", "unit_code", help="Unit code (a city includes its communes); default every unit.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (Vietnam time).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (Vietnam time).")
@click.option("--method", "methods", multiple=True, type=click.Choice(METHODS),
              help="Index method(s); default SIPAS_INDEX_METHOD.")
@click.option("--missing", "--missing-only", "missing", is_flag=True,
              help="Only build the days not stored yet (the scheduled job); default: recompute every day.")
def rollup_command(unit_code, start, end, methods, missing) -> None:
    """Build the per-day cells of past days: on a schedule with --missing, after a bulk import or a restore."""
    units = None
    if unit_code:
        s = db.session()
        unit_id = s.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise click.ClickException(f"no unit with code {unit_code!r}")
        units = sorted(unit_and_descendants(s, unit_id))
        s.rollback()  # end the read before the builds take their locks
    t0 = time.perf_counter()
    responses, built = rollup.build(db.engine(), tuple(methods) or (Method.from_config().index,), units,
                                    start.date() if start else None, end.date() if end else None,
                                    refresh=not missing)
    click.echo(f"Rollup: {responses} responses in {built} unit series, {time.perf_counter() - t0:.1f} s")


def register(app: Flask) -> None:
    app.cli.add_command(results_cli)
