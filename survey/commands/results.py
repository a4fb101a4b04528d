"""`sipas results rollup`: build or refresh the rollup cache of the results."""
from __future__ import annotations

import time
from datetime import date, timedelta

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from survey import db
from survey.models import Questionnaire, Unit
from survey.questionnaire.loader import shipped
from survey.results import rollup
from survey.results.config import Method
from survey.results.layout import layout_of
from survey.results.units import unit_and_descendants

results_cli = AppGroup("results", help="Results: the rollup cache of the indices.")


@results_cli.command("rollup")
@click.option("--unit", "unit_code", help="Unit code (a city includes its communes); default every unit.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (Vietnam time).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (Vietnam time).")
@click.option("--method", "methods", multiple=True, type=click.Choice(("top2box", "mean_pct")),
              help="Index method(s); default SIPAS_INDEX_METHOD.")
@click.option("--missing-only", is_flag=True, help="Only build days not built yet (default: recompute).")
def rollup_command(unit_code, start, end, methods, missing_only) -> None:
    """Recompute the per-day cells; run after a bulk import or a restore."""
    s = db.session()
    if unit_code:
        unit_id = s.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise click.ClickException(f"no unit with code {unit_code!r}")
        units = sorted(unit_and_descendants(s, unit_id))
    else:
        units = list(s.scalars(select(Unit.id).order_by(Unit.id)))
    methods = methods or (Method.from_config().index,)
    last = min(end.date() if end else date.max, rollup.live_from() - timedelta(days=1))
    definitions = shipped()
    t0, responses, built = time.perf_counter(), 0, 0
    for qid, code, version in s.execute(select(Questionnaire.id, Questionnaire.code, Questionnaire.version)):
        if (code, version) not in definitions:
            continue
        for unit in units:
            first = rollup.first_day(s, qid, unit)
            if first is None:
                continue
            first = max(first, start.date()) if start else first
            for method in methods:
                if first <= last:
                    responses += rollup.fill(db.engine(), qid, layout_of(definitions[(code, version)], method),
                                             unit, first, last, refresh=not missing_only)
                    built += 1
    click.echo(f"Rollup: {responses} responses in {built} unit series, {time.perf_counter() - t0:.1f} s")


def register(app: Flask) -> None:
    app.cli.add_command(results_cli)
