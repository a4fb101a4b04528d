"""`sipas plans …`: list plans, import a dossier list, draw the sample, print slips."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from survey import db
from survey.frame.operations import import_dossiers
from survey.frame.reader import FrameFileError, read_table
from survey.invitations.operations import issue_for_sample
from survey.invitations.queries import unused
from survey.links import base_url
from survey.models import Plan, Unit
from survey.plans import sampling

plans_cli = AppGroup("plans", help="Annual measurement plans.")


def _plan(plan_id: int) -> Plan:
    plan = db.session().get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"no plan with id {plan_id}")
    return plan


@plans_cli.command("list")
def list_plans() -> None:
    """Print every plan: id, unit, dates, title."""
    for p in db.session().scalars(select(Plan).order_by(Plan.unit_id, Plan.start_date)):
        click.echo(f"{p.id}\t{p.unit.code}\t{p.start_date}\t{p.end_date}\t{p.title}")


@plans_cli.command("import-frame")
@click.option("--unit", "unit_code", required=True, help="Unit code of the commune.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_frame(unit_code: str, file: Path) -> None:
    """Import a dossier list (CSV/XLSX); re-importing updates, never duplicates."""
    s = db.session()
    unit = s.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"no unit {unit_code}")
    try:
        report = import_dossiers(s, unit.id, *read_table(file.name, file.read_bytes()))
    except FrameFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.ok:
        raise click.ClickException("missing columns: " + ", ".join(report.missing_columns))
    s.commit()
    for line, message in report.errors:
        click.echo(f"line {line}: {message}", err=True)
    click.echo(f"created {report.created}, updated {report.updated}, rejected {len(report.errors)}")


@plans_cli.command("draw")
@click.option("--plan", "plan_id", type=int, required=True)
@click.option("--seed", type=int, default=None, help="Default: the plan's recorded seed, else a new one.")
def draw(plan_id: int, seed: int | None) -> None:
    """Size and draw the sample; issue one invitation per sampled dossier."""
    s = db.session()
    plan = _plan(plan_id)
    n = sampling.draw(s, plan, seed)
    issue_for_sample(s, plan)
    s.commit()
    click.echo(f"drew {n} dossiers with seed {plan.seed}")


@plans_cli.command("slips")
@click.option("--plan", "plan_id", type=int, required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def slips(plan_id: int, out: Path) -> None:
    """Write the unused invitation slips of a plan as a PDF."""
    # deferred: the CLI is registered in every worker, which need not hold the PDF libraries
    from survey.invitations.slips import slips_pdf

    plan = _plan(plan_id)
    rows = [{"code": i.code, "unit": plan.unit.name, "service": i.service.name, "expires": i.expires_on}
            for i in unused(db.session(), plan.id)]
    out.write_bytes(slips_pdf(rows, base_url()))
    click.echo(f"{out}: {len(rows)} slips")


def register(app: Flask) -> None:
    app.cli.add_command(plans_cli)
