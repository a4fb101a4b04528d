"""`sipas report --plan ID --out FILE.docx`: the plan's report to Sở Nội vụ."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from survey import db
from survey.models import Plan


@click.command("report")
@with_appcontext
@click.option("--plan", "plan_id", type=int, required=True, help="Plan id (see `sipas plans list`).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="DOCX file to write.")
def report(plan_id: int, out: Path) -> None:
    """Write a plan's report (DOCX, Vietnamese) with its results and PAR figures."""
    # deferred: the CLI is registered in every worker, which need not hold the DOCX libraries
    from survey.report.data import gather
    from survey.report.document import build

    s = db.session()
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"no plan with id {plan_id}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build(gather(s, plan)))
    click.echo(f"{out}")


def register(app: Flask) -> None:
    app.cli.add_command(report)
